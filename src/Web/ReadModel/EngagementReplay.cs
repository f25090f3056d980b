using System.Collections.Concurrent;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;

namespace CivicContracting.Web.ReadModel;

/// <summary>One neighbourhood's engagement at every step of a replay.</summary>
public sealed record PlaceSeries(
    IReadOnlyList<int> Commitments,
    IReadOnlyList<int> Participants,
    IReadOnlyDictionary<ParticipantKind, IReadOnlyList<int>> ParticipantsByKind);

/// <summary>
/// The spread of engagement over time, per neighbourhood, optionally for one goal (with its objectives) and one
/// kind of participant: the oil stain's history for the map's replay and its filters.
/// </summary>
public sealed record EngagementReplay(
    string? Goal,
    ParticipantKind? Kind,
    IReadOnlyList<DateTimeOffset> Steps,
    IReadOnlyDictionary<string, PlaceSeries> Places)
{
    public const int MaxSteps = 60;

    /// <summary>Engaged commitments at each step, summed over <paramref name="neighbourhoods"/> (all when null).</summary>
    public IReadOnlyList<(DateTimeOffset At, int Commitments)> Total(IEnumerable<string>? neighbourhoods = null)
    {
        var series = (neighbourhoods ?? Places.Keys).Select(code => Places.GetValueOrDefault(code)).OfType<PlaceSeries>().ToList();
        return [.. Steps.Select((at, i) => (at, series.Sum(s => s.Commitments[i])))];
    }

    /// <summary>
    /// Counts, at each step, the commitments engaged now whose first confirmation was at or before it. A commitment
    /// withdrawn since is left out of every step: contributions keep the current status, not when it changed.
    /// </summary>
    public static EngagementReplay Compute(ContributionIndex index, string? goal, ParticipantKind? kind)
    {
        var goalScope = goal is null ? null : AggregateScope.Goal(goal);
        var engaged = index.All
            .Where(c => c.IsEngaged && c.ConfirmedAt is not null)
            .Where(c => kind is null || c.ParticipantKind == kind)
            .Where(c => goalScope is null || c.Scopes.Any(s => string.Equals(s.Scope, goalScope, StringComparison.Ordinal)))
            .Select(c => (Contribution: c, Neighbourhood: ContributionIndex.NeighbourhoodOf(c)))
            .Where(c => c.Neighbourhood is not null)
            .OrderBy(c => c.Contribution.ConfirmedAt)
            .ToList();

        var end = index.TakenAt;
        var start = engaged.Count > 0 ? engaged[0].Contribution.ConfirmedAt!.Value : end;
        if (start > end)
            end = start;
        var count = start == end ? 1 : MaxSteps;
        var steps = Enumerable.Range(0, count)
            .Select(i => count == 1 ? end : start + (end - start) * i / (count - 1))
            .ToList();

        var neighbourhoods = PlaceCatalog.Leuven.Neighbourhoods.Select(p => p.Code).ToList();
        var commitments = neighbourhoods.ToDictionary(c => c, _ => new int[count], StringComparer.Ordinal);
        var participants = neighbourhoods.ToDictionary(c => c, _ => new int[count], StringComparer.Ordinal);
        var byKind = neighbourhoods.ToDictionary(c => c, _ => Enum.GetValues<ParticipantKind>().ToDictionary(k => k, _ => new int[count]), StringComparer.Ordinal);
        var seen = neighbourhoods.ToDictionary(c => c, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);

        // One sweep in confirmation order: running totals are written into every step from the one they reach on.
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

/// <summary>Replays computed once per list reload and filter, shared by every visitor of this host.</summary>
public sealed class ReplayCache(SiteData data)
{
    private sealed record Generation(ContributionIndex Index, ConcurrentDictionary<(string? Goal, ParticipantKind? Kind), EngagementReplay> Replays);

    private Generation _current = new(ContributionIndex.Empty, new());

    public EngagementReplay Get(string? goal, ParticipantKind? kind)
    {
        var index = data.Contributions;
        var generation = _current;
        if (!ReferenceEquals(generation.Index, index))
        {
            // A newer list: start a new generation; replays of the old one are simply dropped.
            generation = new Generation(index, new());
            _current = generation;
        }
        return generation.Replays.GetOrAdd((goal, kind), key => EngagementReplay.Compute(index, key.Goal, key.Kind));
    }
}
