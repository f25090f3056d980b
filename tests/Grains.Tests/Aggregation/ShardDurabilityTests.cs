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

    [Fact]
    public async Task A_shard_tells_what_changed_since_a_recent_sequence_and_nothing_from_before_it_was_activated()
    {
        var shardIndex = 9;
        var participant = Enumerable.Range(0, 10_000).Select(i => $"p-changes-{Guid.NewGuid():N}").First(p => AggregateScope.ShardFor(p) == shardIndex);
        var shard = Grains.GetGrain<IContributionShardGrain>(shardIndex);
        var scope = AggregateScope.Goal($"changes-{Guid.NewGuid():N}");
        Contribution Version(string id, long version) => new(id, version, participant, ParticipantKind.School, CommitmentLevel.Result,
            CommitmentStatus.Active, version / 10.0, false, DateTimeOffset.UnixEpoch, [new ScopeWeight(scope, 1)], DateTimeOffset.UtcNow);

        // A fresh activation remembers from the sequence it loaded on.
        await shard.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await shard.Report(Version($"c-changes-{scope}-a", 1));
        var start = (await shard.GetStatus()).Sequence;
        await shard.Report(Version($"c-changes-{scope}-b", 1));
        await shard.Report(Version($"c-changes-{scope}-a", 2));
        await shard.Report(Version($"c-changes-{scope}-a", 1)); // stale: changes nothing
        var now = (await shard.GetStatus()).Sequence;

        var changes = await shard.GetChangesSince(start);
        Assert.NotNull(changes);
        Assert.Equal((shardIndex, start + 1, now), (changes.ShardIndex, changes.FromSequence, changes.ToSequence));
        Assert.Equal([($"c-changes-{scope}-a", 2L), ($"c-changes-{scope}-b", 1L)],
            changes.Contributions.Select(c => (c.CommitmentId, c.Version)).Order().ToList());

        // Up to date: an empty answer that says so; beyond what the shard has, or negative: no answer.
        var none = await shard.GetChangesSince(now);
        Assert.NotNull(none);
        Assert.Empty(none.Contributions);
        Assert.Equal(now, none.ToSequence);
        Assert.Null(await shard.GetChangesSince(now + 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => shard.GetChangesSince(-1));

        // After a restart the shard remembers only from there: earlier sequences take a whole read.
        await shard.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Null(await shard.GetChangesSince(start));
        Assert.NotNull(await shard.GetChangesSince(now));
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
