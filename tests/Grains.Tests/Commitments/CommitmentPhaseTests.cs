using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>The phase of a commitment as a pure function of its state, its reporting interval and the time (no cluster).</summary>
public sealed class CommitmentPhaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    private static readonly CommitmentTerms IntentOnly = new(CommitmentLevel.Pledge, "Something about school trips", "");
    private static readonly CommitmentTerms Pledge = new(CommitmentLevel.Pledge, "We carry sustainable mobility", "Our intent, in words.");

    private static CommitmentTerms Result(DateOnly deadline) =>
        new(CommitmentLevel.Result, "More trips by bike", "Counted every term.", Target: new QuantitativeTarget("Trips by bike", "%", 20, 60, deadline));

    private static CommitmentTerms Actions(params DateOnly[] dueDates) =>
        new(CommitmentLevel.Action, "Car-free school street", "Actions.",
            Milestones: [.. dueDates.Select((d, i) => new Milestone($"m{i + 1}", $"Action {i + 1}", d))]);

    private static PhaseFacts Facts(CommitmentStatus status, CommitmentTerms terms, DateTimeOffset? nextReportDue = null,
        bool inForce = true, params string[] done) => new(status, terms, done, inForce, nextReportDue);

    /// <summary>Name, facts, expected phase, expected reason.</summary>
    public static TheoryData<string, PhaseFacts, CommitmentPhase, ReportingDueReason?> Table => new()
    {
        { "a draft pledge with only a title is an intent", Facts(CommitmentStatus.Draft, IntentOnly), CommitmentPhase.Intent, null },
        { "a draft pledge with a description is being drafted", Facts(CommitmentStatus.Draft, Pledge), CommitmentPhase.Drafting, null },
        { "a draft action commitment is being drafted", Facts(CommitmentStatus.Draft, Actions(Today.AddDays(-3))), CommitmentPhase.Drafting, null },
        { "a draft result commitment is being drafted, whatever its deadline", Facts(CommitmentStatus.Draft, Result(Today.AddDays(-1))), CommitmentPhase.Drafting, null },
        { "confirmed, next report ahead", Facts(CommitmentStatus.Confirmed, Pledge, Now.AddDays(30)), CommitmentPhase.Confirmed, null },
        { "reported on, next report ahead", Facts(CommitmentStatus.Active, Pledge, Now.AddSeconds(1)), CommitmentPhase.InProgress, null },
        { "confirmed, next report due a day ago", Facts(CommitmentStatus.Confirmed, Pledge, Now.AddDays(-1)), CommitmentPhase.ReportingDue, ReportingDueReason.ReportOverdue },
        { "reported on, next report due right now", Facts(CommitmentStatus.Active, Pledge, Now), CommitmentPhase.ReportingDue, ReportingDueReason.ReportOverdue },
        { "a result deadline in 10 days", Facts(CommitmentStatus.Active, Result(Today.AddDays(10)), Now.AddDays(60)), CommitmentPhase.ReportingDue, ReportingDueReason.DeadlineSoon },
        { "a result deadline in 15 days is not close yet", Facts(CommitmentStatus.Active, Result(Today.AddDays(15)), Now.AddDays(60)), CommitmentPhase.InProgress, null },
        { "a result deadline today has not passed (it ends tonight)", Facts(CommitmentStatus.Active, Result(Today), Now.AddDays(60)), CommitmentPhase.ReportingDue, ReportingDueReason.DeadlineSoon },
        { "a result deadline yesterday has passed", Facts(CommitmentStatus.Active, Result(Today.AddDays(-1)), Now.AddDays(60)), CommitmentPhase.ReportingDue, ReportingDueReason.DeadlinePassed },
        { "an open action past its date", Facts(CommitmentStatus.Active, Actions(Today.AddDays(-2), Today.AddDays(60)), Now.AddDays(60)), CommitmentPhase.ReportingDue, ReportingDueReason.DeadlinePassed },
        { "an action past its date that was done", Facts(CommitmentStatus.Active, Actions(Today.AddDays(-2), Today.AddDays(60)), Now.AddDays(60), true, "m1"), CommitmentPhase.InProgress, null },
        { "an open action due within 14 days", Facts(CommitmentStatus.Confirmed, Actions(Today.AddDays(5)), Now.AddDays(60)), CommitmentPhase.ReportingDue, ReportingDueReason.DeadlineSoon },
        { "a passed deadline outranks an overdue report", Facts(CommitmentStatus.Active, Result(Today.AddDays(-5)), Now.AddDays(-1)), CommitmentPhase.ReportingDue, ReportingDueReason.DeadlinePassed },
        { "an overdue report outranks a close deadline", Facts(CommitmentStatus.Active, Result(Today.AddDays(3)), Now.AddDays(-1)), CommitmentPhase.ReportingDue, ReportingDueReason.ReportOverdue },
        { "not in force (a waiting condition, a template): never due", Facts(CommitmentStatus.Confirmed, Result(Today.AddDays(-5)), null, inForce: false), CommitmentPhase.Confirmed, null },
        { "achieved, with its deadline long gone", Facts(CommitmentStatus.Achieved, Result(Today.AddDays(-100)), Now.AddDays(-50)), CommitmentPhase.Achieved, null },
        { "missed", Facts(CommitmentStatus.Missed, Result(Today.AddDays(-100))), CommitmentPhase.Missed, null },
        { "withdrawn, with an open action past its date", Facts(CommitmentStatus.Withdrawn, Actions(Today.AddDays(-9))), CommitmentPhase.Withdrawn, null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void The_phase_follows_from_the_state_and_the_time(string name, PhaseFacts facts, CommitmentPhase phase, ReportingDueReason? reason)
    {
        var assessment = CommitmentPhases.Assess(facts, Now);
        Assert.True(phase == assessment.Phase, $"{name}: expected {phase}, got {assessment.Phase}");
        Assert.True(reason == assessment.Reason, $"{name}: expected reason {reason}, got {assessment.Reason}");
        Assert.Equal(reason is not null, assessment.DueSince is not null);
    }

    [Fact]
    public void Due_since_is_the_moment_the_reason_first_held()
    {
        var overdue = CommitmentPhases.Assess(Facts(CommitmentStatus.Active, Pledge, Now.AddDays(-3)), Now);
        Assert.Equal(Now.AddDays(-3), overdue.DueSince);
        Assert.Equal(Now.AddDays(-3), overdue.NextReportDue);

        // A deadline ends with its day (UTC): passed from the next midnight; close from 14 days before that.
        var deadline = Today.AddDays(-2);
        var endOfDeadline = new DateTimeOffset(deadline.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        Assert.Equal(endOfDeadline, CommitmentPhases.Assess(Facts(CommitmentStatus.Active, Result(deadline), Now.AddDays(9)), Now).DueSince);
        var soon = Today.AddDays(4);
        var soonFrom = new DateTimeOffset(soon.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) - CommitmentPhases.DeadlineWarning;
        Assert.Equal(soonFrom, CommitmentPhases.Assess(Facts(CommitmentStatus.Active, Result(soon), Now.AddDays(9)), Now).DueSince);
    }

    [Fact]
    public void The_next_change_is_the_next_report_or_the_next_deadline_warning_or_end()
    {
        // Only the next report ahead.
        Assert.Equal(Now.AddDays(20), CommitmentPhases.NextChange(Facts(CommitmentStatus.Active, Pledge, Now.AddDays(20)), Now));
        // A deadline 30 days ahead warns 14 days before its end, which comes before a report due in 40 days.
        var deadline = Today.AddDays(30);
        var end = new DateTimeOffset(deadline.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        Assert.Equal(end - CommitmentPhases.DeadlineWarning, CommitmentPhases.NextChange(Facts(CommitmentStatus.Active, Result(deadline), Now.AddDays(40)), Now));
        // Within the warning: next is the deadline's end.
        var close = Today.AddDays(3);
        Assert.Equal(new DateTimeOffset(close.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            CommitmentPhases.NextChange(Facts(CommitmentStatus.Active, Result(close), Now.AddDays(40)), Now));
        // Overdue, no deadline ahead: nothing changes by the clock alone.
        Assert.Null(CommitmentPhases.NextChange(Facts(CommitmentStatus.Active, Pledge, Now.AddDays(-1)), Now));
        // Not reported on: never.
        Assert.Null(CommitmentPhases.NextChange(Facts(CommitmentStatus.Draft, Pledge, Now.AddDays(1)), Now));
        Assert.Null(CommitmentPhases.NextChange(Facts(CommitmentStatus.Achieved, Pledge, Now.AddDays(1)), Now));
        Assert.Null(CommitmentPhases.NextChange(Facts(CommitmentStatus.Confirmed, Pledge, Now.AddDays(1), inForce: false), Now));
    }

    [Fact]
    public void The_next_report_is_due_one_interval_after_the_last_confirmation_or_report()
    {
        Assert.Equal(Now.AddDays(90), CommitmentPhases.NextReportDue(Now, TimeSpan.FromDays(90)));
        Assert.Null(CommitmentPhases.NextReportDue(null, TimeSpan.FromDays(90)));
    }

    [Fact]
    public void A_view_is_assessed_from_its_own_facts_at_the_time_given()
    {
        var view = new CommitmentView("c-1", "p-1", [new GoalWeight("g-1")], "24062W13", Pledge, 1, CommitmentStatus.Active,
            new Confirmation("Someone", Now.AddDays(-100), new string('a', 64), 1), null, null, [], [], [], Now.AddDays(-100), Now.AddDays(-100), 3, null,
            NextReportDue: Now.AddDays(-10), ReportingInterval: TimeSpan.FromDays(90));
        Assert.Equal(CommitmentPhase.InProgress, CommitmentPhases.Assess(view, Now.AddDays(-11)).Phase);
        Assert.Equal(CommitmentPhase.ReportingDue, CommitmentPhases.Assess(view, Now).Phase);
        // A template, or a commitment whose condition is still waiting, is not reported on.
        Assert.Equal(CommitmentPhase.InProgress, CommitmentPhases.Assess(view with { IsTemplate = true }, Now).Phase);
        Assert.Equal(CommitmentPhase.InProgress, CommitmentPhases.Assess(
            view with { Condition = CommitmentCondition.Threshold(2, Now.AddDays(5)), ConditionStatus = ConditionStatus.Waiting }, Now).Phase);
        Assert.Equal(CommitmentPhase.ReportingDue, CommitmentPhases.Assess(
            view with { Condition = CommitmentCondition.Threshold(2, Now.AddDays(5)), ConditionStatus = ConditionStatus.Met }, Now).Phase);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(7.0, true)]
    [InlineData(90.0, true)]
    [InlineData(365.0, true)]
    [InlineData(6.99, false)]
    [InlineData(366.0, false)]
    [InlineData(-7.0, false)]
    public void A_reporting_interval_lies_between_7_and_365_days(double? days, bool valid)
    {
        var draft = new CommitmentDraft("p-1", [new GoalWeight("g-1")], "24062W13", Pledge,
            ReportingInterval: days is { } d ? TimeSpan.FromDays(d) : null);
        var errors = CommitmentRules.Draft(draft);
        Assert.Equal(valid, errors.IsValid);
        if (!valid)
            Assert.Equal(["reportingInterval"], errors.ByField.Keys);
    }
}
