using CivicContracting.Commitments;
using CivicContracting.Participants;

namespace CivicContracting.Aggregation;

/// <summary>
/// The roll-up rules in one place: totals of a set of contributions, the exact combination of totals of
/// disjoint sets, and the figures derived from totals. Documented in the README ("Progress semantics").
/// </summary>
public static class EngagementMath
{
    /// <summary>
    /// Totals of the given contributions as they count in <paramref name="scope"/> (weights differ per scope), computed
    /// from scratch: the rule that <see cref="ScopeTally"/> maintains incrementally, and the recomputation it is checked
    /// against. Sums are exact (<see cref="FixedPoint"/>); a participant counts once per kind it commits as.
    /// </summary>
    public static EngagementTotals Totals(IEnumerable<Contribution> contributions, string scope)
    {
        var byStatus = new Dictionary<CommitmentStatus, int>();
        var byLevel = new Dictionary<CommitmentLevel, int>();
        var participants = new HashSet<(string Participant, ParticipantKind Kind)>();
        int count = 0, progressCount = 0, results = 0, achieved = 0, onTrack = 0;
        var sums = ExactSums.Zero;
        DateTimeOffset? first = null;

        foreach (var c in contributions)
        {
            count++;
            byStatus[c.Status] = byStatus.GetValueOrDefault(c.Status) + 1;
            if (c.ConfirmedAt is { } confirmedAt && (first is null || confirmedAt < first))
                first = confirmedAt;
            if (!c.IsEngaged)
                continue;
            byLevel[c.Level] = byLevel.GetValueOrDefault(c.Level) + 1;
            participants.Add((c.ParticipantId, c.ParticipantKind));
            if (c.Progress is { } progress)
            {
                progressCount++;
                sums += ExactOf(progress, c.VerifiedProgress, WeightIn(c, scope));
            }
            if (c.Level == CommitmentLevel.Result)
            {
                results++;
                if (c.Status == CommitmentStatus.Achieved)
                    achieved++;
                if (c.OnTrack)
                    onTrack++;
            }
        }

        var byKind = participants.GroupBy(p => p.Kind).ToDictionary(g => g.Key, g => g.Count());
        return FromParts(count, byStatus, byLevel, byKind, progressCount, sums, results, achieved, onTrack, first);
    }

    /// <summary>The exact sums one engaged contribution with progress adds to a scope in which it weighs <paramref name="weight"/>.</summary>
    public static ExactSums ExactOf(double progress, double? verifiedProgress, double weight)
    {
        var (p, v, w) = ExactParts(progress, verifiedProgress, weight);
        return new ExactSums(p, v, w, (decimal)w * p, (decimal)w * v);
    }

    /// <summary>The fixed-point progress, verified progress and weight of <see cref="ExactOf"/>, whose products make the weighted sums.</summary>
    public static (long Progress, long VerifiedProgress, long Weight) ExactParts(double progress, double? verifiedProgress, double weight) =>
        (FixedPoint.Progress(progress), FixedPoint.Progress(verifiedProgress ?? 0), FixedPoint.Weight(weight));

    /// <summary>Totals from their integer parts: the double sums are derived from <paramref name="sums"/>.</summary>
    public static EngagementTotals FromParts(
        int commitments, IReadOnlyDictionary<CommitmentStatus, int> byStatus, IReadOnlyDictionary<CommitmentLevel, int> engagedByLevel,
        IReadOnlyDictionary<ParticipantKind, int> participantsByKind, int progressCount, ExactSums sums,
        int results, int achieved, int onTrack, DateTimeOffset? firstEngagementAt) =>
        new(commitments, byStatus, engagedByLevel, participantsByKind, progressCount,
            FixedPoint.ProgressValue(sums.Progress), FixedPoint.WeightValue(sums.Weight), FixedPoint.WeightedValue(sums.WeightedProgress),
            results, achieved, onTrack, firstEngagementAt,
            FixedPoint.WeightedValue(sums.VerifiedWeightedProgress), FixedPoint.ProgressValue(sums.VerifiedProgress), sums);

