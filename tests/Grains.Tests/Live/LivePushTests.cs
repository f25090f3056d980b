using System.Collections.Concurrent;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Live;
using CivicContracting.Participants;

namespace CivicContracting.Grains.Tests.Live;

[Collection(ClusterCollection.Name)]
public sealed class LivePushTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Cluster.Client;

    private ILiveRegistryGrain Registry => Client.GetGrain<ILiveRegistryGrain>(0);

    [Fact]
    public async Task The_registry_drops_an_entry_whose_lease_expired()
    {
        var observer = new RecordingObserver();
        var reference = Client.CreateObjectReference<ILiveObserver>(observer);
        try
        {
            var hostId = TestData.NewId("host");
            // A lease long enough that no slow machine lets it lapse by itself (and under LiveOptions.MaxLease, 5 minutes):
            // the test moves the registry's clock past it (TestClock.Shift, for this test's calls only) instead of waiting.
            var length = TimeSpan.FromMinutes(2);
            var lease = await Registry.Subscribe(hostId, reference, length);
            Assert.True(lease.Expires > DateTimeOffset.UtcNow.AddSeconds(-1) + length && lease.Expires < DateTimeOffset.UtcNow.AddSeconds(5) + length, $"Unexpected expiry {lease.Expires:O}");
            Assert.False(lease.Renewed);
            Assert.Contains(reference.GetGrainId(), (await Registry.GetObservers()).Select(o => o.GetGrainId()));
            using (TestClock.Shift(length - TimeSpan.FromSeconds(30)))
                Assert.Contains(reference.GetGrainId(), (await Registry.GetObservers()).Select(o => o.GetGrainId()));

            using (TestClock.Shift(length + TimeSpan.FromSeconds(1)))
                Assert.DoesNotContain(reference.GetGrainId(), (await Registry.GetObservers()).Select(o => o.GetGrainId()));
            // Dropped, not hidden: the registry's own time sees it gone too.
            Assert.DoesNotContain(reference.GetGrainId(), (await Registry.GetObservers()).Select(o => o.GetGrainId()));

            // Renewing is subscribing again: the entry is back, and the answer says that the lease had been lost.
            var again = await Registry.Subscribe(hostId, reference, TimeSpan.FromSeconds(30));
            Assert.False(again.Renewed);
            Assert.Contains(reference.GetGrainId(), (await Registry.GetObservers()).Select(o => o.GetGrainId()));
            await Registry.Unsubscribe(hostId);
            Assert.DoesNotContain(reference.GetGrainId(), (await Registry.GetObservers()).Select(o => o.GetGrainId()));
        }
        finally
        {
            Client.DeleteObjectReference<ILiveObserver>(reference);
        }
    }

    [Fact]
    public async Task A_renewal_says_that_the_registry_still_held_the_lease_where_the_registry_runs_and_how_soon_batchers_push()
    {
        var reference = Client.CreateObjectReference<ILiveObserver>(new RecordingObserver());
        var hostId = TestData.NewId("host");
        try
        {
            var first = await Registry.Subscribe(hostId, reference, TimeSpan.FromSeconds(30));
            var renewal = await Registry.Subscribe(hostId, reference, TimeSpan.FromSeconds(30));
            Assert.False(first.Renewed);
            Assert.True(renewal.Renewed);
            Assert.True(renewal.Expires >= first.Expires);
            // The silo the registry runs on: one of the cluster's silos, the same for both calls.
            var silos = fixture.Cluster.GetActiveSilos().Select(s => s.SiloAddress.ToString()).ToList();
            Assert.Contains(renewal.Silo, silos);
            Assert.Equal(first.Silo, renewal.Silo);
            // The test cluster's observer cache (200 ms) plus the default flush interval.
            Assert.Equal(TimeSpan.FromMilliseconds(200) + new CivicContracting.Live.LiveOptions().FlushInterval, renewal.PushDelay);

            // A registry that forgot the host (as after its silo died) says so on the next renewal.
            await Registry.Unsubscribe(hostId);
            Assert.False((await Registry.Subscribe(hostId, reference, TimeSpan.FromSeconds(30))).Renewed);
        }
        finally
        {
            await Registry.Unsubscribe(hostId);
            Client.DeleteObjectReference<ILiveObserver>(reference);
        }
    }

    [Fact]
    public async Task A_progress_report_reaches_a_subscribed_observer_as_a_change_of_its_goal()
    {
        var observer = new RecordingObserver();
        var reference = Client.CreateObjectReference<ILiveObserver>(observer);
        var hostId = TestData.NewId("host");
        try
        {
            await Registry.Subscribe(hostId, reference, TimeSpan.FromSeconds(30));
            var goal = await TestData.Goal(fixture.Grains);
            var participant = await TestData.Participant(fixture.Grains, ParticipantKind.School);
            var id = await TestData.ConfirmedCommitment(fixture.Grains, participant, TestData.ResultTerms(20, 80), "24062W13", new GoalWeight(goal, 1));
            await fixture.Grains.GetGrain<ICommitmentGrain>(id).ReportProgress(new ProgressReport("r1", DateTimeOffset.UtcNow, Value: 50));

            var scope = AggregateScope.Goal(goal);
            var change = await observer.WaitFor(c => c.Scope == scope && c.Snapshot.Progress is { } p && Math.Abs(p - 0.5) < 1e-9, TimeSpan.FromSeconds(5));
            Assert.Equal(1, change.Snapshot.Totals.EngagedCommitments);
            Assert.Equal(change.Snapshot.Version, change.Version);
            Assert.Equal(scope, change.Snapshot.Scope);
        }
        finally
        {
            await Registry.Unsubscribe(hostId);
            Client.DeleteObjectReference<ILiveObserver>(reference);
        }
    }

    /// <summary>A web host stand-in: keeps every change it is sent.</summary>
    private sealed class RecordingObserver : ILiveObserver
    {
        private readonly ConcurrentQueue<AggregateChange> _changes = new();

        public Task OnChanges(IReadOnlyList<AggregateChange> changes)
        {
            foreach (var change in changes)
                _changes.Enqueue(change);
            return Task.CompletedTask;
        }

        public Task OnContributions(IReadOnlyList<ContributionDelta> deltas) => Task.CompletedTask;

        public async Task<AggregateChange> WaitFor(Func<AggregateChange, bool> match, TimeSpan within) =>
            (await Eventually.Value(() => Task.FromResult(_changes.ToArray()), changes => changes.Any(match), within, "a matching change")).First(match);
    }
}
