using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Following;
using CivicContracting.Goals;
using CivicContracting.Grains.Tests.Following;
using CivicContracting.Participants;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>
/// Phases over time and the reporting reminders, on the cluster with the <see cref="AdvancingClock"/>. Time is moved by
/// the clock, not waited for. That a reminder is scheduled is read from the reporting schedule itself
/// (<see cref="IReportingSweeperGrain.FindScheduled"/>); a due one fires through a real sweep (sweeper → bucket →
/// commitment), and a tick at another moment is delivered the way a bucket delivers it
/// (<see cref="ICommitmentCoachingGrain.ReportingDue"/> with the entry's due time and slot). That it fires by itself after
/// a restart is tested in Silo.Tests (ReportingReminderRestartTests).
/// </summary>
[Collection(CommitmentClusterCollection.Name)]
public sealed class ReportingReminderTests(CommitmentClusterFixture fixture)
{
    private static readonly TimeSpan Interval = TimeSpan.FromDays(7); // the shortest: the clock of the whole collection moves as little as possible

    private IGrainFactory Grains => fixture.Grains;

    private Task<IReadOnlyList<CoachQueueEntry>> QueueEntries() => CoachQueue.ReadAllAsync(Grains);

    private IReportingSweeperGrain Sweeper => Grains.GetGrain<IReportingSweeperGrain>(ReportingSchedule.SweeperKey);

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

        // Confirming scheduled the reminder for the report's due date, in the bucket of that hour.
        var scheduled = Assert.Single(await Sweeper.FindScheduled(id));
        Assert.Equal(confirmed.NextReportDue, scheduled.DueAt);
        Assert.Contains(await Grains.GetGrain<IReportingScheduleGrain>(ReportingSchedule.BucketKey(ReportingSchedule.HourOf(scheduled.DueAt), scheduled.Slot)).GetEntries(),
            e => e.CommitmentId == id && e.DueAt == scheduled.DueAt);
        Assert.Empty(await Grains.GetGrain<ICommitmentReminderIndexGrain>(CommitmentReminderIndex.ShardFor(id)).GetTracked());

        // An interval without a report: due by the clock alone.
        AdvancingClock.Advance(Interval + TimeSpan.FromDays(1));
        Assert.Equal(CommitmentPhase.ReportingDue, (await commitment.Get())!.Phase);

        // A sweep finds the reminder due and its bucket tells the commitment: one nudge, the coach queue, the owner's feed.
        await Sweeper.Sweep();
        var nudged = await Eventually.Value(async () => (await commitment.Get())!, v => v.NudgeCount > 0);
        Assert.Equal(1, nudged.NudgeCount);
        Assert.NotNull(nudged.LastNudgedAt);
        Assert.True(nudged.LastNudgedAt >= confirmed.NextReportDue);
        var entry = Assert.Single(await QueueEntries(), e => e.CommitmentId == id);
        Assert.Equal(new CoachQueueEntry(id, ReportingDueReason.ReportOverdue, confirmed.NextReportDue!.Value, owner, "24062W13", terms.Title, 1, nudged.LastNudgedAt),
            entry);
        // The fired entry is done, and the next one scheduled: one reporting interval after the nudge.
        var next = await Eventually.Value(() => Sweeper.FindScheduled(id), e => e.Count == 1 && e[0].DueAt != scheduled.DueAt);
        Assert.Equal(nudged.LastNudgedAt + Interval, Assert.Single(next).DueAt);
        var feed = await Eventually.Value(() => Grains.GetGrain<IFeedGrain>(ownerAccount).GetPage(null, 50),
            p => p.Items.Any(i => i.Event.Kind == FeedEventKind.ReportDue), TimeSpan.FromSeconds(10));
        var news = Assert.Single(feed.Items, i => i.Event.Kind == FeedEventKind.ReportDue);
        Assert.Equal(id, news.Event.CommitmentId);
        Assert.Equal(new FollowTopic(FollowTopicKind.Participant, owner), news.Event.Topic);

        // Another tick within the same interval reminds nobody again.
        await Tick(id);
        Assert.Equal(1, (await commitment.Get())!.NudgeCount);

