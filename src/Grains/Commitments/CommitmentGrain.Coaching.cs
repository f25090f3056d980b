using CivicContracting.Coaching;
using CivicContracting.Following;
using CivicContracting.Validation;
using Microsoft.Extensions.Logging;

namespace CivicContracting.Commitments;

/// <summary>
/// Coaching a commitment through its phases: its derived <see cref="CommitmentPhase"/>, its reporting reminder, the
/// nudges to its owner and its entry in the coaches' queue.
/// </summary>
/// <remarks>
/// <para>
/// A commitment that is reported on (confirmed or active, in force) has one entry in the durable reporting schedule
/// (<see cref="IReportingScheduleGrain"/>: buckets per hour of the calendar, swept by the <see cref="IReportingSweeperGrain"/>),
/// due at the next moment its phase can change by the clock alone (<see cref="CommitmentPhases.NextChange"/>: its next
/// report's due date, a deadline's warning or end; at most <see cref="MaxReminderWait"/> ahead). <see cref="CommitmentCoachingState.ReminderDueAt"/>
/// says which entry is its current one. It is scheduled before the change that needs it is written, so a stored
/// confirmation never lacks it, and moved only when a change makes it due earlier: a progress report costs no schedule
/// write. A moved entry stays behind, out of date; when it fires the commitment only marks it done. When the current entry
/// fires (<see cref="ReportingDue"/>) and a report is due, the commitment records a nudge (at most one per due reason,
/// repeated every reporting interval while it stays due), tells its participant's followers one-way
/// (<see cref="FeedEventKind.ReportDue"/>) and puts itself in the <see cref="ICoachQueueGrain"/>; then it schedules its
/// next entry and marks the fired one done (an entry not marked done is told again). Its next report, closure or withdrawal
/// takes it out of the queue; closure and withdrawal also cancel its entry.
/// </para>
/// <para>
/// Nothing happens at a silo's start: the schedule is durable in every profile, and only due commitments are woken.
/// Earlier versions used an Orleans reminder (<see cref="ReportingReminderName"/>) and, where the reminder table was in
/// memory, the <see cref="ICommitmentReminderIndexGrain"/>: a listed commitment is told once to schedule itself
/// (<see cref="RestoreReminder"/>), and an old reminder that still fires (PostgreSQL's reminder table) schedules the
/// commitment and unregisters itself. Calls go one way: commitment → sweeper, commitment → bucket, commitment → queue;
/// a bucket tells a commitment without waiting; the queue calls nobody.
/// </para>
/// </remarks>
public sealed partial class CommitmentGrain : ICommitmentCoachingGrain, IRemindable
{
    /// <summary>The name of the Orleans reminder of earlier versions (see <see cref="ReceiveReminder"/>).</summary>
    public const string ReportingReminderName = "reporting";

    /// <summary>
    /// The furthest ahead a reminder is scheduled: one for a change further ahead fires earlier, finds nothing due, and is
    /// scheduled again. Keeps the hours the schedule knows to a few weeks' worth.
    /// </summary>
    public static readonly TimeSpan MaxReminderWait = TimeSpan.FromDays(45);

    /// <summary>What the write in progress leaves for after it is durable (see <see cref="Commit"/>): the queue, and the schedule entry to cancel.</summary>
    private (bool Dequeue, CoachQueueEntry? Requeue, DateTimeOffset? Unschedule) _afterWrite;

    private TimeSpan ReportingInterval => S.Draft?.ReportingInterval ?? coaching.Value.DefaultReportingInterval;

    /// <summary>
    /// The deadline of a waiting condition, else null. While a condition waits, the commitment's one schedule entry is for
    /// its deadline: a commitment with a waiting condition is not in force, so never reported on, and never needs both.
    /// </summary>
    private DateTimeOffset? WaitingDeadline =>
        S.Draft?.Condition is { } condition && S.Confirmation.ConditionStatus == ConditionStatus.Waiting ? condition.Deadline : null;

