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
        string id;
        DateTimeOffset dueAt;
        // The first silo waits a minute before a due reminder fires, so it stops before it does; the second fires at once.
        using (var first = Build(reminderDelay: "00:01:00"))
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
            // Signed on paper eight days ago and entered now: the weekly report is overdue from the start.
            var confirmed = await commitment.Confirm("Head teacher", CommitmentText.Hash(terms), DateTimeOffset.UtcNow.AddDays(-8));
            Assert.Equal(CommitmentPhase.ReportingDue, confirmed.Phase);
            dueAt = confirmed.NextReportDue!.Value;
            Assert.Equal(confirmed.Confirmation!.ConfirmedAt.AddDays(7), dueAt);
            Assert.Contains(id, await grains.GetGrain<ICommitmentReminderIndexGrain>(CommitmentReminderIndex.ShardFor(id)).GetTracked());
            await first.StopAsync();
        }

        // The in-memory reminder table went with the first silo.
        using var second = Build(reminderDelay: "00:00:01");
        var restartedAt = DateTimeOffset.UtcNow;
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

    // The real clock: a silo whose TimeProvider runs days ahead declares itself dead (its generation is older than the
    // membership's minimum), so the overdue report comes from a signing date in the past instead.
    private IHost Build(string reminderDelay) => TestSilo.Build(_temp.Path, new Dictionary<string, string?>
    {
        ["Storage:Profile"] = "Sqlite",
        ["Storage:DataDirectory"] = _temp.Path,
        ["Coaching:ReminderDelay"] = reminderDelay,
    });
}
