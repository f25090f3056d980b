using CivicContracting.Goals;

namespace CivicContracting.Commitments;

/// <summary>
/// The one definition of progress (README, "Progress semantics"). Normalised progress lies in [0, 1]:
/// result = clamp((current − baseline) / (target − baseline)), which also holds for decreasing targets since
/// numerator and denominator change sign together; action = completed milestones / milestones; a pledge has
/// none (it counts as engagement, not in progress means).
/// </summary>
public static class ProgressRules
{
    public static double? Normalised(CommitmentTerms terms, double? currentValue, int completedMilestones) => terms.Level switch
    {
        CommitmentLevel.Result when terms.Target is { } target => currentValue is { } value ? OfResult(target, value) : 0.0,
        CommitmentLevel.Action when terms.Milestones is { Count: > 0 } milestones => Math.Clamp((double)completedMilestones / milestones.Count, 0, 1),
        _ => null,
    };

    public static double OfResult(QuantitativeTarget target, double current)
    {
        var span = target.Target - target.Baseline;
        if (span == 0 || !double.IsFinite(span))
            throw new ArgumentException("A target must differ from its baseline.", nameof(target));
        return Math.Clamp((current - target.Baseline) / span, 0, 1);
    }

    /// <summary>
    /// On track: progress at least the share of the time elapsed from <paramref name="start"/> to the deadline
    /// (for actions: the share of milestones due by now). Achieved counts as on track; missed never does.
    /// </summary>
    public static bool IsOnTrack(CommitmentTerms terms, double? progress, DateTimeOffset start, DateTimeOffset now, IReadOnlyCollection<string> completedMilestones)
    {
        switch (terms.Level)
        {
            case CommitmentLevel.Result when terms.Target is { } target && progress is { } p:
                var deadline = target.Deadline.ToDateTime(TimeOnly.MaxValue, DateTimeKind.Utc);
                var total = (deadline - start.UtcDateTime).TotalSeconds;
                var expected = total <= 0 ? 1.0 : Math.Clamp((now.UtcDateTime - start.UtcDateTime).TotalSeconds / total, 0, 1);
                return p >= 1.0 || p + 1e-12 >= expected;
            case CommitmentLevel.Action when terms.Milestones is { Count: > 0 } milestones:
                var today = DateOnly.FromDateTime(now.UtcDateTime);
                return milestones.Where(m => m.DueDate < today).All(m => completedMilestones.Contains(m.Id));
            default:
                return false;
        }
    }
}