    /// <summary>Reported on: confirmed or active, and in force (a template or a waiting or lapsed condition is not).</summary>
    private bool IsReportedOn => S.Draft is not null && CommitmentPhases.IsReportedOn(S.Status, InForce);

    /// <summary>The start of the current reporting interval: the latest of the confirmation, the condition's meeting and the last report received.</summary>
    private DateTimeOffset? ReportingSince => Latest(Latest(S.Confirmation.Current?.ConfirmedAt, S.Confirmation.ConditionMetAt),
        S.Reports.LastReportAt ?? S.Reports.RecentReports.LastOrDefault()?.Report.ReportedAt);

    private PhaseFacts CoachingFacts() => new(S.Status, S.Terms!, S.Reports.CompletedMilestones, S.Draft is not null && InForce,
        IsReportedOn ? CommitmentPhases.NextReportDue(ReportingSince, ReportingInterval) : null);

    private ICoachQueueGrain CoachQueueGrain => GrainFactory.GetGrain<ICoachQueueGrain>(CoachQueue.ShardFor(Id));

    private IReportingSweeperGrain Sweeper => GrainFactory.GetGrain<IReportingSweeperGrain>(ReportingSchedule.SweeperKey);

    private IReportingScheduleGrain ScheduleBucket(long hour, int slot) =>
        GrainFactory.GetGrain<IReportingScheduleGrain>(ReportingSchedule.BucketKey(hour, slot));

    public async Task ReportingDue(DateTimeOffset dueAt, int slot)
    {
        if (slot < 0 || slot >= ReportingSchedule.Width(ReportingSchedule.MaxLevel))
            throw new ArgumentOutOfRangeException(nameof(slot), slot, "Not a slot of the reporting schedule.");
        if (WaitingDeadline is { } deadline)
        {
            if (S.Coaching.ReminderDueAt == dueAt)
                await ConditionDeadlineDue(deadline, dueAt, slot);
            else
                await TryDone(dueAt, slot); // out of date
            return;
        }
        if (!IsReportedOn)
        {
            // Closed, withdrawn, lapsed, or never created: leave the queue, then the schedule. An entry whose dequeue
            // failed is not marked done, so it is told again and the dequeue tried again.
            if (!await TryDequeue())
                return;
            if (S.Draft is not null && (S.Coaching.QueuedReason is not null || S.Coaching.ReminderDueAt is not null))
            {
                S.Coaching.QueuedReason = null;
                S.Coaching.ReminderDueAt = null;
                await state.WriteStateAsync();
            }
            await TryDone(dueAt, slot);
            return;
        }
        if (S.Coaching.ReminderDueAt != dueAt)
        {
            await TryDone(dueAt, slot); // out of date: the reminder was moved since
            return;
        }
        await PushIfBehind();
        var now = clock.GetUtcNow();
        var assessment = CommitmentPhases.Assess(CoachingFacts(), now);
        var nudge = assessment.Reason is not null
            && (S.Coaching.LastNudgedAt is not { } last || last < assessment.DueSince || now - last >= ReportingInterval);
        if (nudge)
        {
            S.Coaching.NudgeCount++;
            S.Coaching.LastNudgedAt = now;
        }
        S.Coaching.QueuedReason = assessment.Reason;
        // It fired: the next reminder, for the next change. If that cannot be scheduled, this entry stays the current
        // one and, not marked done, is told again (the nudge above is not repeated: it is recorded).
        var next = await ScheduleReminder(now);
        S.Coaching.ReminderDueAt = next ?? dueAt;
        // A nudge changes no terms, status or progress: written without a new version, so nothing is pushed.
        await state.WriteStateAsync();
        if (next is { } scheduled && scheduled != dueAt)
            await TryDone(dueAt, slot);

        // Put again on every due tick, and removed on every other, so a queue call that failed earlier is repaired.
        if (assessment.Reason is not null)
            await TryQueue(QueueEntry(assessment));
        else
            await TryDequeue();
        if (nudge)
            AnnounceReportDue(assessment, now);
    }

