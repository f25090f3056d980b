using CivicContracting.Commitments;
using CivicContracting.Goals;

namespace CivicContracting.Grains.Tests.Coaching;

/// <summary>
/// The trajectory judgement, with hand-computed cases. Target 0 → 100 (so progress is the value / 100), deadline such that
/// the start (day 0) to the deadline's end is exactly 100 days: start = 2030-01-01T23:59:59.9999999Z, deadline 2030-04-11.
/// </summary>
public sealed class TrajectoryTests
{
    private static readonly QuantitativeTarget Target = new("trips on foot or by bike", "%", 0, 100, new DateOnly(2030, 4, 11));
    private static readonly DateTimeOffset Start = new DateTimeOffset(new DateTime(2030, 1, 1).AddDays(1).AddTicks(-1), TimeSpan.Zero);

    private static DateTimeOffset Day(double d) => Start.AddDays(d);

    private static Trajectory Judge(double nowDay, params (double Day, double Value)[] reports) =>
        Trajectories.Compute(Target, Start, reports.Select(r => (Day(r.Day), r.Value)), Day(nowDay));

    [Fact]
    public void The_deadline_is_the_end_of_its_day_and_the_line_runs_from_0_at_the_start_to_1_there()
    {
        var t = Judge(50);
        Assert.Equal(Day(100), t.Deadline);
        Assert.Equal(0.5, t.Expected, 9);
        Assert.Equal(0.25, Trajectories.Line(Start, t.Deadline, Day(25)), 9);
        Assert.Equal(1.0, Trajectories.Line(Start, t.Deadline, Day(150)));
        Assert.Equal(0.0, Trajectories.Line(Start, t.Deadline, Day(-3)));
    }

    [Fact]
    public void Before_any_value_is_reported_there_is_not_enough_data()
    {
        var t = Judge(10);
        Assert.Equal(TrajectoryJudgement.NotEnoughData, t.Judgement);
        Assert.Equal([new TrajectoryPoint(Start, 0)], t.Points);
        Assert.Null(t.SlopePerDay);
        Assert.Null(t.ProjectedAtDeadline);
    }

    [Fact]
    public void Progress_above_the_line_is_on_track()
    {
        // (0, 0), (40, 0.5): slope 0.5/40 = 0.0125 a day; the fit passes through both, so at day 100: 1.25, which reaches
        // the target: the projection is clamped to 1.
        var t = Judge(40, (40, 50));
        Assert.Equal(0.0125, t.SlopePerDay!.Value, 9);
        Assert.Equal(1.0, t.ProjectedAtDeadline!.Value, 9);
        Assert.Equal(0.5, t.Current, 9);
        Assert.Equal(0.4, t.Expected, 9);
        Assert.Equal(TrajectoryJudgement.OnTrack, t.Judgement);
    }

    [Fact]
    public void A_trend_that_reaches_the_target_is_on_track_even_below_the_line_now()
    {
        // (0,0), (10,0.2), (20,0.3): means x 10, y 0.1667; sxx 200, sxy (−10)(−0.1667) + (0)(0.0333) + (10)(0.1333) = 3;
        // slope 0.015, projected 0.1667 + 0.015·90 = 1.5167 (clamped to 1). Now (day 60) the line is at 0.6 and progress
        // at 0.3: the trend decides.
        var t = Judge(60, (10, 20), (20, 30));
        Assert.Equal(0.015, t.SlopePerDay!.Value, 9);
        Assert.Equal(1.0, t.ProjectedAtDeadline!.Value, 9);
        Assert.Equal(TrajectoryJudgement.OnTrack, t.Judgement);
    }

