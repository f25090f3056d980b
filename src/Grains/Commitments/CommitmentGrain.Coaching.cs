using System.Globalization;
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
/// A commitment that is reported on (confirmed or active, in force) has one durable Orleans reminder,
/// <see cref="ReportingReminderName"/>, set for the next moment its phase can change by the clock alone
/// (<see cref="CommitmentPhases.NextChange"/>: its next report's due date, a deadline's warning or end) and repeating
/// every reporting interval (at most <see cref="MaxReminderWait"/>). It is registered before the change that needs it is
/// written, so a stored confirmation never lacks its reminder, and moved only when a change makes it due earlier: a
/// progress report costs no reminder write. When it fires and a report is due, the commitment records a nudge (at most
/// one per due reason, repeated every reporting interval while it stays due), tells its participant's followers one-way
/// (<see cref="FeedEventKind.ReportDue"/>) and puts itself in the <see cref="ICoachQueueGrain"/>; then it sets the
/// reminder for the next change. Its next report, closure or withdrawal takes it out of the queue; closure and withdrawal
/// also drop the reminder.
/// </para>
/// <para>
/// Where the reminder table is in memory (<see cref="CommitmentReminderOptions.RestoreOnStart"/>), a commitment lists
/// itself in the durable <see cref="ICommitmentReminderIndexGrain"/> when it first registers its reminder and leaves it
/// when it drops it; every silo start has the index tell it (one-way) to register again. A registration that fails is
/// tried again at the next change or activation. Calls go one way: commitment → queue, commitment → index (awaited),
/// index → commitment (one-way); the queue calls nobody.
/// </para>
/// </remarks>
public sealed partial class CommitmentGrain : ICommitmentCoachingGrain, IRemindable
{
    /// <summary>The name of a commitment's one reminder.</summary>
    public const string ReportingReminderName = "reporting";

    /// <summary>
    /// The longest a reminder waits or repeats: less than the longest wait of a .NET timer (about 49.7 days). A reminder
    /// set for a change further ahead fires earlier, finds nothing due, and sets itself again.
    /// </summary>
    public static readonly TimeSpan MaxReminderWait = TimeSpan.FromDays(45);

    /// <summary>What the write in progress leaves for after it is durable (see <see cref="Commit"/>).</summary>
    private (bool Dequeue, CoachQueueEntry? Requeue, bool DropReminder) _afterWrite;

    private TimeSpan ReportingInterval => S.Draft?.ReportingInterval ?? coaching.Value.DefaultReportingInterval;

    /// <summary>Reported on: confirmed or active, and in force (a template or a waiting or lapsed condition is not).</summary>
    private bool IsReportedOn => S.Draft is not null && CommitmentPhases.IsReportedOn(S.Status, InForce);

    /// <summary>The start of the current reporting interval: the latest of the confirmation, the condition's meeting and the last report received.</summary>
    private DateTimeOffset? ReportingSince => Latest(Latest(S.Confirmation?.ConfirmedAt, S.ConditionMetAt), S.LastReportAt ?? S.RecentReports.LastOrDefault()?.Report.ReportedAt);

    private PhaseFacts CoachingFacts() => new(S.Status, S.Terms!, S.CompletedMilestones, S.Draft is not null && InForce,
        IsReportedOn ? CommitmentPhases.NextReportDue(ReportingSince, ReportingInterval) : null);

    private ICoachQueueGrain CoachQueueGrain => GrainFactory.GetGrain<ICoachQueueGrain>(CoachQueue.Key);

