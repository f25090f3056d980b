namespace CivicContracting.Commitments;

/// <summary>
/// Where a commitment stands in the process the support team coaches participants through, from intent to closure.
/// Derived, never stored: <see cref="CommitmentPhases.Assess(PhaseFacts, DateTimeOffset)"/> computes it from the
/// commitment's status, terms, reporting interval and dates, so it moves with the clock without anyone writing.
/// </summary>
public enum CommitmentPhase
{
    /// <summary>A draft that only names what the participant wants to do: a pledge with a title and nothing more yet.</summary>
    Intent = 0,

    /// <summary>A draft being worked out (a description, actions or a target), not yet confirmed.</summary>
    Drafting = 1,

    /// <summary>Formally confirmed, no progress reported yet, and nothing due.</summary>
    Confirmed = 2,

    /// <summary>Confirmed, progress reported, and nothing due.</summary>
    InProgress = 3,

    /// <summary>A report is due: none within the reporting interval, or a deadline (an action's, the target's) lies close or has passed.</summary>
    ReportingDue = 4,

    Achieved = 5,
    Missed = 6,
    Withdrawn = 7,
}

/// <summary>Why a commitment's report is due (and why it stands in the coach queue).</summary>
public enum ReportingDueReason
{
    /// <summary>No report (nor confirmation) within the commitment's reporting interval.</summary>
    ReportOverdue = 0,

    /// <summary>An open action's due date or the target's deadline lies within <see cref="CommitmentPhases.DeadlineWarning"/>.</summary>
    DeadlineSoon = 1,

    /// <summary>An open action's due date or the target's deadline has passed, and the commitment is not closed.</summary>
    DeadlinePassed = 2,
}

/// <summary>
/// What a commitment's phase is derived from. <see cref="InForce"/>: the commitment counts (not a template; without a
/// condition or with a met one) — only such a commitment is ever due. <see cref="NextReportDue"/>: when its next report
/// is due (<see cref="CommitmentPhases.NextReportDue"/>), null when it is not reported on.
/// </summary>
public sealed record PhaseFacts(
    CommitmentStatus Status,
    CommitmentTerms Terms,
    IReadOnlyCollection<string> CompletedMilestoneIds,
    bool InForce,
    DateTimeOffset? NextReportDue);

/// <summary>
/// A commitment's phase at a moment, with why a report is due (null if none is) and since when
/// (<see cref="DueSince"/>: the moment the reason first held, e.g. the due date of the report or 14 days before a deadline).
/// </summary>
public sealed record PhaseAssessment(
    CommitmentPhase Phase,
    DateTimeOffset? NextReportDue,
    ReportingDueReason? Reason,
    DateTimeOffset? DueSince);

/// <summary>
/// The one definition of a commitment's phase (README, "Phases and reminders"): pure functions of its state and the
/// time, used by the commitment grain (its view and its reminders) and by the site (which recomputes the phase of a
/// view it holds with its own clock).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A draft is <see cref="CommitmentPhase.Intent"/> while it is a pledge with only a title (no description, actions or
/// target): the participant has said what they want to do, not yet how. Any other draft is
/// <see cref="CommitmentPhase.Drafting"/>.</item>
/// <item>Achieved, missed and withdrawn commitments are in the phase of that name.</item>
/// <item>A confirmed or active commitment in force is <see cref="CommitmentPhase.ReportingDue"/> when a report is due:
/// <see cref="ReportingDueReason.DeadlinePassed"/> (an open action's due date, or a result commitment's deadline, has
/// passed: the day after it began), else <see cref="ReportingDueReason.ReportOverdue"/> (its next report is due: no report
/// or confirmation within its reporting interval), else <see cref="ReportingDueReason.DeadlineSoon"/> (such a deadline
/// ends within <see cref="DeadlineWarning"/>). Otherwise it is <see cref="CommitmentPhase.InProgress"/> once progress was
/// reported (status active) and <see cref="CommitmentPhase.Confirmed"/> before.</item>
/// <item>A confirmed commitment that is not in force (a template, a waiting or lapsed condition) is
/// <see cref="CommitmentPhase.Confirmed"/> and never due: it is not reported on (a template's copies are).</item>
/// </list>
/// Deadlines are dates: a deadline ends at the end of its day (UTC), as in <see cref="ProgressRules.IsOnTrack"/>.
/// </remarks>
public static class CommitmentPhases
{
    /// <summary>How long before a deadline a commitment is due to report.</summary>
    public static readonly TimeSpan DeadlineWarning = TimeSpan.FromDays(14);

    /// <summary>When the next report of a commitment reported on since <paramref name="since"/> is due (null without a start).</summary>
    public static DateTimeOffset? NextReportDue(DateTimeOffset? since, TimeSpan interval) => since + interval;

