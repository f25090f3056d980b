using CivicContracting.Goals;

namespace CivicContracting.Commitments;

/// <summary>How a result commitment's progress compares with the straight line from its baseline to its target.</summary>
public enum TrajectoryJudgement
{
    /// <summary>No value reported since the start yet: nothing to judge (before the deadline).</summary>
    NotEnoughData = 0,

    /// <summary>The trend reaches the target by the deadline, or the current progress is at or above the line.</summary>
    OnTrack = 1,

    /// <summary>Close: the trend reaches at least <see cref="Trajectories.AtRiskProjection"/> of the way, or the progress lies within <see cref="Trajectories.AtRiskMargin"/> below the line.</summary>
    AtRisk = 2,

    /// <summary>Neither; or the deadline passed without reaching the target; or closed as missed.</summary>
    OffTrack = 3,

    /// <summary>The target is reached (or the commitment was closed as achieved).</summary>
    Achieved = 4,
}

/// <summary>One measurement on the way: when, and the normalised progress (0 at the baseline, 1 at the target).</summary>
public readonly record struct TrajectoryPoint(DateTimeOffset At, double Progress);

/// <summary>
/// A result commitment's path: <see cref="Points"/> from <see cref="Start"/> (progress 0) through each value reported,
/// oldest first; the straight line from (<see cref="Start"/>, 0) to (<see cref="Deadline"/>, 1); the current progress
/// and where the line stands now (<see cref="Expected"/>); the least-squares trend (<see cref="SlopePerDay"/>) and the
/// progress it projects at the deadline; and the judgement.
/// </summary>
public sealed record Trajectory(
    DateTimeOffset Start,
    DateTimeOffset Deadline,
    IReadOnlyList<TrajectoryPoint> Points,
    double Current,
    double Expected,
    double? SlopePerDay,
    double? ProjectedAtDeadline,
    TrajectoryJudgement Judgement);

/// <summary>
/// The trajectory view's one definition (pure; the support team's pages use it).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Start: the confirmation of the current terms (an upgrade starts a new line; values reported before it are left
/// out, as are values dated before the start). The deadline is the end of the target's day (UTC), as in
/// <see cref="ProgressRules.IsOnTrack"/>.</item>
/// <item>Points: (start, 0), then each reported value normalised with <see cref="ProgressRules.OfResult"/> (clamped to
/// [0, 1]), by date. The current progress is the newest point's.</item>
/// <item>Trend: the least-squares line through the last <see cref="TrendPoints"/> points (time in days); its value at the
/// deadline is the projection, clamped to [0, 1]. Points spanning less than <see cref="MinTrendSpan"/> give no trend (null
/// slope and projection): the judgement then rests on the line alone.</item>
/// <item>Judgement: <see cref="TrajectoryJudgement.Achieved"/> when closed as achieved or current ≥ 1; after the deadline
/// (or closed as missed) <see cref="TrajectoryJudgement.OffTrack"/>; before any value was reported
/// <see cref="TrajectoryJudgement.NotEnoughData"/>; else <see cref="TrajectoryJudgement.OnTrack"/> when the projection
/// ≥ 1 or current ≥ the line now; <see cref="TrajectoryJudgement.AtRisk"/> when the projection ≥
/// <see cref="AtRiskProjection"/> or current ≥ the line now − <see cref="AtRiskMargin"/>;
/// <see cref="TrajectoryJudgement.OffTrack"/> otherwise.</item>
/// </list>
/// </remarks>
public static class Trajectories
{
    /// <summary>How many of the newest points the trend is fitted through.</summary>
    public const int TrendPoints = 6;

    /// <summary>A projection of at least this share of the target is at risk rather than off track.</summary>
    public const double AtRiskProjection = 0.75;

    /// <summary>Progress at most this far (10 percentage points) below the line is at risk rather than off track.</summary>
    public const double AtRiskMargin = 0.10;

    /// <summary>The shortest time the points of a trend must span (first to last of the last <see cref="TrendPoints"/>).</summary>
    public static readonly TimeSpan MinTrendSpan = TimeSpan.FromDays(7);

    private const double Tolerance = 1e-9;

    /// <summary>
    /// The trajectory of a confirmed result commitment with a target at <paramref name="now"/>; null for any other (a
    /// draft, a withdrawn commitment, a pledge or action, or one without a confirmation). From the view alone: its
    /// <see cref="CommitmentView.RecentValues"/> (the newest <see cref="TrendPoints"/> values, or its reports' values when a
    /// view has none), which is all the judgement, the current progress and the trend need — the newest values dated
    /// from the start are among them — so <see cref="Trajectory.Points"/> holds those only. The whole path (a chart):
    /// <see cref="Of(CommitmentView, IEnumerable{ReportedValue}, DateTimeOffset)"/> with every value.
    /// </summary>
    public static Trajectory? Of(CommitmentView view, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(view);
        var values = view.RecentValues ?? [.. view.Reports.Where(r => r.Value is not null).Select(r => new ReportedValue(r.ReportedAt, r.Value!.Value))];
        return Of(view, values, now);
    }