    /// <summary>
    /// The entry for a waiting condition's deadline came due: once the deadline has passed by this silo's clock, the
    /// condition is settled (met, if its target was confirmed in time; else lapsed for good) and the entry goes with the
    /// change. Told early (another silo's clock), it does nothing and, not marked done, is told again.
    /// </summary>
    private async Task ConditionDeadlineDue(DateTimeOffset deadline, DateTimeOffset dueAt, int slot)
    {
        await PushIfBehind();
        var now = clock.GetUtcNow();
        if (now < deadline)
            return;
        await RefreshConditionTarget();
        if (SettleCondition(now))
            await Commit(now); // no longer waiting: the change cancels the entry (or moves it to the reporting reminder)
        await TryDone(dueAt, slot);
    }

    public async Task RestoreReminder()
    {
        if (IsReportedOn)
            await ScheduleAfresh();
    }

    /// <summary>
    /// A tick of an earlier version's Orleans reminder (still in PostgreSQL's reminder table): the commitment schedules its
    /// reminder in the reporting schedule (or, no longer reported on, leaves the queue) and the reminder unregisters itself.
    /// If either step fails the reminder stays, and its next tick tries again.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReportingReminderName)
            return;
        if (IsReportedOn ? !await ScheduleAfresh() : !await TryDequeue())
            return;
        try
        {
            if (await this.GetReminder(ReportingReminderName) is { } reminder)
                await this.UnregisterReminder(reminder);
        }
        catch (Exception ex)
        {
            LogReminderNotDropped(logger, Id, ex);
        }
    }

    /// <summary>
    /// Schedules the reminder whatever <see cref="CommitmentCoachingState.ReminderDueAt"/> says (it may name an earlier version's
    /// Orleans reminder, which the schedule does not hold) and writes it. False when it could not be scheduled: then the
    /// state says none is, and the next activation or change schedules it.
    /// </summary>
    private async Task<bool> ScheduleAfresh()
    {
        await PushIfBehind();
        S.Coaching.ReminderDueAt = await ScheduleReminder(clock.GetUtcNow());
        await state.WriteStateAsync();
        return S.Coaching.ReminderDueAt is not null;
    }

    public async Task<CommitmentView> Nudge(string coachId, string? message)
    {
        RequireExists();
        if (string.IsNullOrWhiteSpace(coachId) || coachId.Length > ManualNudge.MaxCoachIdLength)
            throw new InputRejectedException("coachId", $"Name the coach (1 to {ManualNudge.MaxCoachIdLength} characters).");
        message = string.IsNullOrWhiteSpace(message) ? null : message.Trim();
        if (message is { Length: > ManualNudge.MaxMessageLength })
            throw new InputRejectedException("message", $"At most {ManualNudge.MaxMessageLength} characters.");
        InputRules.CleanText("message", message).ThrowIfAny();
        await PushIfBehind();
        if (!IsReportedOn)
            throw new StateConflictException(S.Status == CommitmentStatus.Draft
                ? $"Commitment '{Id}' is a draft; only a commitment that is reported on (confirmed or active, in force) can be nudged."
                : $"Commitment '{Id}' is not reported on ({S.Status.ToString().ToLowerInvariant()}{(InForce ? "" : ", not in force")}); it cannot be nudged.");

        var now = clock.GetUtcNow();
        S.Coaching.NudgeCount++;
        S.Coaching.LastNudgedAt = now;
        S.Coaching.LastManualNudge = new ManualNudge(coachId, now, message);
        // Due already (its reminder may not have fired yet): it belongs in the queue, with the nudge counted.
        var assessment = CommitmentPhases.Assess(CoachingFacts(), now);
        var wasQueued = S.Coaching.QueuedReason is not null;
        S.Coaching.QueuedReason = assessment.Reason;
        // Like the automatic nudge: no terms, status or progress change, so no new version and nothing to push. The
        // reminder stays as it is: the next automatic nudge waits a reporting interval after this one (NextReminderAt).
        await state.WriteStateAsync();
        if (assessment.Reason is not null)
            await TryQueue(QueueEntry(assessment));
        else if (wasQueued)
            await TryDequeue();

        var detail = message is null ? FeedText.Detail("CoachAsks") : FeedText.Detail("CoachAsksWithMessage", Said(message));
        var topic = new FollowTopic(FollowTopicKind.Participant, S.Draft!.ParticipantId);
        var feedEvent = FeedEventOf($"{Id}:nudge{S.Coaching.NudgeCount}", topic, FeedEventKind.ReportDue, S.Terms!.Title, detail, now);
        _ = GrainFactory.GetFollowTopic(topic).Announce(feedEvent);
        return ToView();
    }

    public Task<ManualNudge?> GetLastManualNudge() => Task.FromResult(S.Coaching.LastManualNudge);

    /// <summary>On activation: a commitment reported on, or with a waiting condition, without a scheduled entry (a failed attempt; one from before the schedule) schedules it.</summary>
    private async Task EnsureReminderOnActivation()
    {
        if (S.Coaching.ReminderDueAt is not null)
            return;
        var scheduled = WaitingDeadline is { } deadline ? await ScheduleAt(deadline)
            : IsReportedOn ? await ScheduleReminder(clock.GetUtcNow())
            : null;
        if (scheduled is not null)
        {
            S.Coaching.ReminderDueAt = scheduled;
            await state.WriteStateAsync();
        }
    }

    /// <summary>A repeated creation (<see cref="EnsureLinks"/>): a waiting condition whose deadline entry is missing (scheduling failed) gets it.</summary>
    private async Task EnsureDeadlineScheduled(DateTimeOffset deadline)
    {
        if (S.Coaching.ReminderDueAt == deadline || await ScheduleAt(deadline) is not { } scheduled)
            return;
        S.Coaching.ReminderDueAt = scheduled;
        await state.WriteStateAsync();
    }

    /// <summary>
    /// Before a change is written (<see cref="Commit"/>): a commitment reported on gets its reminder scheduled (or an
    /// earlier one, when the change makes it due sooner) and, if it is queued, its queue entry follows its new due reason;
    /// one no longer reported on leaves the queue and cancels its entry once the change is durable (<see cref="AfterCoachingWrite"/>).
    /// </summary>
    private async Task BeforeCoachingWrite(DateTimeOffset now)
    {
        _afterWrite = default;
        if (S.Draft is null)
            return;
        if (WaitingDeadline is { } deadline)
        {
            // A waiting condition: the entry is for its deadline, scheduled before the write, so a stored waiting
            // condition never lacks it. (If scheduling fails, the next change, activation or repeated creation tries again.)
            if (S.Coaching.ReminderDueAt != deadline)
                S.Coaching.ReminderDueAt = await ScheduleAt(deadline);
            return;
        }
        if (!IsReportedOn)
        {
            _afterWrite = (S.Coaching.QueuedReason is not null, null, S.Coaching.ReminderDueAt);
            S.Coaching.QueuedReason = null;
            S.Coaching.ReminderDueAt = null;
            return;
        }
        // An entry left from the condition's deadline (the condition was met) gives way to the reporting reminder.
        DateTimeOffset? deadlineEntry = S.Draft.Condition is { } condition && S.Coaching.ReminderDueAt == condition.Deadline ? condition.Deadline : null;
        // A reminder moved earlier leaves its later entry behind: out of date, it is only marked done when it fires.
        if ((deadlineEntry is not null || S.Coaching.ReminderDueAt is not { } scheduled || NextReminderAt(now) < scheduled)
            && await ScheduleReminder(now) is { } dueAt)
        {
            S.Coaching.ReminderDueAt = dueAt;
            _afterWrite = (false, null, deadlineEntry);
        }
        if (S.Coaching.QueuedReason is { } queued)
        {
            var assessment = CommitmentPhases.Assess(CoachingFacts(), now);
            if (assessment.Reason != queued)
            {
                S.Coaching.QueuedReason = assessment.Reason;
                _afterWrite = (assessment.Reason is null, assessment.Reason is null ? null : QueueEntry(assessment), _afterWrite.Unschedule);
            }
        }
    }

    /// <summary>After the change is durable: the queue and schedule work <see cref="BeforeCoachingWrite"/> left. Never throws.</summary>
    private async Task AfterCoachingWrite()
    {
        var (dequeue, requeue, unschedule) = _afterWrite;
        _afterWrite = default;
        var dequeued = !dequeue || await TryDequeue();
        if (requeue is not null)
            await TryQueue(requeue);
        // A queue entry that could not be removed keeps the schedule's entry, whose firing removes both.
        if (unschedule is { } dueAt && dequeued)
            await TryCancel(dueAt);
    }

    /// <summary>
    /// When the reminder should next fire: now, if a report is due and its owner was not nudged for it yet; otherwise the
    /// next change by the clock (<see cref="CommitmentPhases.NextChange"/>), and while it stays due, one reporting
    /// interval after the last nudge at the latest.
    /// </summary>
    private DateTimeOffset NextReminderAt(DateTimeOffset now)
    {
        var facts = CoachingFacts();
        var assessment = CommitmentPhases.Assess(facts, now);
        DateTimeOffset? next = CommitmentPhases.NextChange(facts, now);
        if (assessment.Reason is not null)
        {
            if (S.Coaching.LastNudgedAt is not { } last || last < assessment.DueSince)
                return now;
            next = Earliest(next, last + ReportingInterval);
        }
        return next ?? now + MaxReminderWait;
    }

    /// <summary>
    /// Schedules a reminder for <see cref="NextReminderAt"/> (one that is due already: after <see cref="CoachingOptions.ReminderDelay"/>
    /// plus a random spread of as much again) in the reporting schedule: the sweeper learns its hour first, then the
    /// bucket stores it, durably. Returns when it is due, or null when it failed (logged; tried again later). The caller
    /// writes it to <see cref="CommitmentCoachingState.ReminderDueAt"/>.
    /// </summary>
    private Task<DateTimeOffset?> ScheduleReminder(DateTimeOffset now)
    {
        var wait = NextReminderAt(now) - now;
        var delay = coaching.Value.ReminderDelay;
        if (wait < delay)
            wait = delay + TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * delay.Ticks));
        if (wait > MaxReminderWait)
            wait = MaxReminderWait;
        return ScheduleAt(now + wait);
    }

    /// <summary>Puts an entry due at <paramref name="dueAt"/> in the reporting schedule (see <see cref="ScheduleReminder"/>); null when it failed.</summary>
    private async Task<DateTimeOffset?> ScheduleAt(DateTimeOffset dueAt)
    {
        var hour = ReportingSchedule.HourOf(dueAt);
        int level, held;
        try
        {
            level = await Sweeper.NoteHour(hour);
            held = await ScheduleBucket(hour, ReportingSchedule.SlotFor(Id, level)).Schedule(Id, dueAt);
        }
        catch (Exception ex)
        {
            LogReminderNotScheduled(logger, Id, ex);
            return null;
        }
        if (ReportingSchedule.IsCrowded(held))
        {
            try
            {
                await Sweeper.Widen(hour, level);
            }
            catch (Exception ex)
            {
                // Scheduled all the same; the next entry in a crowded bucket asks again.
                LogWidenFailed(logger, Id, ex);
            }
        }
        return dueAt;
    }

    /// <summary>Cancels the schedule's entry due at <paramref name="dueAt"/>, in whichever bucket of its hour it was put. Best effort: a left entry fires, and is marked done then.</summary>
    private async Task TryCancel(DateTimeOffset dueAt)
    {
        var hour = ReportingSchedule.HourOf(dueAt);
        try
        {
            if (await Sweeper.LevelOf(hour) is not { } level)
                return; // no entries in that hour (an earlier version's reminder, or swept)
            foreach (var slot in ReportingSchedule.CandidateSlots(Id, level))
                await ScheduleBucket(hour, slot).Cancel(Id, dueAt);
        }
        catch (Exception ex)
        {
            LogReminderNotDropped(logger, Id, ex);
        }
    }

    private async Task TryDone(DateTimeOffset dueAt, int slot)
    {
        try
        {
            await ScheduleBucket(ReportingSchedule.HourOf(dueAt), slot).Done(Id, dueAt);
        }
        catch (Exception ex)
        {
            LogReminderNotDropped(logger, Id, ex); // told again, and marked done again
        }
    }

    private async Task<bool> TryQueue(CoachQueueEntry entry)
    {
        try
        {
            await CoachQueueGrain.Put(entry);
            return true;
        }
        catch (Exception ex)
        {
            LogQueueFailed(logger, Id, ex);
            return false;
        }
    }

    private async Task<bool> TryDequeue()
    {
        try
        {
            await CoachQueueGrain.Remove(Id);
            // Earlier versions had one queue, now the first shard: an entry put there then is removed there too (no write when absent).
            if (CoachQueue.ShardFor(Id) != CoachQueue.Key)
                await GrainFactory.GetGrain<ICoachQueueGrain>(CoachQueue.Key).Remove(Id);
            return true;
        }
        catch (Exception ex)
        {
            LogQueueFailed(logger, Id, ex);
            return false;
        }
    }

    private CoachQueueEntry QueueEntry(PhaseAssessment assessment) => new(Id, assessment.Reason!.Value, assessment.DueSince!.Value,
        S.Draft!.ParticipantId, S.Draft.NeighbourhoodCode, Shorten(S.Terms!.Title, InputRules.MaxTitleLength), S.Coaching.NudgeCount, S.Coaching.LastNudgedAt);

    /// <summary>Tells the participant's followers (the owner, when they follow their participant) that a report is due: one-way, once per nudge.</summary>
    private void AnnounceReportDue(PhaseAssessment assessment, DateTimeOffset now)
    {
        var since = FeedText.Date(assessment.DueSince!.Value);
        var detail = assessment.Reason switch
        {
            ReportingDueReason.DeadlinePassed => FeedText.Detail("DeadlinePassed", since),
            ReportingDueReason.DeadlineSoon => FeedText.Detail("DeadlineSoon"),
            _ => FeedText.Detail("ReportDue", since),
        };
        var topic = new FollowTopic(FollowTopicKind.Participant, S.Draft!.ParticipantId);
        var feedEvent = FeedEventOf($"{Id}:due{S.Coaching.NudgeCount}", topic, FeedEventKind.ReportDue, S.Terms!.Title, detail, now);
        _ = GrainFactory.GetFollowTopic(topic).Announce(feedEvent);
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static DateTimeOffset Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x <= b ? x : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commitment {CommitmentId} could not schedule its reporting reminder; it tries again at its next change or activation")]
    private static partial void LogReminderNotScheduled(ILogger logger, string commitmentId, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Commitment {CommitmentId} could not ask the reporting schedule to widen a crowded hour; the next entry there asks again")]
    private static partial void LogWidenFailed(ILogger logger, string commitmentId, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commitment {CommitmentId} could not remove an entry of its reporting reminder; it is removed when it fires")]
    private static partial void LogReminderNotDropped(ILogger logger, string commitmentId, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commitment {CommitmentId} could not update the coach queue; its reminder's next firing does")]
    private static partial void LogQueueFailed(ILogger logger, string commitmentId, Exception ex);
}
