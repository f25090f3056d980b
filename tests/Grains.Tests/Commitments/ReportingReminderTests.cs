using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Following;
using CivicContracting.Goals;
using CivicContracting.Grains.Tests.Following;
using CivicContracting.Participants;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>
/// Phases over time and the reporting reminders, on the cluster with the <see cref="AdvancingClock"/>. Time is moved by
/// the clock, not waited for. The reminder's tick is delivered the way Orleans delivers it — a call of
/// <see cref="IRemindable.ReceiveReminder"/> on the commitment's grain — because the reminder service waits in real
/// time for the due time it was given, which the advanced clock does not shorten. That the reminder itself is registered
/// is read from the silo's reminder table; that it fires by itself, after a restart, is tested in Silo.Tests
/// (ReportingReminderRestartTests).
/// </summary>
[Collection(CommitmentClusterCollection.Name)]
public sealed class ReportingReminderTests(CommitmentClusterFixture fixture)
{
    private static readonly TimeSpan Interval = TimeSpan.FromDays(7); // the shortest: the clock of the whole collection moves as little as possible

    private IGrainFactory Grains => fixture.Grains;

    private ICoachQueueGrain Queue => Grains.GetGrain<ICoachQueueGrain>(CoachQueue.Key);

    [Fact]
    public async Task A_confirmed_commitment_without_a_report_becomes_due_after_its_interval_its_reminder_nudges_the_owner_and_queues_it_and_a_report_clears_it()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.School, "24062W13");
        var ownerAccount = FollowingTestData.NewAccount();
        await Grains.GetGrain<IFollowerGrain>(ownerAccount).Follow(new FollowTopic(FollowTopicKind.Participant, owner));
        var terms = TestData.PledgeTerms();
        var id = TestData.NewId("c");
        var commitment = Grains.GetGrain<ICommitmentGrain>(id);

        var draft = await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms, ReportingInterval: Interval));
        Assert.Equal(CommitmentPhase.Drafting, draft.Phase);
        Assert.Equal(Interval, draft.ReportingInterval);
        Assert.Null(draft.NextReportDue);

        var confirmed = await commitment.ConfirmAs(terms);
        Assert.Equal(CommitmentPhase.Confirmed, confirmed.Phase);
        Assert.Equal(confirmed.Confirmation!.ConfirmedAt + Interval, confirmed.NextReportDue);
        Assert.Equal((0, (DateTimeOffset?)null), (confirmed.NudgeCount, confirmed.LastNudgedAt));

        // Confirming registered the reminder (repeating every interval) and listed it for re-registration at start.
        var reminder = await ReminderRow(commitment);
        Assert.NotNull(reminder);
        Assert.Equal(Interval, reminder.Period);
        Assert.Contains(id, await Grains.GetGrain<ICommitmentReminderIndexGrain>(CommitmentReminderIndex.ShardFor(id)).GetTracked());

        // An interval without a report: due by the clock alone, before any reminder fired.
        AdvancingClock.Advance(Interval + TimeSpan.FromDays(1));
        var due = (await commitment.Get())!;
        Assert.Equal(CommitmentPhase.ReportingDue, due.Phase);
        Assert.Equal(0, due.NudgeCount);

        // The reminder fires: one nudge, the coach queue, the owner's feed.
        await Tick(commitment);
        var nudged = (await commitment.Get())!;
        Assert.Equal(1, nudged.NudgeCount);
        Assert.NotNull(nudged.LastNudgedAt);
        Assert.True(nudged.LastNudgedAt >= confirmed.NextReportDue);
        var entry = Assert.Single(await Queue.GetEntries(), e => e.CommitmentId == id);
        Assert.Equal(new CoachQueueEntry(id, ReportingDueReason.ReportOverdue, confirmed.NextReportDue!.Value, owner, "24062W13", terms.Title, 1, nudged.LastNudgedAt),
            entry);
        var feed = await TestData.Eventually(() => Grains.GetGrain<IFeedGrain>(ownerAccount).GetPage(null, 50),
            p => p.Items.Any(i => i.Event.Kind == FeedEventKind.ReportDue), TimeSpan.FromSeconds(10));
        var news = Assert.Single(feed.Items, i => i.Event.Kind == FeedEventKind.ReportDue);
        Assert.Equal(id, news.Event.CommitmentId);
        Assert.Equal(new FollowTopic(FollowTopicKind.Participant, owner), news.Event.Topic);

        // Another tick within the same interval reminds nobody again.
        await Tick(commitment);
        Assert.Equal(1, (await commitment.Get())!.NudgeCount);

        // The next report ends it: in progress again, out of the queue, the next report due an interval later.
        var reported = await commitment.ReportProgress(new ProgressReport(TestData.NewId("r"), AdvancingClock.Now, Note: "The bike shed is built."));
        Assert.Equal(CommitmentPhase.InProgress, reported.Phase);
        Assert.True(reported.NextReportDue > AdvancingClock.Now + Interval - TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(await Queue.GetEntries(), e => e.CommitmentId == id);
        Assert.Equal(1, reported.NudgeCount);
        await Tick(commitment); // and a tick now finds nothing due
        Assert.Equal(1, (await commitment.Get())!.NudgeCount);
        Assert.DoesNotContain(await Queue.GetEntries(), e => e.CommitmentId == id);

        // Still no report a whole interval later: due again, and reminded again.
        AdvancingClock.Advance(Interval + TimeSpan.FromDays(1));
        await Tick(commitment);
        Assert.Equal((CommitmentPhase.ReportingDue, 2), ((await commitment.Get())!.Phase, (await commitment.Get())!.NudgeCount));
        Assert.Contains(await Queue.GetEntries(), e => e.CommitmentId == id && e.NudgeCount == 2);
    }

    [Fact]
    public async Task A_commitment_signed_long_ago_is_due_at_once_and_withdrawing_it_takes_it_out_of_the_queue_and_drops_its_reminder()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W03");
        var terms = TestData.PledgeTerms();
        var id = TestData.NewId("c");
        var commitment = Grains.GetGrain<ICommitmentGrain>(id);
        await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W03", terms, ReportingInterval: Interval));

        // Signed on paper 40 days ago and entered now: the report it owes is overdue already.
        var confirmed = await commitment.Confirm("Coach", CommitmentText.Hash(terms), AdvancingClock.Now - TimeSpan.FromDays(40));
        Assert.Equal(CommitmentPhase.ReportingDue, confirmed.Phase);
        Assert.NotNull(await ReminderRow(commitment));
        await Tick(commitment);
        Assert.Contains(await Queue.GetEntries(), e => e.CommitmentId == id && e.Reason == ReportingDueReason.ReportOverdue);

        var withdrawn = await commitment.Withdraw("We moved away.");
        Assert.Equal(CommitmentPhase.Withdrawn, withdrawn.Phase);
        Assert.Null(withdrawn.NextReportDue);
        Assert.DoesNotContain(await Queue.GetEntries(), e => e.CommitmentId == id);
        Assert.Null(await ReminderRow(commitment));
        Assert.DoesNotContain(id, await Grains.GetGrain<ICommitmentReminderIndexGrain>(CommitmentReminderIndex.ShardFor(id)).GetTracked());

        // A late tick of a reminder that was already on its way changes nothing.
        await Tick(commitment);
        Assert.Equal(1, (await commitment.Get())!.NudgeCount);
        Assert.DoesNotContain(await Queue.GetEntries(), e => e.CommitmentId == id);
    }

    [Fact]
    public async Task A_deadline_within_two_weeks_makes_a_report_due_and_closing_the_commitment_ends_it()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.Business, "24062W08");
        var deadline = DateOnly.FromDateTime(AdvancingClock.Now.UtcDateTime.AddDays(10));
        var terms = new CommitmentTerms(CommitmentLevel.Result, "Fewer car deliveries", "Cargo bikes for the last mile.",
            Target: new QuantitativeTarget("Deliveries by cargo bike", "%", 10, 50, deadline));
        var id = TestData.NewId("c");
        var commitment = Grains.GetGrain<ICommitmentGrain>(id);
        await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W08", terms));

        var confirmed = await commitment.ConfirmAs(terms);
        Assert.Equal(CommitmentPhase.ReportingDue, confirmed.Phase);
        Assert.Equal(TimeSpan.FromDays(90), confirmed.ReportingInterval); // the platform's default
        await Tick(commitment);
        Assert.Contains(await Queue.GetEntries(), e => e.CommitmentId == id && e.Reason == ReportingDueReason.DeadlineSoon);

        // A report does not end a close deadline ...
        var reported = await commitment.ReportProgress(new ProgressReport(TestData.NewId("r"), AdvancingClock.Now, Value: 45));
        Assert.Equal(CommitmentPhase.ReportingDue, reported.Phase);
        Assert.Contains(await Queue.GetEntries(), e => e.CommitmentId == id);
        // ... closing it does.
        var closed = await commitment.Close(CommitmentOutcome.Achieved);
        Assert.Equal(CommitmentPhase.Achieved, closed.Phase);
        Assert.DoesNotContain(await Queue.GetEntries(), e => e.CommitmentId == id);
        Assert.Null(await ReminderRow(commitment));
    }

    [Fact]
    public async Task A_draft_is_an_intent_until_it_says_more_than_a_title_and_has_no_reminder()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains);
        var commitment = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
        var intent = new CommitmentTerms(CommitmentLevel.Pledge, "Something for cleaner air", "");
        var view = await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", intent));
        Assert.Equal(CommitmentPhase.Intent, view.Phase);
        Assert.Null(await ReminderRow(commitment));

        view = await commitment.Revise(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", TestData.ActionTerms(2)));
        Assert.Equal(CommitmentPhase.Drafting, view.Phase);

        // The reporting interval is part of the draft: revising only it is a revision, not a repeat.
        view = await commitment.Revise(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", TestData.ActionTerms(2), ReportingInterval: TimeSpan.FromDays(14)));
        Assert.Equal(TimeSpan.FromDays(14), view.ReportingInterval);
        await Assert.ThrowsAsync<Validation.InputRejectedException>(() =>
            commitment.Revise(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", TestData.ActionTerms(2), ReportingInterval: TimeSpan.FromDays(3))));
    }

    /// <summary>Delivers a tick of the commitment's reminder as the reminder service does.</summary>
    private static Task Tick(ICommitmentGrain commitment) =>
        commitment.AsReference<IRemindable>().ReceiveReminder(CommitmentGrain.ReportingReminderName, new TickStatus(DateTime.UtcNow, Interval, DateTime.UtcNow));

    /// <summary>The commitment's row in the cluster's reminder table (null if it has none).</summary>
    private async Task<ReminderEntry?> ReminderRow(ICommitmentGrain commitment)
    {
        var silo = fixture.Cluster.Primary as InProcessSiloHandle ?? throw new InvalidOperationException("The test cluster's silos run in this process.");
        var table = silo.SiloHost!.Services.GetRequiredService<IReminderTable>();
        return (await table.ReadRows(commitment.GetGrainId())).Reminders.SingleOrDefault(r => r.ReminderName == CommitmentGrain.ReportingReminderName);
    }
}