    /// <summary>
    /// Sum of totals of disjoint sets of commitments whose participants are disjoint too (the shards). Exact when every
    /// part carries its <see cref="EngagementTotals.Exact"/> sums (the normal case); totals stored by an earlier version
    /// without them are added as doubles until their shard publishes again.
    /// </summary>
    public static EngagementTotals Combine(IEnumerable<EngagementTotals> parts)
    {
        var byStatus = new Dictionary<CommitmentStatus, int>();
        var byLevel = new Dictionary<CommitmentLevel, int>();
        var byKind = new Dictionary<ParticipantKind, int>();
        int count = 0, progressCount = 0, results = 0, achieved = 0, onTrack = 0;
        double progressSum = 0, weightSum = 0, weightedSum = 0, verifiedSum = 0, verifiedWeightedSum = 0;
        // The exact sums in locals: an aggregate combines sixteen shards on every change, and adding records would
        // allocate one per shard.
        decimal exactProgress = 0, exactVerified = 0, exactWeight = 0, exactWeighted = 0, exactVerifiedWeighted = 0;
        var exact = true;
        DateTimeOffset? first = null;
        foreach (var t in parts)
        {
            count += t.Commitments;
            AddInto(byStatus, t.ByStatus);
            AddInto(byLevel, t.EngagedByLevel);
            AddInto(byKind, t.ParticipantsByKind);
            progressCount += t.ProgressCount;
            progressSum += t.ProgressSum;
            weightSum += t.WeightSum;
            weightedSum += t.WeightedProgressSum;
            verifiedSum += t.VerifiedProgressSum;
            verifiedWeightedSum += t.VerifiedWeightedProgressSum;
            if (t.Exact is { } e)
            {
                exactProgress += e.Progress;
                exactVerified += e.VerifiedProgress;
                exactWeight += e.Weight;
                exactWeighted += e.WeightedProgress;
                exactVerifiedWeighted += e.VerifiedWeightedProgress;
            }
            else
            {
                exact = false;
            }
            results += t.ResultCommitments;
            achieved += t.ResultsAchieved;
            onTrack += t.ResultsOnTrack;
            if (t.FirstEngagementAt is { } f && (first is null || f < first))
                first = f;
        }
        if (exact)
            return FromParts(count, byStatus, byLevel, byKind, progressCount,
                new ExactSums(exactProgress, exactVerified, exactWeight, exactWeighted, exactVerifiedWeighted), results, achieved, onTrack, first);
        return new EngagementTotals(count, byStatus, byLevel, byKind, progressCount, progressSum, weightSum, weightedSum,
            results, achieved, onTrack, first, verifiedWeightedSum, verifiedSum);
    }

    public static double? MeanProgress(EngagementTotals t) => t.ProgressCount == 0 ? null : t.ProgressSum / t.ProgressCount;

    public static double? WeightedProgress(EngagementTotals t) => t.WeightSum <= 0 ? null : t.WeightedProgressSum / t.WeightSum;

    /// <summary>The weighted mean of verified progress, over the same commitments and weights as <see cref="WeightedProgress"/>.</summary>
    public static double? VerifiedWeightedProgress(EngagementTotals t) => t.WeightSum <= 0 ? null : t.VerifiedWeightedProgressSum / t.WeightSum;

    /// <summary>Verified progress as a share of progress: null when progress is null or 0.</summary>
    public static double? VerifiedShare(double? progress, double? verifiedProgress) =>
        progress is { } p && p > 0 && verifiedProgress is { } v ? v / p : null;

    /// <summary>Shannon index H = −Σ pₖ·ln pₖ over the participant kinds present (0 for one kind, ln 6 ≈ 1.79 for an even mix of all six).</summary>
    public static double Shannon(IReadOnlyDictionary<ParticipantKind, int> participantsByKind)
    {
        // Loops over the values in their order, without LINQ: every recomputation of an aggregate derives it.
        var values = participantsByKind.Values;
        double total = 0;
        foreach (var n in values)
        {
            if (n > 0)
                total += n;
        }
        if (total <= 0)
            return 0;
        var h = 0.0;
        foreach (var n in values)
        {
            if (n <= 0)
                continue;
            var p = n / total;
            h -= p * Math.Log(p);
        }
        return h;
    }

    public static double? Per1000(int count, int? population) => population is > 0 ? count * 1000.0 / population.Value : null;

    public static double WeightIn(Contribution c, string scope)
    {
        // Indexed, not foreach: enumerating the interface would allocate an enumerator per contribution and scope.
        var scopes = c.Scopes;
        for (var i = 0; i < scopes.Count; i++)
        {
            if (scopes[i].Scope == scope)
                return scopes[i].Weight;
        }
        return 0;
    }

    private static void AddInto<TKey>(Dictionary<TKey, int> into, IReadOnlyDictionary<TKey, int> from) where TKey : notnull
    {
        // Totals hold dictionaries (built here, by ScopeTally and by the deserialiser): their struct enumerator allocates
        // nothing, where the interface's would, three times per shard per combination.
        if (from is Dictionary<TKey, int> dictionary)
        {
            foreach (var (key, value) in dictionary)
                into[key] = into.GetValueOrDefault(key) + value;
            return;
        }
        foreach (var (key, value) in from)
            into[key] = into.GetValueOrDefault(key) + value;
    }
}
