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
            var expires = await Registry.Subscribe(hostId, reference, TimeSpan.FromMilliseconds(300));
            Assert.True(expires > DateTimeOffset.UtcNow.AddSeconds(-1) && expires < DateTimeOffset.UtcNow.AddSeconds(5), $"Unexpected expiry {expires:O}");
            Assert.Contains(reference.GetGrainId(), (await Registry.GetObservers()).Select(o => o.GetGrainId()));

            await Task.Delay(TimeSpan.FromMilliseconds(600));
            Assert.DoesNotContain(reference.GetGrainId(), (await Registry.GetObservers()).Select(o => o.GetGrainId()));

            // Renewing is subscribing again: the entry is back.
            await Registry.Subscribe(hostId, reference, TimeSpan.FromSeconds(30));
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

        public async Task<AggregateChange> WaitFor(Func<AggregateChange, bool> match, TimeSpan within)
        {
            var deadline = DateTime.UtcNow + within;
            while (true)
            {
                if (_changes.FirstOrDefault(match) is { } found)
                    return found;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"No matching change within {within}; received {_changes.Count}: {string.Join(", ", _changes.Select(c => $"{c.Scope}@{c.Snapshot.Progress}"))}");
                await Task.Delay(20);
            }
        }
    }
}
