using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.ReadModel;

namespace CivicContracting.Web.Tests.ReadModel;

/// <summary>
/// What the pages showed before the index kept its lists by changes: plain LINQ over every contribution, newest change first
/// (the order the old, rebuilt index held them in). The index's answers are checked against these.
/// </summary>
internal static class Recomputed
{
    /// <summary>Every contribution, newest change first, then by id.</summary>
    public static List<Contribution> All(IEnumerable<Contribution> contributions) =>
        [.. contributions.OrderByDescending(c => c.UpdatedAt).ThenBy(c => c.CommitmentId, StringComparer.Ordinal)];

    public static IEnumerable<Contribution> InScope(IEnumerable<Contribution> all, string scope) =>
        all.Where(c => c.Scopes.Any(s => string.Equals(s.Scope, scope, StringComparison.Ordinal)));

    public static IEnumerable<Contribution> Public(IEnumerable<Contribution> contributions) =>
        contributions.Where(c => c.Status != CommitmentStatus.Draft);

    /// <summary>The replay as EngagementReplay.Compute computed it from the whole list (the code before this change, verbatim).</summary>
    public static EngagementReplay Replay(IReadOnlyList<Contribution> all, DateTimeOffset takenAt, string? goal, ParticipantKind? kind)
    {
        var goalScope = goal is null ? null : AggregateScope.Goal(goal);
        var engaged = all
            .Where(c => c.IsEngaged && c.ConfirmedAt is not null)
            .Where(c => kind is null || c.ParticipantKind == kind)
            .Where(c => goalScope is null || c.Scopes.Any(s => string.Equals(s.Scope, goalScope, StringComparison.Ordinal)))
            .Select(c => (Contribution: c, Neighbourhood: ContributionIndex.NeighbourhoodOf(c)))
            .Where(c => c.Neighbourhood is not null)
            .OrderBy(c => c.Contribution.ConfirmedAt)
            .ToList();

        var end = takenAt;
        var start = engaged.Count > 0 ? engaged[0].Contribution.ConfirmedAt!.Value : end;
        if (start > end)
            end = start;
        var count = start == end ? 1 : EngagementReplay.MaxSteps;
        var steps = Enumerable.Range(0, count)
            .Select(i => count == 1 ? end : start + (end - start) * i / (count - 1))
            .ToList();

        var neighbourhoods = PlaceCatalog.Leuven.Neighbourhoods.Select(p => p.Code).ToList();
        var commitments = neighbourhoods.ToDictionary(c => c, _ => new int[count], StringComparer.Ordinal);
        var participants = neighbourhoods.ToDictionary(c => c, _ => new int[count], StringComparer.Ordinal);
        var byKind = neighbourhoods.ToDictionary(c => c, _ => Enum.GetValues<ParticipantKind>().ToDictionary(k => k, _ => new int[count]), StringComparer.Ordinal);
        var seen = neighbourhoods.ToDictionary(c => c, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);

        var next = 0;
        var running = neighbourhoods.ToDictionary(c => c, _ => (Commitments: 0, Participants: 0, ByKind: new int[Enum.GetValues<ParticipantKind>().Length]), StringComparer.Ordinal);
        for (var step = 0; step < count; step++)
        {
            while (next < engaged.Count && engaged[next].Contribution.ConfirmedAt <= steps[step])
            {
                var (c, code) = engaged[next++];
                var totals = running[code!];
                totals.Commitments++;
                if (seen[code!].Add(c.ParticipantId))
                {
                    totals.Participants++;
                    totals.ByKind[(int)c.ParticipantKind]++;
                }
                running[code!] = totals;
            }
            foreach (var code in neighbourhoods)
            {
                var totals = running[code];
                commitments[code][step] = totals.Commitments;
                participants[code][step] = totals.Participants;
                foreach (var k in Enum.GetValues<ParticipantKind>())
                    byKind[code][k][step] = totals.ByKind[(int)k];
            }
        }

        var places = neighbourhoods.ToDictionary(
            code => code,
            code => new PlaceSeries(commitments[code], participants[code],
                byKind[code].Where(k => k.Value.Any(n => n > 0)).ToDictionary(k => k.Key, k => (IReadOnlyList<int>)k.Value)),
            StringComparer.Ordinal);
        return new EngagementReplay(goal, kind, steps, places);
    }
}
