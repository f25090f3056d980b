using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;

namespace CivicContracting.Tests.Shared;

/// <summary>
/// What an aggregate must show, recomputed in plain LINQ from the commitments as GET /api/commitments/{id} shows them
/// (the rules of the README's "Progress semantics", written independently of the aggregation code), and the
/// differences to what an aggregate shows. Linked into the web and cluster test projects.
/// </summary>
public sealed record Recomputation(
    int Commitments,
    IReadOnlyDictionary<CommitmentStatus, int> ByStatus,
    IReadOnlyDictionary<CommitmentLevel, int> EngagedByLevel,
    IReadOnlyDictionary<ParticipantKind, int> ParticipantsByKind,
    int ProgressCount,
    double ProgressSum,
    double WeightSum,
    double WeightedProgressSum,
    int ResultCommitments,
    int ResultsAchieved,
    DateTimeOffset? FirstEngagementAt,
    double VerifiedProgressSum = 0,
    double VerifiedWeightedProgressSum = 0)
{
    public static Recomputation Of(string scope, IReadOnlyList<CommitmentView> views, IReadOnlyDictionary<string, ParticipantKind> kinds, IReadOnlyDictionary<string, string[]> lineage)
    {
        double? WeightIn(CommitmentView v)
        {
            if (AggregateScope.IsPlace(scope))
                return PlaceCatalog.Leuven.Get(v.NeighbourhoodCode).SelfAndAncestors.Contains(scope[AggregateScope.PlacePrefix.Length..]) ? 1.0 : null;
            var goalId = scope[AggregateScope.GoalPrefix.Length..];
            var weights = v.Goals.Where(g => lineage[g.GoalId].Contains(goalId)).Select(g => g.Weight).ToList();
            return weights.Count == 0 ? null : weights.Max();
        }

        var members = views.Select(v => (View: v, Weight: WeightIn(v))).Where(m => m.Weight is not null).ToList();
        var engaged = members.Where(m => m.View.Status is CommitmentStatus.Confirmed or CommitmentStatus.Active or CommitmentStatus.Achieved or CommitmentStatus.Missed).ToList();
        var withProgress = engaged.Where(m => m.View.Progress is not null).ToList();
        return new Recomputation(
            members.Count,
            members.GroupBy(m => m.View.Status).ToDictionary(g => g.Key, g => g.Count()),
            engaged.GroupBy(m => m.View.Terms.Level).ToDictionary(g => g.Key, g => g.Count()),
            engaged.Select(m => m.View.ParticipantId).Distinct().GroupBy(p => kinds[p]).ToDictionary(g => g.Key, g => g.Count()),
            withProgress.Count,
            withProgress.Sum(m => m.View.Progress!.Value),
            withProgress.Sum(m => m.Weight!.Value),
            withProgress.Sum(m => m.Weight!.Value * m.View.Progress!.Value),
            engaged.Count(m => m.View.Terms.Level == CommitmentLevel.Result),
            engaged.Count(m => m.View.Terms.Level == CommitmentLevel.Result && m.View.Status == CommitmentStatus.Achieved),
            members.Select(m => FirstConfirmation(m.View)).Where(at => at is not null).Min(),
            withProgress.Sum(m => m.View.VerifiedProgress ?? 0),
            withProgress.Sum(m => m.Weight!.Value * (m.View.VerifiedProgress ?? 0)));
    }

    /// <summary>The first formal confirmation, also after upgrades (which keep the earlier ones in their versions).</summary>
    private static DateTimeOffset? FirstConfirmation(CommitmentView v) =>
        v.EarlierVersions.Count > 0 && v.EarlierVersions[0].Confirmation is { } first ? first.ConfirmedAt : v.Confirmation?.ConfirmedAt;

    /// <summary>Null when <paramref name="actual"/> shows exactly these figures; otherwise what differs.</summary>
    public string? Difference(EngagementSnapshot actual)
    {
        var t = actual.Totals;
        var differences = new List<string>();
        void Check<T>(string name, T expected, T got)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, got))
                differences.Add($"{name} expected {expected} got {got}");
        }
        void Close(string name, double? expected, double? got)
        {
            if (expected is null != got is null || (expected is { } x && got is { } y && Math.Abs(x - y) > 1e-9))
                differences.Add($"{name} expected {expected} got {got}");
        }
        static string Show<TKey>(IReadOnlyDictionary<TKey, int> d) where TKey : notnull =>
            string.Join(",", d.Where(kv => kv.Value != 0).OrderBy(kv => kv.Key.ToString()).Select(kv => $"{kv.Key}={kv.Value}"));

        Check("commitments", Commitments, t.Commitments);
        Check("byStatus", Show(ByStatus), Show(t.ByStatus));
        Check("engagedByLevel", Show(EngagedByLevel), Show(t.EngagedByLevel));
        Check("participantsByKind", Show(ParticipantsByKind), Show(t.ParticipantsByKind));
        Check("progressCount", ProgressCount, t.ProgressCount);
        Close("progressSum", ProgressSum, t.ProgressSum);
        Close("weightSum", WeightSum, t.WeightSum);
        Close("weightedProgressSum", WeightedProgressSum, t.WeightedProgressSum);
        Close("meanProgress", ProgressCount == 0 ? null : ProgressSum / ProgressCount, actual.MeanProgress);
        Close("weightedProgress", WeightSum <= 0 ? null : WeightedProgressSum / WeightSum, actual.WeightedProgress);
        Close("verifiedProgressSum", VerifiedProgressSum, t.VerifiedProgressSum);
        Close("verifiedWeightedProgressSum", VerifiedWeightedProgressSum, t.VerifiedWeightedProgressSum);
        Check("resultCommitments", ResultCommitments, t.ResultCommitments);
        Check("resultsAchieved", ResultsAchieved, t.ResultsAchieved);
        Check("distinctKinds", ParticipantsByKind.Count(kv => kv.Value > 0), actual.DistinctKinds);
        Check("firstEngagementAt", FirstEngagementAt, t.FirstEngagementAt);
        return differences.Count == 0 ? null : string.Join("; ", differences);
    }
}
