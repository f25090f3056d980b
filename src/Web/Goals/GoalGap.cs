using System.Collections.Concurrent;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Site;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Goals;

/// <summary>
/// What is committed against what a goal with a quantitative target requires. <see cref="Required"/> = |target − baseline|
/// of the goal; <see cref="Committed"/> = Σ |target − baseline| × weight over the engaged result commitments that count in
/// the goal (to it or to a goal below it) whose target is in the goal's unit; <see cref="Gap"/> = max(0, required −
/// committed); <see cref="ShareCommitted"/> = committed / required (above 1 when more is committed than required). Result
/// commitments in other units are listed per unit in <see cref="NotComparable"/> and never summed in. Computed from the
/// web host's memory as of <see cref="AsOf"/> (see <see cref="GoalGapReader"/>).
/// </summary>
public sealed record UncommittedGap(
    string Unit,
    double Required,
    double Committed,
    double Gap,
    double ShareCommitted,
    int Commitments,
    IReadOnlyList<NotComparableUnit> NotComparable,
    DateTimeOffset AsOf);

/// <summary>Engaged result commitments of a goal whose targets are in another unit than the goal's: counted apart, not summed in.</summary>
public sealed record NotComparableUnit(string Unit, int Commitments, double Promised, IReadOnlyList<string> CommitmentIds);

/// <summary>The formula of <see cref="UncommittedGap"/>, on its own so that it can be checked by hand.</summary>
public static class GoalGap
{
    /// <summary>One engaged result commitment: its target and the weight it gives the goal.</summary>
    public sealed record Promise(string CommitmentId, QuantitativeTarget Target, double Weight)
    {
        /// <summary>The change it promises, in its own unit, times its weight in the goal.</summary>
        public double Change => Math.Abs(Target.Target - Target.Baseline) * Weight;
    }

    /// <summary>Units are compared without regard to case or surrounding spaces ("kWh" and "kwh " are one unit).</summary>
    public static bool SameUnit(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    public static UncommittedGap Compute(QuantitativeTarget goal, IEnumerable<Promise> promises, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(goal);
        var required = Math.Abs(goal.Target - goal.Baseline);
        double committed = 0;
        var counted = 0;
        var other = new List<Promise>();
        foreach (var p in promises)
        {
            if (SameUnit(p.Target.Unit, goal.Unit))
            {
                committed += p.Change;
                counted++;
            }
            else
            {
                other.Add(p);
            }
        }
        var notComparable = other
            .GroupBy(p => p.Target.Unit.Trim(), StringComparer.OrdinalIgnoreCase)
            .Select(g => new NotComparableUnit(
                g.Select(p => p.Target.Unit.Trim()).Min(StringComparer.Ordinal)!,
                g.Count(),
                g.Sum(p => p.Change),
                [.. g.Select(p => p.CommitmentId).Order(StringComparer.Ordinal)]))
            .OrderBy(u => u.Unit, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new UncommittedGap(goal.Unit, required, committed, Math.Max(0, required - committed),
            required > 0 ? committed / required : 0, counted, notComparable, asOf);
    }

    /// <summary>The engaged result commitments among <paramref name="contributions"/> (withdrawn, draft, waiting ones do not count).</summary>
    public static IEnumerable<Contribution> EngagedResults(IEnumerable<Contribution> contributions) =>
        contributions.Where(c => c.IsEngaged && c.Level == CommitmentLevel.Result);

    public static double WeightIn(Contribution contribution, string scope) =>
        contribution.Scopes.FirstOrDefault(s => string.Equals(s.Scope, scope, StringComparison.Ordinal))?.Weight ?? 0;
}

/// <summary>
/// Computes a goal's <see cref="UncommittedGap"/> from this web host's memory: which commitments are engaged results and
/// their weights from the contributions in <see cref="SiteData"/> (the aggregation's own figures; the index keeps each
/// goal's engaged results apart, so this is O(the goal's results), never O(the city)), their targets from
/// <see cref="CommitmentViews"/> (read again only for commitments whose version changed). One computation per goal version,
/// and then again only when a commitment of the goal changed and the last one is <see cref="SiteOptions.ListRefreshInterval"/>
/// old, however many pages and API reads ask for it.
/// </summary>
public sealed class GoalGapReader(SiteData data, CommitmentViews views, IOptions<SiteOptions> options, TimeProvider clock)
{
    private sealed record Held(long ScopeVersion, DateTimeOffset At, int GoalVersion, QuantitativeTarget Target, UncommittedGap Gap);

    private readonly ConcurrentDictionary<string, Held> _computed = new(StringComparer.Ordinal);

    /// <summary>Null for a goal without a quantitative target.</summary>
    public async Task<UncommittedGap?> GetAsync(GoalInfo goal, CancellationToken cancellationToken = default)
    {
        if (goal.Definition.Target is not { } target)
            return null;
        await data.WhenListsLoaded(cancellationToken);
        var index = data.Contributions;
        var scope = AggregateScope.Goal(goal.Id);
        var scopeVersion = index.ScopeVersion(scope);
        var now = clock.GetUtcNow();
        if (_computed.TryGetValue(goal.Id, out var held) && held.GoalVersion == goal.Version && held.Target == target
            && (held.ScopeVersion == scopeVersion || now - held.At < options.Value.ListRefreshInterval))
            return held.Gap;

        var asOf = index.TakenAt;
        var results = index.EngagedResults(scope);
        var commitments = await views.GetManyAsync(results.Select(c => c.CommitmentId));
        var byId = commitments.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var promises = results
            .Select(c => byId.GetValueOrDefault(c.CommitmentId) is { Terms.Target: { } t } ? new GoalGap.Promise(c.CommitmentId, t, GoalGap.WeightIn(c, scope)) : null)
            .OfType<GoalGap.Promise>();
        var gap = GoalGap.Compute(target, promises, asOf);
        _computed[goal.Id] = new Held(scopeVersion, now, goal.Version, target, gap);
        return gap;
    }
}
