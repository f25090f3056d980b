namespace CivicContracting.Aggregation;

/// <summary>
/// The fixed-point units in which aggregates add up progress and weights, so that adding a contribution and taking it
/// away again (its previous version) leaves the sums exactly as they were, in any order, and totals of shards combine
/// bit for bit. Progress (in [0, 1]) is held in 10⁻¹² steps, a weight (at most 1,000) in 10⁻⁶ steps; products of the
/// two in 10⁻¹⁸ steps. Sums are whole numbers held in <see cref="decimal"/> (96-bit integers, exact up to 7.9 × 10²⁸:
/// 1,000,000 contributions of weight 1,000 at full progress sum to 10²⁷), which every grain storage serialiser keeps
/// exactly. Means, weighted means and shares are derived from these integers when they are read.
/// </summary>
public static class FixedPoint
{
    public const long ProgressScale = 1_000_000_000_000;
    public const long WeightScale = 1_000_000;
    private const double WeightedScale = (double)ProgressScale * WeightScale;

    /// <summary>Progress in [0, 1] as a whole number of 10⁻¹² steps.</summary>
    public static long Progress(double progress) => (long)Math.Round(Math.Clamp(progress, 0, 1) * ProgressScale, MidpointRounding.ToEven);

    /// <summary>A non-negative weight as a whole number of 10⁻⁶ steps.</summary>
    public static long Weight(double weight) => (long)Math.Round(Math.Max(weight, 0) * WeightScale, MidpointRounding.ToEven);

    public static double ProgressValue(long progress) => (double)progress / ProgressScale;

    public static double ProgressValue(decimal progress) => (double)progress / ProgressScale;

    public static double WeightValue(decimal weight) => (double)weight / WeightScale;

    public static double WeightedValue(decimal weighted) => (double)weighted / WeightedScale;
}

/// <summary>
/// The exact sums behind <see cref="EngagementTotals"/>' progress figures, in <see cref="FixedPoint"/> units: Σ progress,
/// Σ verified progress, Σ weight, Σ weight × progress and Σ weight × verified progress over the engaged contributions
/// that have progress.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.ExactSums.v1")]
public sealed record ExactSums(
    [property: Id(0)] decimal Progress,
    [property: Id(1)] decimal VerifiedProgress,
    [property: Id(2)] decimal Weight,
    [property: Id(3)] decimal WeightedProgress,
    [property: Id(4)] decimal VerifiedWeightedProgress)
{
    public static ExactSums Zero { get; } = new(0, 0, 0, 0, 0);

    public static ExactSums operator +(ExactSums a, ExactSums b) => new(
        a.Progress + b.Progress, a.VerifiedProgress + b.VerifiedProgress, a.Weight + b.Weight,
        a.WeightedProgress + b.WeightedProgress, a.VerifiedWeightedProgress + b.VerifiedWeightedProgress);

    public ExactSums Add(ExactSums other) => this + other;
}