        // The next report ends it: in progress again, out of the queue, the next report due an interval later.
        var reported = await commitment.ReportProgress(new ProgressReport(TestData.NewId("r"), AdvancingClock.Now, Note: "The bike shed is built."));
        Assert.Equal(CommitmentPhase.InProgress, reported.Phase);
        Assert.True(reported.NextReportDue > AdvancingClock.Now + Interval - TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(await QueueEntries(), e => e.CommitmentId == id);
        Assert.Equal(1, reported.NudgeCount);
        await Tick(id); // and a tick now finds nothing due
        Assert.Equal(1, (await commitment.Get())!.NudgeCount);
        Assert.DoesNotContain(await QueueEntries(), e => e.CommitmentId == id);

        // Still no report a whole interval later: due again, and reminded again by a sweep.
        AdvancingClock.Advance(Interval + TimeSpan.FromDays(1));
        await Sweeper.Sweep();
        var again = await Eventually.Value(async () => (await commitment.Get())!, v => v.NudgeCount == 2);
        Assert.Equal((CommitmentPhase.ReportingDue, 2), (again.Phase, again.NudgeCount));
        Assert.Contains(await QueueEntries(), e => e.CommitmentId == id && e.NudgeCount == 2);
    }

    [Fact]
    public async Task A_commitment_signed_long_ago_is_due_at_once_and_withdrawing_it_takes_it_out_of_the_queue_and_cancels_its_reminder()
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
        // Due already: scheduled after Coaching:ReminderDelay (one minute here) plus a random spread of as much again.
        var scheduled = Assert.Single(await Sweeper.FindScheduled(id));
        Assert.InRange(scheduled.DueAt, AdvancingClock.Now, AdvancingClock.Now + TimeSpan.FromMinutes(2));
        await Tick(id);
        Assert.Contains(await QueueEntries(), e => e.CommitmentId == id && e.Reason == ReportingDueReason.ReportOverdue);
        var fired = Assert.Single(await Sweeper.FindScheduled(id)); // the next one; the fired one is done

        var withdrawn = await commitment.Withdraw("We moved away.");
        Assert.Equal(CommitmentPhase.Withdrawn, withdrawn.Phase);
        Assert.Null(withdrawn.NextReportDue);
        Assert.DoesNotContain(await QueueEntries(), e => e.CommitmentId == id);
        Assert.Empty(await Sweeper.FindScheduled(id));

        // A late tick of a reminder that was already on its way changes nothing.
        await Tick(id, fired);
        Assert.Equal(1, (await commitment.Get())!.NudgeCount);
        Assert.DoesNotContain(await QueueEntries(), e => e.CommitmentId == id);
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
        await Tick(id);
        Assert.Contains(await QueueEntries(), e => e.CommitmentId == id && e.Reason == ReportingDueReason.DeadlineSoon);