    /// <summary>Whether a commitment in this state is reported on, and so may become due and has a reminder.</summary>
    public static bool IsReportedOn(CommitmentStatus status, bool inForce) =>
        inForce && status is CommitmentStatus.Confirmed or CommitmentStatus.Active;

    public static PhaseAssessment Assess(PhaseFacts facts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(facts);
        switch (facts.Status)
        {
            case CommitmentStatus.Draft:
                return new(IsIntent(facts.Terms) ? CommitmentPhase.Intent : CommitmentPhase.Drafting, null, null, null);
            case CommitmentStatus.Achieved:
                return new(CommitmentPhase.Achieved, null, null, null);
            case CommitmentStatus.Missed:
                return new(CommitmentPhase.Missed, null, null, null);
            case CommitmentStatus.Withdrawn:
                return new(CommitmentPhase.Withdrawn, null, null, null);
        }
        var quiet = facts.Status == CommitmentStatus.Active ? CommitmentPhase.InProgress : CommitmentPhase.Confirmed;
        if (!IsReportedOn(facts.Status, facts.InForce))
            return new(quiet, null, null, null);

        DateTimeOffset? passedSince = null, soonSince = null;
        foreach (var end in OpenDeadlines(facts))
        {
            if (now >= end)
                passedSince = Earliest(passedSince, end);
            else if (now >= WarningFrom(end))
                soonSince = Earliest(soonSince, WarningFrom(end));
        }
        if (passedSince is { } passed)
            return new(CommitmentPhase.ReportingDue, facts.NextReportDue, ReportingDueReason.DeadlinePassed, passed);
        if (facts.NextReportDue is { } due && now >= due)
            return new(CommitmentPhase.ReportingDue, due, ReportingDueReason.ReportOverdue, due);
        if (soonSince is { } soon)
            return new(CommitmentPhase.ReportingDue, facts.NextReportDue, ReportingDueReason.DeadlineSoon, soon);
        return new(quiet, facts.NextReportDue, null, null);
    }

    /// <summary>
    /// The phase of a view at <paramref name="now"/>: what the site shows, recomputed from a view it may have held for a
    /// while (the view's own <see cref="CommitmentView.Phase"/> is as of the moment it was read).
    /// </summary>
    public static PhaseAssessment Assess(CommitmentView view, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(view);
        return Assess(FactsOf(view), now);
    }

    /// <summary>The facts of a view (in force: not a template, and without a condition or with a met one).</summary>
    public static PhaseFacts FactsOf(CommitmentView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var inForce = !view.IsTemplate && (view.Condition is null || view.ConditionStatus == ConditionStatus.Met);
        return new PhaseFacts(view.Status, view.Terms, view.CompletedMilestoneIds, inForce, view.NextReportDue);
    }

    /// <summary>
    /// The first moment after <paramref name="now"/> at which the assessment can change by the clock alone: the next
    /// report's due date, or a deadline's warning or end. Null when none lies ahead (or the commitment is not reported on).
    /// A commitment's reminder is set for this moment.
    /// </summary>
    public static DateTimeOffset? NextChange(PhaseFacts facts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (!IsReportedOn(facts.Status, facts.InForce))
            return null;
        DateTimeOffset? next = facts.NextReportDue is { } due && due > now ? due : null;
        foreach (var end in OpenDeadlines(facts))
        {
            if (WarningFrom(end) > now)
                next = Earliest(next, WarningFrom(end));
            else if (end > now)
                next = Earliest(next, end);
        }
        return next;
    }

    /// <summary>A pledge draft with a title and nothing else yet.</summary>
    public static bool IsIntent(CommitmentTerms terms) =>
        terms is { Level: CommitmentLevel.Pledge, Target: null }
        && string.IsNullOrWhiteSpace(terms.Description)
        && terms.Milestones is not { Count: > 0 };

    /// <summary>The end (start of the next day, UTC) of every deadline still open: the actions not done, a result's deadline.</summary>
    private static IEnumerable<DateTimeOffset> OpenDeadlines(PhaseFacts facts)
    {
        foreach (var milestone in facts.Terms.Milestones ?? [])
        {
            if (!facts.CompletedMilestoneIds.Contains(milestone.Id))
                yield return EndOf(milestone.DueDate);
        }
        if (facts.Terms is { Level: CommitmentLevel.Result, Target: { } target })
            yield return EndOf(target.Deadline);
    }

    private static DateTimeOffset EndOf(DateOnly day) => day == DateOnly.MaxValue
        ? DateTimeOffset.MaxValue
        : new(day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), TimeSpan.Zero);

    /// <summary>When a deadline ending at <paramref name="end"/> comes within <see cref="DeadlineWarning"/>.</summary>
    private static DateTimeOffset WarningFrom(DateTimeOffset end) =>
        end.UtcTicks - DateTimeOffset.MinValue.UtcTicks < DeadlineWarning.Ticks ? DateTimeOffset.MinValue : end - DeadlineWarning;

    private static DateTimeOffset Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x <= b ? x : b;
}
