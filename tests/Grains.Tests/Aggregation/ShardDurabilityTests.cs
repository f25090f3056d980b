using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using Orleans.Core.Internal;

namespace CivicContracting.Grains.Tests.Aggregation;

/// <summary>
/// A contribution shard's durable layout (log ring, segments, meta; see <see cref="ShardStore"/>): every acknowledged
/// contribution survives deactivations in the middle of group commits and compactions, and the totals after a restart
/// equal a recomputation. The test cluster compacts often (after 16 changes), so many rounds cross a compaction.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ShardDurabilityTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Every_acknowledged_contribution_survives_deactivations_and_compactions()
    {
        // Participants that all belong to one shard of their own in this test, so nothing else writes there meanwhile.
        var shardIndex = 5;
        var participants = Enumerable.Range(0, 10_000).Select(i => $"p-durable-{Guid.NewGuid():N}")
            .Where(p => AggregateScope.ShardFor(p) == shardIndex).Take(12).ToList();
        var shard = Grains.GetGrain<IContributionShardGrain>(shardIndex);
        var scope = AggregateScope.Goal($"durable-{Guid.NewGuid():N}");
        var place = PlaceCatalog.Leuven.Neighbourhoods.First().Code;
        var acknowledged = new Dictionary<string, Contribution>();
        var random = new Random(7);
        for (var round = 0; round < 12; round++)
        {
            var reports = Enumerable.Range(0, 25).Select(_ =>
            {
                var id = $"c-durable-{scope}-{random.Next(40)}";
                var version = (acknowledged.GetValueOrDefault(id)?.Version ?? 0) + 1 + random.Next(2);
                var c = new Contribution(id, version, participants[random.Next(participants.Count)], ParticipantKind.School,
                    CommitmentLevel.Result, CommitmentStatus.Active, random.Next(101) / 100.0, false, DateTimeOffset.UnixEpoch.AddDays(random.Next(1000)),
                    [new ScopeWeight(scope, 1 + random.Next(3)), new ScopeWeight(AggregateScope.Place(place), 1)], DateTimeOffset.UtcNow);
                acknowledged[id] = c;
                return c;
            }).ToList();
            // Concurrent reports share group commits; a deactivation lands in the middle of some of them.
            var calls = reports.Select(c => shard.Report(c)).ToList();
            if (round % 3 == 1)
                calls.Add(shard.AsReference<IGrainManagementExtension>().DeactivateOnIdle().AsTask());
            await Task.WhenAll(calls);
            if (round % 2 == 0)
                await shard.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

            var held = (await shard.GetContributions(scope)).ToDictionary(c => c.CommitmentId);
            foreach (var (id, c) in acknowledged)
                Assert.True(held.TryGetValue(id, out var h) && h.Version >= c.Version, $"round {round}: {id} v{c.Version} was acknowledged but the shard holds {(h is null ? "nothing" : $"v{h.Version}")}");
            Assert.Equal(ShardAggregation.Fingerprint(EngagementMath.Totals(acknowledged.Values, scope)), ShardAggregation.Fingerprint(await shard.GetTotals(scope)));
        }
        var status = await shard.GetStatus();
        Assert.True(status.CompactedSequence > 0, "the rounds must cross at least one compaction");
    }
}

/// <summary>A shard stored by the previous layout (one snapshot row, one journal row) is read once, moved into segments and emptied.</summary>
public sealed class ShardLegacyLayoutTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_shard_in_the_previous_layout_is_read_and_moved_into_segments()
    {
        const int shardIndex = 9;
        var shard = fixture.Grains.GetGrain<IContributionShardGrain>(shardIndex);
        var services = ((Orleans.TestingHost.InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost!.Services;
        var storage = Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions
            .GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(services, CivicContracting.Hosting.GrainStorage.Name);
        var participant = Enumerable.Range(0, 10_000).Select(i => $"p-legacy-{i}").First(p => AggregateScope.ShardFor(p) == shardIndex);
        var scope = AggregateScope.Goal($"legacy-{Guid.NewGuid():N}");
        Contribution Make(string id, long version, double progress) => new(id, version, participant, ParticipantKind.Business,
            CommitmentLevel.Result, CommitmentStatus.Active, progress, true, DateTimeOffset.UnixEpoch.AddDays(version), new List<ScopeWeight> { new(scope, 2) }, DateTimeOffset.UtcNow);
        // The snapshot holds older versions; the journal newer ones of some commitments: the newest must win.
        var snapshot = new LegacyContributionShardState { Sequence = 40 };
        var journal = new LegacyContributionShardState { Sequence = 41 };
        for (var i = 0; i < 30; i++)
            snapshot.Contributions[$"c-legacy-{i}"] = Make($"c-legacy-{i}", 1, 0.25);
        for (var i = 0; i < 30; i += 3)
            journal.Contributions[$"c-legacy-{i}"] = Make($"c-legacy-{i}", 2, 0.75);
        var grainId = shard.GetGrainId();
        await storage.WriteStateAsync(ShardStore.LegacySnapshotStateName, grainId, new GrainState<LegacyContributionShardState>(snapshot));
        await storage.WriteStateAsync(ShardStore.LegacyJournalStateName, grainId, new GrainState<LegacyContributionShardState>(journal));
        var expected = snapshot.Contributions.ToDictionary(c => c.Key, c => journal.Contributions.GetValueOrDefault(c.Key) ?? c.Value);

        // The keep-alive woke the shard at start (before the rows existed): the next activation reads them.
        await shard.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Equal(ShardAggregation.Fingerprint(EngagementMath.Totals(expected.Values, scope)), ShardAggregation.Fingerprint(await shard.GetTotals(scope)));
        var status = await shard.GetStatus();
        Assert.True(status.Sequence >= 41, $"the sequence continues from the legacy rows (got {status.Sequence})");

        // Moved: the legacy rows are empty, and the shard still knows everything after another restart.
        var legacy = new GrainState<LegacyContributionShardState>(new LegacyContributionShardState());
        await storage.ReadStateAsync(ShardStore.LegacySnapshotStateName, grainId, legacy);
        Assert.Empty(legacy.State!.Contributions);
        await shard.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var held = (await shard.GetContributions(scope)).ToDictionary(c => c.CommitmentId, c => c.Version);
        Assert.Equal(expected.ToDictionary(c => c.Key, c => c.Value.Version).OrderBy(k => k.Key), held.OrderBy(k => k.Key));
    }
}