        // A report does not end a close deadline ...
        var reported = await commitment.ReportProgress(new ProgressReport(TestData.NewId("r"), AdvancingClock.Now, Value: 45));
        Assert.Equal(CommitmentPhase.ReportingDue, reported.Phase);
        Assert.Contains(await QueueEntries(), e => e.CommitmentId == id);
        // ... closing it does.
        var closed = await commitment.Close(CommitmentOutcome.Achieved);
        Assert.Equal(CommitmentPhase.Achieved, closed.Phase);
        Assert.DoesNotContain(await QueueEntries(), e => e.CommitmentId == id);
        Assert.Empty(await Sweeper.FindScheduled(id));
    }

    [Fact]
    public async Task A_draft_is_an_intent_until_it_says_more_than_a_title_and_has_no_reminder()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains);
        var id = TestData.NewId("c");
        var commitment = Grains.GetGrain<ICommitmentGrain>(id);
        var intent = new CommitmentTerms(CommitmentLevel.Pledge, "Something for cleaner air", "");
        var view = await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", intent));
        Assert.Equal(CommitmentPhase.Intent, view.Phase);
        Assert.Empty(await Sweeper.FindScheduled(id));

        view = await commitment.Revise(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", TestData.ActionTerms(2)));
        Assert.Equal(CommitmentPhase.Drafting, view.Phase);

        // The reporting interval is part of the draft: revising only it is a revision, not a repeat.
        view = await commitment.Revise(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", TestData.ActionTerms(2), ReportingInterval: TimeSpan.FromDays(14)));
        Assert.Equal(TimeSpan.FromDays(14), view.ReportingInterval);
        await Assert.ThrowsAsync<Validation.InputRejectedException>(() =>
            commitment.Revise(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", TestData.ActionTerms(2), ReportingInterval: TimeSpan.FromDays(3))));
    }

    [Fact]
    public async Task A_reminder_moved_earlier_leaves_an_out_of_date_entry_that_is_ignored_and_removed_when_it_fires()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.Business, "24062W08");
        var terms = TestData.PledgeTerms();
        var id = TestData.NewId("c");
        var commitment = Grains.GetGrain<ICommitmentGrain>(id);
        await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W08", terms, ReportingInterval: TimeSpan.FromDays(30)));
        var confirmed = await commitment.ConfirmAs(terms);
        var later = Assert.Single(await Sweeper.FindScheduled(id));
        Assert.Equal(confirmed.NextReportDue, later.DueAt);

        // An upgrade to actions, the first due in three days: a deadline is close, so a report is due now, and the
        // reminder is moved to fire at once (after Coaching:ReminderDelay, one minute here, plus a spread of as much).
        var actions = new CommitmentTerms(CommitmentLevel.Action, "Car-free school street", "Actions we take.",
            Milestones: [new Milestone("m1", "Close the street on Fridays", DateOnly.FromDateTime(AdvancingClock.Now.UtcDateTime.AddDays(3)))]);
        var upgraded = await commitment.Upgrade(actions, "Test Person", CommitmentText.Hash(actions));
        Assert.Equal(CommitmentPhase.ReportingDue, upgraded.Phase);
        var entries = await Sweeper.FindScheduled(id);
        Assert.Equal(2, entries.Count);
        var earlier = Assert.Single(entries, e => e.DueAt != later.DueAt);
        Assert.InRange(earlier.DueAt, AdvancingClock.Now, AdvancingClock.Now + TimeSpan.FromMinutes(2));

        // The out-of-date entry is told (as its bucket would when it came due): ignored, though a report is due, and removed.
        await Tick(id, later);
        Assert.Equal(0, (await commitment.Get())!.NudgeCount);
        Assert.Equal(earlier, Assert.Single(await Sweeper.FindScheduled(id)));

        // The current one nudges.
        await Tick(id, earlier);
        Assert.Equal(1, (await commitment.Get())!.NudgeCount);
        Assert.Contains(await QueueEntries(), e => e.CommitmentId == id && e.Reason == ReportingDueReason.DeadlineSoon);
    }

    [Fact]
    public async Task A_commitment_listed_in_the_reminder_index_of_an_earlier_version_is_told_once_to_schedule_itself_and_the_index_is_emptied()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.School, "24062W13");
        var terms = TestData.PledgeTerms();
        var id = TestData.NewId("c");
        var commitment = Grains.GetGrain<ICommitmentGrain>(id);
        await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms, ReportingInterval: Interval));
        var confirmed = await commitment.ConfirmAs(terms);

        // As an earlier version left it: a reminder due in its state, none in the schedule, listed in the index.
        var entry = Assert.Single(await Sweeper.FindScheduled(id));
        await Grains.GetGrain<IReportingScheduleGrain>(ReportingSchedule.BucketKey(ReportingSchedule.HourOf(entry.DueAt), entry.Slot)).Cancel(id, entry.DueAt);
        Assert.Empty(await Sweeper.FindScheduled(id));
        var index = Grains.GetGrain<ICommitmentReminderIndexGrain>(CommitmentReminderIndex.ShardFor(id));
        await index.Track(id);

        Assert.True(await Sweeper.DrainReminderIndex() >= 1);
        Assert.DoesNotContain(id, await index.GetTracked());
        var restored = await Eventually.Value(() => Sweeper.FindScheduled(id), e => e.Count > 0);
        Assert.Equal(confirmed.NextReportDue, Assert.Single(restored).DueAt);
        // Once: the index is empty, so a second drain (as at every start) tells nobody.
        Assert.Equal(0, await Sweeper.DrainReminderIndex());
    }

    /// <summary>
    /// Delivers the commitment's reminder as its bucket does (<paramref name="entry"/>, or its current entry: the earliest
    /// the schedule holds), whether or not the clock says it is due: the commitment decides by its own clock.
    /// </summary>
    private async Task Tick(string id, ScheduledReport? entry = null)
    {
        entry ??= (await Sweeper.FindScheduled(id)).MinBy(e => e.DueAt) ?? throw new InvalidOperationException($"Commitment '{id}' has no reminder scheduled.");
        await Grains.GetGrain<ICommitmentCoachingGrain>(id).ReportingDue(entry.DueAt, entry.Slot);
    }
}
