using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CivicContracting.Silo.Tests.Storage;

/// <summary>
/// "Reminders fire after a silo restart", for real, on the embedded SQLite profile: the reporting schedule is durable, so a
/// new host on the same data folder fires a reminder that came due while it was down — nobody calls the commitment — and a
/// start wakes no commitment that is not due. Also the move from the reminder index of earlier versions at a start.
/// </summary>
public sealed class ReportingReminderRestartTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Reminders_fire_after_a_silo_restart_and_the_start_wakes_only_the_commitments_that_are_due()
    {
        string id;
        DateTimeOffset dueAt;
        var all = new HashSet<string>(StringComparer.Ordinal);
        // A reminder already due fires Coaching:ReminderDelay (here 10 s) plus up to as much again after it is scheduled:
        // the first silo stops before that, the second fires it.
        using (var first = Build())
        {
            await first.StartAsync();
            var grains = first.Services.GetRequiredService<IGrainFactory>();
            var goal = $"g-{Guid.NewGuid():N}";
            await grains.GetGrain<IGoalGrain>(goal).Define(new GoalDefinition("Safe school routes", "", new GoalScope(PlaceLevel.City, [])));
            var owner = $"p-{Guid.NewGuid():N}";
            await grains.GetGrain<IParticipantGrain>(owner).Register(new ParticipantRegistration(ParticipantKind.School, "De Ark", "24062W13"));
            id = $"c-{Guid.NewGuid():N}";
            all.Add(id);
            var commitment = grains.GetGrain<ICommitmentGrain>(id);
            var terms = new CommitmentTerms(CommitmentLevel.Pledge, "We walk and cycle to school", "Every pupil, every day.");
            await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms, ReportingInterval: TimeSpan.FromDays(7)));
            // Signed on paper eight days ago and entered now: the weekly report is overdue from the start.
            var confirmed = await commitment.Confirm("Head teacher", CommitmentText.Hash(terms), DateTimeOffset.UtcNow.AddDays(-8));
            Assert.Equal(CommitmentPhase.ReportingDue, confirmed.Phase);
            dueAt = confirmed.NextReportDue!.Value;
            Assert.Equal(confirmed.Confirmation!.ConfirmedAt.AddDays(7), dueAt);
            Assert.Single(await grains.GetGrain<IReportingSweeperGrain>(ReportingSchedule.SweeperKey).FindScheduled(id));

            // Twenty more, confirmed now: nothing due for three months.
            for (var i = 0; i < 20; i++)
            {
                var otherId = $"c-{Guid.NewGuid():N}";
                all.Add(otherId);
                var other = grains.GetGrain<ICommitmentGrain>(otherId);
                await other.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms));
                await other.Confirm("Head teacher", CommitmentText.Hash(terms));
            }
            await first.StopAsync();
        }

        using var second = Build();
        var restartedAt = DateTimeOffset.UtcNow;
        await second.StartAsync();
        var grains2 = second.Services.GetRequiredService<IGrainFactory>();

        // Only the coach queue is read until the reminder has fired.
        var entries = await Eventually.Value(() => CoachQueue.ReadAllAsync(grains2), e => e.Any(e => e.CommitmentId == id),
            TimeSpan.FromSeconds(60), "the commitment in the coach queue after the restart");
        var entry = Assert.Single(entries, e => e.CommitmentId == id);
        Assert.Equal(ReportingDueReason.ReportOverdue, entry.Reason);
        Assert.Equal(dueAt, entry.Since);
        Assert.Equal(1, entry.NudgeCount);
        Assert.True(entry.LastNudgedAt >= restartedAt, $"nudged at {entry.LastNudgedAt:O}, restarted at {restartedAt:O}");

        // The start and the sweeps woke the one commitment that was due, none of the twenty others.
        Assert.Equal([id], await ActiveCommitments(grains2, all));

        // The nudge is in the commitment's own (durable) state.
        var view = (await grains2.GetGrain<ICommitmentGrain>(id).Get())!;
        Assert.Equal(CommitmentPhase.ReportingDue, view.Phase);
        Assert.Equal((1, entry.LastNudgedAt), (view.NudgeCount, view.LastNudgedAt));
        await second.StopAsync();
    }

    [Fact]
    public async Task A_start_tells_the_commitments_listed_in_the_reminder_index_of_an_earlier_version_to_schedule_themselves()
    {
        string id;
        using (var first = Build())
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
            await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms));
            await commitment.Confirm("Head teacher", CommitmentText.Hash(terms));

            // As an earlier version left the database: a reminder due in the commitment's state, nothing in the
            // schedule, the commitment listed in the reminder index.
            var sweeper = grains.GetGrain<IReportingSweeperGrain>(ReportingSchedule.SweeperKey);
            var scheduled = Assert.Single(await sweeper.FindScheduled(id));
            await grains.GetGrain<IReportingScheduleGrain>(ReportingSchedule.BucketKey(ReportingSchedule.HourOf(scheduled.DueAt), scheduled.Slot)).Cancel(id, scheduled.DueAt);
            Assert.Empty(await sweeper.FindScheduled(id));
            await grains.GetGrain<ICommitmentReminderIndexGrain>(CommitmentReminderIndex.ShardFor(id)).Track(id);
            await first.StopAsync();
        }

        using var second = Build();
        await second.StartAsync();
        var grains2 = second.Services.GetRequiredService<IGrainFactory>();
        var sweeper2 = grains2.GetGrain<IReportingSweeperGrain>(ReportingSchedule.SweeperKey);
        var found = await Eventually.Value(() => sweeper2.FindScheduled(id), f => f.Count > 0, TimeSpan.FromSeconds(30),
            "the commitment's report scheduled again after the restart");
        Assert.Single(found);
        Assert.Empty(await grains2.GetGrain<ICommitmentReminderIndexGrain>(CommitmentReminderIndex.ShardFor(id)).GetTracked());
        await second.StopAsync();
    }

    /// <summary>Which of <paramref name="ids"/> are activated in the cluster, from the silos' catalogs (Orleans' management grain).</summary>
    private static async Task<string[]> ActiveCommitments(IGrainFactory grains, IReadOnlySet<string> ids)
    {
        var activations = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return [.. activations.Select(a => a.GrainId.Key.ToString()!).Where(ids.Contains).Distinct().Order(StringComparer.Ordinal)];
    }

    // The real clock: a silo whose TimeProvider runs days ahead declares itself dead (its generation is older than the
    // membership's minimum), so the overdue report comes from a signing date in the past instead.
    private IHost Build() => TestSilo.Build(_temp.Path, new Dictionary<string, string?>
    {
        ["Storage:Profile"] = "Sqlite",
        ["Storage:DataDirectory"] = _temp.Path,
        ["Coaching:ReminderDelay"] = "00:00:10",
    });
}