    [Fact]
    public void Points_less_than_a_week_apart_give_no_trend_and_the_line_alone_judges()
    {
        // A value an hour after the confirmation: no trend (it would project far beyond the target); 40 % against a line
        // at 0 % is on track. Six days later, 2 % against a line at 6 %: within 10 points → at risk, still without a trend.
        var early = Trajectories.Compute(Target, Start, [(Start.AddHours(1), 40)], Start.AddHours(2));
        Assert.Null(early.SlopePerDay);
        Assert.Null(early.ProjectedAtDeadline);
        Assert.Equal(TrajectoryJudgement.OnTrack, early.Judgement);
        var slow = Judge(6, (6, 2));
        Assert.Null(slow.ProjectedAtDeadline);
        Assert.Equal(TrajectoryJudgement.AtRisk, slow.Judgement);
        // A week after the start there is a trend: 0.02/7 a day, projected 0.2857 → off track once 10 points behind the line (day 20: 0.2).
        var week = Judge(20, (7, 2));
        Assert.Equal(0.02 / 7, week.SlopePerDay!.Value, 9);
        Assert.Equal(TrajectoryJudgement.OffTrack, week.Judgement);
    }

    [Fact]
    public void A_projection_of_at_least_75_percent_is_at_risk()
    {
        // (0,0), (50,0.4): slope 0.008, projected 0.8 (≥ 0.75, < 1); now day 50: line 0.5, progress 0.4 = 10 points below → at risk either way.
        // Now day 60: line 0.6, progress 0.4 (20 points below): still at risk by the projection alone.
        var t = Judge(60, (50, 40));
        Assert.Equal(0.8, t.ProjectedAtDeadline!.Value, 9);
        Assert.Equal(0.6, t.Expected, 9);
        Assert.Equal(TrajectoryJudgement.AtRisk, t.Judgement);
    }

    [Fact]
    public void Within_10_points_below_the_line_is_at_risk_even_with_a_weak_trend()
    {
        // (0,0), (50,0.55), (60,0.55): means x 36.667, y 0.36667; sxx = 1344.4+177.8+544.4 = 2066.67; sxy = (−36.667)(−0.36667)+(13.333)(0.18333)+(23.333)(0.18333)
        // = 13.444+2.444+4.278 = 20.167; slope 0.0097581; projected 0.36667 + 0.0097581·63.333 = 0.98468 (< 1, ≥ 0.75);
        // now day 60: line 0.6, progress 0.55 (5 points below). At risk.
        var t = Judge(60, (50, 55), (60, 55));
        Assert.Equal(20.1666667 / 2066.6666667, t.SlopePerDay!.Value, 6);
        Assert.Equal(0.98468, t.ProjectedAtDeadline!.Value, 4);
        Assert.Equal(TrajectoryJudgement.AtRisk, t.Judgement);

        // Flat at 0.52 from day 10 on (the last six points: 10, 20, …, 60): slope 0, projected 0.52 (< 0.75); now day 60:
        // the line is at 0.6, progress 0.52 is 8 points below → at risk by the margin alone.
        var flat = Judge(60, (10, 52), (20, 52), (30, 52), (40, 52), (50, 52), (60, 52));
        Assert.Equal(0, flat.SlopePerDay!.Value, 9);
        Assert.Equal(0.52, flat.ProjectedAtDeadline!.Value, 9);
        Assert.Equal(TrajectoryJudgement.AtRisk, flat.Judgement);

        // The same, 12 points below (progress 0.48): off track.
        var behind = Judge(60, (10, 48), (20, 48), (30, 48), (40, 48), (50, 48), (60, 48));
        Assert.Equal(TrajectoryJudgement.OffTrack, behind.Judgement);
    }

    [Fact]
    public void The_trend_uses_only_the_last_six_points()
    {
        // Seven points: (0,0) and six flat at 0.3 from day 10 to 60. With all seven the slope would be positive; the last
        // six are flat: slope 0, projection 0.3 (< 0.75); now day 60: the line is at 0.6, 30 points above → off track.
        var t = Judge(60, (10, 30), (20, 30), (30, 30), (40, 30), (50, 30), (60, 30));
        Assert.Equal(7, t.Points.Count);
        Assert.Equal(0, t.SlopePerDay!.Value, 9);
        Assert.Equal(0.3, t.ProjectedAtDeadline!.Value, 9);
        Assert.Equal(TrajectoryJudgement.OffTrack, t.Judgement);
    }