    private ICommitmentReminderIndexGrain ReminderIndex => GrainFactory.GetGrain<ICommitmentReminderIndexGrain>(CommitmentReminderIndex.ShardFor(Id));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReportingReminderName)
            return;
        if (!IsReportedOn)
        {
            // Closed, withdrawn, lapsed, or never created: leave the queue, then drop the reminder.
            if (await TryDequeue())
                await DropReminder();
            if (S.Draft is not null && (S.QueuedReason is not null || S.ReminderDueAt is not null))
            {
                S.QueuedReason = null;
                S.ReminderDueAt = null;
                await state.WriteStateAsync();
            }
            return;
        }
        await PushIfBehind();
        var now = clock.GetUtcNow();
        var assessment = CommitmentPhases.Assess(CoachingFacts(), now);
        var nudge = assessment.Reason is not null
            && (S.LastNudgedAt is not { } last || last < assessment.DueSince || now - last >= ReportingInterval);
        if (nudge)
        {
            S.NudgeCount++;
            S.LastNudgedAt = now;
        }
        S.QueuedReason = assessment.Reason;
        S.ReminderDueAt = null; // it fired: set it again for the next change
        await RegisterReminder(now);
        // A nudge changes no terms, status or progress: written without a new version, so nothing is pushed.
        await state.WriteStateAsync();

        // Put again on every due tick, and removed on every other, so a queue call that failed earlier is repaired.
        if (assessment.Reason is not null)
            await TryQueue(QueueEntry(assessment));
        else
            await TryDequeue();
        if (nudge)
            AnnounceReportDue(assessment, now);
    }

    public async Task RestoreReminder()
    {
        if (!IsReportedOn)
        {
            if (reminderSettings.Value.RestoreOnStart)
                await TryUntrack();
            return;
        }
        await PushIfBehind();
        S.ReminderDueAt = null; // the reminder table was in memory: whatever this state says, register again
        if (await RegisterReminder(clock.GetUtcNow()))
            await state.WriteStateAsync();
    }

    public async Task<CommitmentView> Nudge(string coachId, string? message)
    {
        RequireExists();
        if (string.IsNullOrWhiteSpace(coachId) || coachId.Length > ManualNudge.MaxCoachIdLength)
            throw new InputRejectedException("coachId", $"Name the coach (1 to {ManualNudge.MaxCoachIdLength} characters).");
        message = string.IsNullOrWhiteSpace(message) ? null : message.Trim();
        if (message is { Length: > ManualNudge.MaxMessageLength })
            throw new InputRejectedException("message", $"At most {ManualNudge.MaxMessageLength} characters.");
        await PushIfBehind();
        if (!IsReportedOn)
            throw new StateConflictException(S.Status == CommitmentStatus.Draft
                ? $"Commitment '{Id}' is a draft; only a commitment that is reported on (confirmed or active, in force) can be nudged."
                : $"Commitment '{Id}' is not reported on ({S.Status.ToString().ToLowerInvariant()}{(InForce ? "" : ", not in force")}); it cannot be nudged.");

        var now = clock.GetUtcNow();
        S.NudgeCount++;
        S.LastNudgedAt = now;
        S.LastManualNudge = new ManualNudge(coachId, now, message);
        // Due already (its reminder may not have fired yet): it belongs in the queue, with the nudge counted.
        var assessment = CommitmentPhases.Assess(CoachingFacts(), now);
        var wasQueued = S.QueuedReason is not null;
        S.QueuedReason = assessment.Reason;
        // Like the automatic nudge: no terms, status or progress change, so no new version and nothing to push. The
        // reminder stays as it is: the next automatic nudge waits a reporting interval after this one (NextReminderAt).
        await state.WriteStateAsync();
        if (assessment.Reason is not null)
            await TryQueue(QueueEntry(assessment));
        else if (wasQueued)
            await TryDequeue();

        var summary = message is null ? "Je coach vraagt een stand van zaken." : $"Je coach vraagt een stand van zaken: {message}";
        var topic = new FollowTopic(FollowTopicKind.Participant, S.Draft!.ParticipantId);
        var feedEvent = new FeedEvent($"{Id}:nudge{S.NudgeCount}", topic, FeedEventKind.ReportDue, Id,
            Shorten(S.Terms!.Title, InputRules.MaxTitleLength), Shorten(summary, FollowRules.MaxSummaryLength), now);
        _ = GrainFactory.GetFollowTopic(topic).Announce(feedEvent);
        return ToView();
    }

    public Task<ManualNudge?> GetLastManualNudge() => Task.FromResult(S.LastManualNudge);

    /// <summary>On activation: a commitment reported on whose reminder is not registered (a failed attempt, or one confirmed before reminders) registers it.</summary>
    private async Task EnsureReminderOnActivation()
    {
        if (IsReportedOn && S.ReminderDueAt is null && await RegisterReminder(clock.GetUtcNow()))
            await state.WriteStateAsync();
    }

    /// <summary>
    /// Before a change is written (<see cref="Commit"/>): a commitment reported on gets its reminder (or an earlier one, when
    /// the change makes it due sooner) and, if it is queued, its queue entry follows its new due reason; one no longer
    /// reported on leaves the queue and drops its reminder once the change is durable (<see cref="AfterCoachingWrite"/>).
    /// </summary>
    private async Task BeforeCoachingWrite(DateTimeOffset now)
    {
        _afterWrite = default;
        if (S.Draft is null)
            return;
        if (!IsReportedOn)
        {
            _afterWrite = (S.QueuedReason is not null, null, S.ReminderDueAt is not null);
            S.QueuedReason = null;
            S.ReminderDueAt = null;
            return;
        }
        if (S.ReminderDueAt is not { } scheduled || NextReminderAt(now) < scheduled)
            await RegisterReminder(now);
        if (S.QueuedReason is { } queued)
        {
            var assessment = CommitmentPhases.Assess(CoachingFacts(), now);
            if (assessment.Reason != queued)
            {
                S.QueuedReason = assessment.Reason;
                _afterWrite = (assessment.Reason is null, assessment.Reason is null ? null : QueueEntry(assessment), false);
            }
        }
    }

    /// <summary>After the change is durable: the queue and reminder work <see cref="BeforeCoachingWrite"/> left. Never throws.</summary>
    private async Task AfterCoachingWrite()
    {
        var (dequeue, requeue, drop) = _afterWrite;
        _afterWrite = default;
        var dequeued = !dequeue || await TryDequeue();
        if (requeue is not null)
            await TryQueue(requeue);
        // A queue entry that could not be removed keeps the reminder, whose next tick removes both.
        if (drop && dequeued)
            await DropReminder();
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
            if (S.LastNudgedAt is not { } last || last < assessment.DueSince)
                return now;
            next = Earliest(next, last + ReportingInterval);
        }
        return next ?? now + MaxReminderWait;
    }

    /// <summary>
    /// Registers (or moves) the reminder for <see cref="NextReminderAt"/>, first listing the commitment in the reminder
    /// index where reminders live in memory. Returns whether it did; a failure is logged and tried again later.
    /// </summary>
    private async Task<bool> RegisterReminder(DateTimeOffset now)
    {
        var wait = NextReminderAt(now) - now;
        var delay = coaching.Value.ReminderDelay;
        if (wait < delay)
            wait = delay + TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * delay.Ticks));
        if (wait > MaxReminderWait)
            wait = MaxReminderWait;
        var period = ReportingInterval > MaxReminderWait ? MaxReminderWait : ReportingInterval;
        try
        {
            if (S.ReminderDueAt is null && reminderSettings.Value.RestoreOnStart)
                await ReminderIndex.Track(Id);
            await this.RegisterOrUpdateReminder(ReportingReminderName, wait, period);
            S.ReminderDueAt = now + wait;
            return true;
        }
        catch (Exception ex)
        {
            LogReminderNotRegistered(logger, Id, ex);
            return false;
        }
    }

    private async Task DropReminder()
    {
        try
        {
            if (await this.GetReminder(ReportingReminderName) is { } reminder)
                await this.UnregisterReminder(reminder);
        }
        catch (Exception ex)
        {
            LogReminderNotDropped(logger, Id, ex);
            return; // listed still: the reminder's next tick drops it
        }
        if (reminderSettings.Value.RestoreOnStart)
            await TryUntrack();
    }

    private async Task TryUntrack()
    {
        try
        {
            await ReminderIndex.Untrack(Id);
        }
        catch (Exception ex)
        {
            LogReminderNotDropped(logger, Id, ex);
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
            return true;
        }
        catch (Exception ex)
        {
            LogQueueFailed(logger, Id, ex);
            return false;
        }
    }

    private CoachQueueEntry QueueEntry(PhaseAssessment assessment) => new(Id, assessment.Reason!.Value, assessment.DueSince!.Value,
        S.Draft!.ParticipantId, S.Draft.NeighbourhoodCode, Shorten(S.Terms!.Title, InputRules.MaxTitleLength), S.NudgeCount, S.LastNudgedAt);

    /// <summary>Tells the participant's followers (the owner, when they follow their participant) that a report is due: one-way, once per nudge.</summary>
    private void AnnounceReportDue(PhaseAssessment assessment, DateTimeOffset now)
    {
        var since = assessment.DueSince!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var summary = assessment.Reason switch
        {
            ReportingDueReason.DeadlinePassed => $"A deadline passed on {since}: report what was done, or close the commitment.",
            ReportingDueReason.DeadlineSoon => $"A deadline is close: report progress before it passes.",
            _ => $"A progress report is due since {since}.",
        };
        var topic = new FollowTopic(FollowTopicKind.Participant, S.Draft!.ParticipantId);
        var feedEvent = new FeedEvent($"{Id}:due{S.NudgeCount}", topic, FeedEventKind.ReportDue, Id,
            Shorten(S.Terms!.Title, InputRules.MaxTitleLength), Shorten(summary, FollowRules.MaxSummaryLength), now);
        _ = GrainFactory.GetFollowTopic(topic).Announce(feedEvent);
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static DateTimeOffset Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x <= b ? x : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commitment {CommitmentId} could not register its reporting reminder; it tries again at its next change or activation")]
    private static partial void LogReminderNotRegistered(ILogger logger, string commitmentId, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commitment {CommitmentId} could not drop its reporting reminder; the reminder's next tick drops it")]
    private static partial void LogReminderNotDropped(ILogger logger, string commitmentId, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commitment {CommitmentId} could not update the coach queue; its reminder's next tick does")]
    private static partial void LogQueueFailed(ILogger logger, string commitmentId, Exception ex);
}
