using System.Collections.Concurrent;
using CivicContracting.Aggregation;
using CivicContracting.Participants;
using CivicContracting.Web.Site;
using Microsoft.Extensions.Options;

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
    /// Counts, at each step, the commitments engaged now whose first confirmation was at or before it, and their distinct
    /// participants. A commitment withdrawn since is left out of every step: contributions keep the current status, not when
    /// it changed. The whole city (or one kind) comes from the tallies <paramref name="index"/> keeps per change; one goal
    /// from a tally of the goal's commitments, O(the goal's commitments).
    /// </summary>
    public static EngagementReplay Compute(ContributionIndex index, string? goal, ParticipantKind? kind)
    {
        if (goal is null)
            return index.Replay(kind);
        var takenAt = index.TakenAt;
        return ReplayTally.Of(index.InScope(AggregateScope.Goal(goal))).Replay(goal, kind, takenAt);
    }

    /// <summary>
    /// The moments of a replay: <see cref="MaxSteps"/> evenly from <paramref name="start"/> (the first confirmation) to
    /// <paramref name="end"/> (when the index was taken), or one when they coincide.
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> StepsBetween(DateTimeOffset start, DateTimeOffset end)
    {
        if (start > end)
            end = start;
        var count = start == end ? 1 : MaxSteps;
        return [.. Enumerable.Range(0, count).Select(i => count == 1 ? end : start + (end - start) * i / (count - 1))];
    }
}

/// <summary>
/// Replays shared by every visitor of this host, per filter (goal, kind). A replay is computed again only when the index
/// changed since and the one held is at least <see cref="SiteOptions.ListRefreshInterval"/> old, so a burst of visitors
/// costs one computation, and a busy city one per interval and filter: O(steps × log n) for the city or a kind, O(the
/// goal's commitments) for a goal. At most <see cref="MaxHeld"/> filters are held.
/// </summary>
public sealed class ReplayCache(SiteData data, IOptions<SiteOptions> options, TimeProvider clock)
{
    private const int MaxHeld = 256;

    private sealed record Held(long Version, DateTimeOffset At, Lazy<EngagementReplay> Replay);

    private readonly ConcurrentDictionary<(string? Goal, ParticipantKind? Kind), Held> _held = new();

    private sealed record HeldTotal(long Version, DateTimeOffset At, IReadOnlyList<(DateTimeOffset At, int Commitments)> Total);

    private readonly ConcurrentDictionary<string, HeldTotal> _totals = new(StringComparer.Ordinal);

    /// <summary>
    /// A goal's engaged commitments over time (its page's chart), as <see cref="EngagementReplay.Total"/> of the goal's
    /// replay: from the goal's confirmation times (O(steps × log n + n / chunk)), shared like the replays.
    /// </summary>
    public IReadOnlyList<(DateTimeOffset At, int Commitments)> EngagementOverTime(string goal)
    {
        var index = data.Contributions;
        var version = index.Version;
        var now = clock.GetUtcNow();
        if (_totals.TryGetValue(goal, out var held) && (held.Version == version || now - held.At < options.Value.ListRefreshInterval))
            return held.Total;
        var total = index.EngagementOverTime(AggregateScope.Goal(goal));
        if (_totals.Count >= MaxHeld * 16)
            _totals.Clear();
        _totals[goal] = new HeldTotal(version, now, total);
        return total;
    }

    public EngagementReplay Get(string? goal, ParticipantKind? kind)
    {
        var index = data.Contributions;
        var version = index.Version;
        var now = clock.GetUtcNow();
        var key = (goal, kind);
        if (_held.TryGetValue(key, out var held) && (held.Version == version || now - held.At < options.Value.ListRefreshInterval))
            return held.Replay.Value;
        var fresh = new Held(version, now, new Lazy<EngagementReplay>(() => EngagementReplay.Compute(index, goal, kind), LazyThreadSafetyMode.ExecutionAndPublication));
        if (held is null ? !_held.TryAdd(key, fresh) : !_held.TryUpdate(key, fresh, held))
            return _held.TryGetValue(key, out var other) ? other.Replay.Value : fresh.Replay.Value; // another request just started one
        if (_held.Count > MaxHeld)
        {
            // Filters are bounded by the goals; drop the others rather than grow (they are computed again when asked).
            foreach (var other in _held.Keys.Where(k => k != key).ToList())
                _held.TryRemove(other, out _);
        }
        return fresh.Replay.Value;
    }
}