    [Fact]
    public void After_the_deadline_unachieved_is_off_track_and_reaching_the_target_is_achieved()
    {
        Assert.Equal(TrajectoryJudgement.OffTrack, Judge(101, (90, 95)).Judgement);
        Assert.Equal(TrajectoryJudgement.OffTrack, Judge(101).Judgement);
        Assert.Equal(TrajectoryJudgement.Achieved, Judge(101, (90, 100)).Judgement);
        Assert.Equal(TrajectoryJudgement.Achieved, Judge(30, (20, 120)).Judgement); // beyond the target: clamped to 1
    }

    [Fact]
    public void The_newest_value_by_date_is_the_current_one_whatever_order_reports_come_in_and_values_before_the_start_are_left_out()
    {
        var t = Trajectories.Compute(Target, Start, [(Day(30), 40), (Day(10), 10), (Day(-5), 90)], Day(30));
        Assert.Equal([0.0, 0.1, 0.4], t.Points.Select(p => Math.Round(p.Progress, 9)));
        Assert.Equal(0.4, t.Current, 9);
    }

    [Fact]
    public void A_decreasing_target_is_normalised_the_same_way()
    {
        // 80 → 20 (lower is better): a value of 50 is half way.
        var down = new QuantitativeTarget("car trips", "%", 80, 20, Target.Deadline);
        var t = Trajectories.Compute(down, Start, [(Day(50), 50)], Day(50));
        Assert.Equal(0.5, t.Current, 9);
        Assert.Equal(TrajectoryJudgement.OnTrack, t.Judgement);
        var worse = Trajectories.Compute(down, Start, [(Day(50), 95)], Day(50));
        Assert.Equal(0, worse.Current);
        Assert.Equal(TrajectoryJudgement.OffTrack, worse.Judgement);
    }

    [Fact]
    public void Closed_as_missed_is_off_track_and_closed_as_achieved_is_achieved()
    {
        Assert.Equal(TrajectoryJudgement.OffTrack, Trajectories.Compute(Target, Start, [(Day(40), 50)], Day(40), CommitmentStatus.Missed).Judgement);
        Assert.Equal(TrajectoryJudgement.Achieved, Trajectories.Compute(Target, Start, [(Day(40), 50)], Day(40), CommitmentStatus.Achieved).Judgement);
    }

    [Fact]
    public void Of_a_view_starts_at_the_confirmation_and_ignores_pledges_drafts_and_withdrawn_commitments()
    {
        var terms = new CommitmentTerms(CommitmentLevel.Result, "Walk to school", "", null, Target);
        var view = new CommitmentView("c-1", "p-1", [], "24062W13", terms, 1, CommitmentStatus.Active,
            new Confirmation("Head", Start, new string('a', 64), 1), 0.5, 50, [],
            [new ProgressReport("r1", Day(40), 50), new ProgressReport("r2", Day(41), Note: "no value")], [], Start, Start, 3, null);
        var t = Trajectories.Of(view, Day(40))!;
        Assert.Equal(Start, t.Start);
        Assert.Equal(2, t.Points.Count);
        Assert.Equal(TrajectoryJudgement.OnTrack, t.Judgement);

        Assert.Null(Trajectories.Of(view with { Status = CommitmentStatus.Draft }, Day(40)));
        Assert.Null(Trajectories.Of(view with { Status = CommitmentStatus.Withdrawn }, Day(40)));
        Assert.Null(Trajectories.Of(view with { Confirmation = null }, Day(40)));
        Assert.Null(Trajectories.Of(view with { Terms = terms with { Level = CommitmentLevel.Pledge, Target = null } }, Day(40)));
    }
}
