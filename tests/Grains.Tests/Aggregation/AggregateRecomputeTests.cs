using System.Diagnostics;
using System.Diagnostics.Metrics;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Observability;
using CivicContracting.Participants;

namespace CivicContracting.Grains.Tests.Aggregation;

/// <summary>
/// A scope that every shard reports to recomputes once per <c>Aggregation:AggregateRecomputeInterval</c>, not once per
/// shard report. The changes are counted with the aggregate-changes metric, which every aggregate of the process adds to:
/// hence a collection of its own that runs alone.
/// </summary>
[Collection(AggregateRecomputeCollection.Name)]
public sealed class AggregateRecomputeTests(ClusterFixture fixture)
{
    /// <summary>AggregationOptions.AggregateRecomputeInterval's default, which the cluster fixture keeps.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);

    [Fact]
    public async Task News_from_every_shard_within_the_interval_is_one_change_at_once_and_one_at_its_end_and_a_read_sees_it_all()
    {
        // The test plays the sixteen shards of a goal that only it reports to: one engaged pledge each.
        var aggregate = fixture.Grains.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(TestData.NewId("coalesced")));
        await aggregate.GetSnapshot(); // activated before counting

        using var changes = new ChangeCounter();
        var sending = Stopwatch.StartNew();
        for (var shard = 0; shard < AggregateScope.ShardCount; shard++)
            await aggregate.ReportShard(new ShardReport(shard, 1, Pledges(1)));
        var elapsed = sending.Elapsed;
        var counted = changes.Count;

        // One change at once, then at most one for each interval the sending took (a slow machine makes more, never fewer).
        Assert.InRange(counted, 1, 1 + (int)Math.Ceiling(elapsed / Interval));
        Assert.True(counted < AggregateScope.ShardCount || elapsed > Interval * (AggregateScope.ShardCount - 1),
            $"{counted} changes for {AggregateScope.ShardCount} shard reports sent in {elapsed.TotalMilliseconds:N0} ms");

        // A read does not wait for the interval: it sees every report it was sent.
        Assert.Equal(AggregateScope.ShardCount, (await aggregate.GetSnapshot()).Totals.Commitments);
        await aggregate.ReportShard(new ShardReport(0, 2, Pledges(2)));
        Assert.Equal(AggregateScope.ShardCount + 1, (await aggregate.GetSnapshot()).Totals.Commitments);

        // And news that nobody reads is computed at the end of the interval (for the live viewers): the count goes up alone.
        await aggregate.ReportShard(new ShardReport(1, 2, Pledges(3)));
        var before = changes.Count;
        await aggregate.ReportShard(new ShardReport(2, 2, Pledges(4)));
        await Eventually.Until(() => changes.Count > before, TimeSpan.FromSeconds(5), "the pending news computed");
        Assert.Equal(AggregateScope.ShardCount + 1 + 2 + 3, (await aggregate.GetSnapshot()).Totals.Commitments);
    }

    private static EngagementTotals Pledges(int n) => EngagementMath.FromParts(n,
        new Dictionary<CommitmentStatus, int> { [CommitmentStatus.Confirmed] = n },
        new Dictionary<CommitmentLevel, int> { [CommitmentLevel.Pledge] = n },
        new Dictionary<ParticipantKind, int> { [ParticipantKind.Resident] = n },
        0, ExactSums.Zero, 0, 0, 0, DateTimeOffset.UtcNow);

    /// <summary>Counts the aggregate changes of this process while it lives.</summary>
    private sealed class ChangeCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public ChangeCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == CivicMetrics.MeterName && instrument.Name == CivicMetrics.AggregateChangesName)
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AggregateRecomputeCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "aggregate-recompute";
}