    /// <summary>The trajectory of the view's commitment through <paramref name="values"/> (its whole value history, e.g. <see cref="ICommitmentGrain.GetReportedValues"/>).</summary>
    public static Trajectory? Of(CommitmentView view, IEnumerable<ReportedValue> values, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(values);
        if (view.Terms.Level != CommitmentLevel.Result || view.Terms.Target is not { } target || view.Confirmation is not { } confirmation
            || view.Status is CommitmentStatus.Draft or CommitmentStatus.Withdrawn)
            return null;
        return Compute(target, confirmation.ConfirmedAt, values.Select(v => (v.At, v.Value)), now, view.Status);
    }

    /// <summary>The trajectory from <paramref name="start"/> for the values reported (any order), judged at <paramref name="now"/>.</summary>
    public static Trajectory Compute(QuantitativeTarget target, DateTimeOffset start, IEnumerable<(DateTimeOffset At, double Value)> values,
        DateTimeOffset now, CommitmentStatus status = CommitmentStatus.Active)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(values);
        var deadline = new DateTimeOffset(target.Deadline.ToDateTime(TimeOnly.MaxValue, DateTimeKind.Utc));
        var points = new List<TrajectoryPoint> { new(start, 0) };
        points.AddRange(values.Where(v => v.At >= start && double.IsFinite(v.Value))
            .OrderBy(v => v.At)
            .Select(v => new TrajectoryPoint(v.At, ProgressRules.OfResult(target, v.Value))));

        var current = points[^1].Progress;
        var expected = Line(start, deadline, now);
        var trend = Trend(points, start, deadline);
        var projected = trend?.ProjectedAtDeadline;

        TrajectoryJudgement judgement;
        if (status == CommitmentStatus.Achieved || current >= 1 - Tolerance)
            judgement = TrajectoryJudgement.Achieved;
        else if (status == CommitmentStatus.Missed || now > deadline)
            judgement = TrajectoryJudgement.OffTrack;
        else if (points.Count == 1)
            judgement = TrajectoryJudgement.NotEnoughData;
        else if (projected >= 1 - Tolerance || current + Tolerance >= expected)
            judgement = TrajectoryJudgement.OnTrack;
        else if (projected >= AtRiskProjection - Tolerance || current + Tolerance >= expected - AtRiskMargin)
            judgement = TrajectoryJudgement.AtRisk;
        else
            judgement = TrajectoryJudgement.OffTrack;
        return new Trajectory(start, deadline, points, current, expected, trend?.SlopePerDay, projected, judgement);
    }

    /// <summary>The straight line's progress at <paramref name="at"/>: 0 at the start, 1 at the deadline, clamped.</summary>
    public static double Line(DateTimeOffset start, DateTimeOffset deadline, DateTimeOffset at)
    {
        var total = (deadline - start).TotalSeconds;
        return total <= 0 ? 1.0 : Math.Clamp((at - start).TotalSeconds / total, 0, 1);
    }

    /// <summary>The least-squares slope (per day) through the last <see cref="TrendPoints"/> points, and its value at the deadline.</summary>
    public static (double SlopePerDay, double ProjectedAtDeadline)? Trend(IReadOnlyList<TrajectoryPoint> points, DateTimeOffset start, DateTimeOffset deadline)
    {
        ArgumentNullException.ThrowIfNull(points);
        var fit = points.Skip(Math.Max(0, points.Count - TrendPoints)).ToList();
        // Points close together in time say nothing about a trend (a report an hour after the confirmation would project
        // thousands of per cent): no trend until they span MinTrendSpan.
        if (fit.Count < 2 || fit[^1].At - fit[0].At < MinTrendSpan)
            return null;
        var xs = fit.Select(p => (p.At - start).TotalDays).ToList();
        var ys = fit.Select(p => p.Progress).ToList();
        var meanX = xs.Average();
        var meanY = ys.Average();
        double sxx = 0, sxy = 0;
        for (var i = 0; i < xs.Count; i++)
        {
            sxx += (xs[i] - meanX) * (xs[i] - meanX);
            sxy += (xs[i] - meanX) * (ys[i] - meanY);
        }
        var slope = sxy / sxx;
        // Progress is normalised to [0, 1]: a trend beyond the target reaches it, one below the baseline reaches nothing.
        var projected = Math.Clamp(meanY + slope * ((deadline - start).TotalDays - meanX), 0, 1);
        return (slope, projected);
    }
}
