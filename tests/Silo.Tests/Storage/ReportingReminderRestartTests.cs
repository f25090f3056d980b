using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CivicContracting.Silo.Tests.Storage;

/// <summary>
/// "Reminders fire after a silo restart", for real: a silo host on the embedded SQLite profile (whose reminder table is
/// in memory) confirms a commitment and stops; a new host on the same data folder starts eight days later by its clock,
/// and the commitment's reminder fires by itself — nobody calls the commitment — and records the nudge.
/// </summary>
public sealed class ReportingReminderRestartTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Reminders_fire_after_a_silo_restart()
    {
        var clock = new ShiftedClock();
        string id;
        DateTimeOffset dueAt;
        using (var first = Build(clock))
        {
            await first.StartAsync();
            var grains = first.Services.GetRequiredService<IGrainFactory>();
            var goal = $"g-{Guid.NewGuid():N}";
            await grains.GetGrain<IGoalGrain>(goal).Define(new GoalDefinition("Safe school routes", "", new GoalScope(PlaceLevel.City, [])));
            var owner = $"p-{Guid.NewGuid():N}";
            await grains.GetGrain<IParticipantGrain>(owner).Register(new ParticipantRegistration(ParticipantKind.School, "De Ark", "24062W13"));
            id = $"c-{Guid.NewGuid():N}";
            var commitment = grains.GetGrain<ICommitmentGrain>(id);
            var terms = new CommitmentTerms(CommitmentLevel.Pledge, "We walk and cycle to school", "Every pupil, every day.");
            await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms, ReportingInterval: TimeSpan.FromDays(7)));
            var confirmed = await commitment.Confirm("Head teacher", CommitmentText.Hash(terms));
            Assert.Equal(CommitmentPhase.Confirmed, confirmed.Phase);
            dueAt = confirmed.NextReportDue!.Value;
            Assert.Equal(confirmed.Confirmation!.ConfirmedAt.AddDays(7), dueAt);
            Assert.Contains(id, await grains.GetGrain<ICommitmentReminderIndexGrain>(CommitmentReminderIndex.ShardFor(id)).GetTracked());
            await first.StopAsync();
        }

        // The silo was down for eight days: the weekly report is overdue, and the in-memory reminder table is gone.
        clock.Shift(TimeSpan.FromDays(8));
        using var second = Build(clock);
        var restartedAt = clock.GetUtcNow();
        await second.StartAsync();
        var queue = second.Services.GetRequiredService<IGrainFactory>().GetGrain<ICoachQueueGrain>(CoachQueue.Key);

        // Only the coach queue is read until the reminder has fired: it is registered again by the start-up restorer.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        IReadOnlyList<CoachQueueEntry> entries;
        while (!(entries = await queue.GetEntries()).Any(e => e.CommitmentId == id) && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        var entry = Assert.Single(entries, e => e.CommitmentId == id);
        Assert.Equal(ReportingDueReason.ReportOverdue, entry.Reason);
        Assert.Equal(dueAt, entry.Since);
        Assert.Equal(1, entry.NudgeCount);
        Assert.True(entry.LastNudgedAt >= restartedAt, $"nudged at {entry.LastNudgedAt:O}, restarted at {restartedAt:O}");

        // The nudge is in the commitment's own (durable) state.
        var view = (await second.Services.GetRequiredService<IGrainFactory>().GetGrain<ICommitmentGrain>(id).Get())!;
        Assert.Equal(CommitmentPhase.ReportingDue, view.Phase);
        Assert.Equal((1, entry.LastNudgedAt), (view.NudgeCount, view.LastNudgedAt));
        await second.StopAsync();
    }

    private IHost Build(ShiftedClock clock) => TestSilo.Build(_temp.Path, new Dictionary<string, string?>
    {
        ["Storage:Profile"] = "Sqlite",
        ["Storage:DataDirectory"] = _temp.Path,
        // A reminder that is due already fires within 1-2 s of its registration (default: 1-2 minutes).
        ["Coaching:ReminderDelay"] = "00:00:01",
    }, services: s => s.AddSingleton<TimeProvider>(clock));

    /// <summary>The system clock, moved forward by the test while no silo runs (a silo that was down for days).</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        private long _offsetTicks;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

        public void Shift(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
