using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;

namespace CivicContracting.Web.ReadModel;

/// <summary>
/// What the replay of the oil stain counts, per neighbourhood and kind of participant, as sorted confirmation times: the
/// engaged commitments' (engaged, signed, in a neighbourhood), and each participant's first one there. The number
/// engaged at a moment is then the rank of that moment in a list, so a replay costs O(steps × lists × log n) however many
/// commitments there are, and a change moves one or two times, O(log n + the participant's commitments there).
/// </summary>
/// <remarks>
/// A participant is counted under the kind its contributions carry (a participant's kind does not change), so the
/// distinct participants of a neighbourhood are the sum over kinds.
/// </remarks>
internal sealed class ReplayTally
{
    private static readonly IReadOnlyList<string> Codes = [.. PlaceCatalog.Leuven.Neighbourhoods.Select(p => p.Code)];
    private static readonly Dictionary<string, int> CodeIndex = Codes.Select((code, i) => (code, i)).ToDictionary(x => x.code, x => x.i, StringComparer.OrdinalIgnoreCase);
    private static readonly ParticipantKind[] Kinds = Enum.GetValues<ParticipantKind>();

    private readonly SortedChunkList<long>[,] _commitments = new SortedChunkList<long>[Codes.Count, Kinds.Length];
    private readonly SortedChunkList<long>[,] _firstEngagements = new SortedChunkList<long>[Codes.Count, Kinds.Length];
    private readonly Dictionary<string, List<long>>[,] _participantTimes = new Dictionary<string, List<long>>[Codes.Count, Kinds.Length];

    public ReplayTally()
    {
        for (var n = 0; n < Codes.Count; n++)
        {
            for (var k = 0; k < Kinds.Length; k++)
            {
                _commitments[n, k] = SortedChunkList.OfTicks();
                _firstEngagements[n, k] = SortedChunkList.OfTicks();
                _participantTimes[n, k] = new Dictionary<string, List<long>>(StringComparer.Ordinal);
            }
        }
    }

    /// <summary>A tally of <paramref name="contributions"/> (newest version per commitment first wins), e.g. one goal's.</summary>
    public static ReplayTally Of(IEnumerable<Contribution> contributions)
    {
        var tally = new ReplayTally();
        foreach (var c in contributions)
            tally.Replace(null, null, c, ContributionIndex.NeighbourhoodOf(c));
        return tally;
    }

    public long Visits
    {
        get
        {
            long visits = 0;
            foreach (var list in _commitments)
                visits += list.Visits;
            foreach (var list in _firstEngagements)
                visits += list.Visits;
            return visits;
        }
    }

    /// <summary><paramref name="old"/> gives way to <paramref name="replacement"/>, each with its neighbourhood (<see cref="ContributionIndex.NeighbourhoodOf"/>).</summary>
    public void Replace(Contribution? old, string? oldNeighbourhood, Contribution? replacement, string? neighbourhood)
    {
        var was = Key(old, oldNeighbourhood);
        var @is = Key(replacement, neighbourhood);
        if (was == @is && (was is null || string.Equals(old!.ParticipantId, replacement!.ParticipantId, StringComparison.Ordinal)))
            return;
        if (was is { } w)
            Remove(w.Neighbourhood, w.Kind, w.Ticks, old!.ParticipantId);
        if (@is is { } i)
            Add(i.Neighbourhood, i.Kind, i.Ticks, replacement!.ParticipantId);
    }

    private static (int Neighbourhood, int Kind, long Ticks)? Key(Contribution? c, string? code)
    {
        if (c is null || !c.IsEngaged || c.ConfirmedAt is not { } at || code is null || !CodeIndex.TryGetValue(code, out var n))
            return null;
        var k = Array.IndexOf(Kinds, c.ParticipantKind);
        return k < 0 ? null : (n, k, at.UtcTicks);
    }

    private void Add(int n, int k, long ticks, string participantId)
    {
        _commitments[n, k].Add(ticks);
        var byParticipant = _participantTimes[n, k];
        if (!byParticipant.TryGetValue(participantId, out var times))
        {
            byParticipant[participantId] = [ticks];
            _firstEngagements[n, k].Add(ticks);
            return;
        }
        var first = times.Min();
        times.Add(ticks);
        if (ticks < first)
        {
            _firstEngagements[n, k].Remove(first);
            _firstEngagements[n, k].Add(ticks);
        }
    }

    private void Remove(int n, int k, long ticks, string participantId)
    {
        _commitments[n, k].Remove(ticks);
        var byParticipant = _participantTimes[n, k];
        if (!byParticipant.TryGetValue(participantId, out var times))
            return;
        var first = times.Min();
        times.Remove(ticks);
        if (times.Count == 0)
        {
            byParticipant.Remove(participantId);
            _firstEngagements[n, k].Remove(first);
            return;
        }
        var now = times.Min();
        if (now != first)
        {
            _firstEngagements[n, k].Remove(first);
            _firstEngagements[n, k].Add(now);
        }
    }

    /// <summary>The replay as <see cref="EngagementReplay"/> defines it, up to <paramref name="end"/>, for every kind or one.</summary>
    public EngagementReplay Replay(string? goal, ParticipantKind? kind, DateTimeOffset end)
    {
        var kinds = kind is { } only ? [Array.IndexOf(Kinds, only)] : Enumerable.Range(0, Kinds.Length).ToArray();
        long? first = null;
        for (var n = 0; n < Codes.Count; n++)
        {
            foreach (var k in kinds)
            {
                if (k >= 0 && !_commitments[n, k].IsEmpty && (first is null || _commitments[n, k].First < first))
                    first = _commitments[n, k].First;
            }
        }
        var start = first is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : end;
        var steps = EngagementReplay.StepsBetween(start, end);
        var bounds = steps.Select(s => s.UtcTicks).ToArray();
        var count = steps.Count;

        var places = new Dictionary<string, PlaceSeries>(StringComparer.Ordinal);
        var counted = new int[count];
        for (var n = 0; n < Codes.Count; n++)
        {
            var commitments = new int[count];
            var participants = new int[count];
            var byKind = new Dictionary<ParticipantKind, IReadOnlyList<int>>();
            for (var k = 0; k < Kinds.Length; k++)
            {
                if (!kinds.Contains(k))
                    continue;
                if (!_commitments[n, k].IsEmpty)
                {
                    _commitments[n, k].CountUpTo(bounds, counted);
                    for (var i = 0; i < count; i++)
                        commitments[i] += counted[i];
                }
                if (_firstEngagements[n, k].IsEmpty)
                    continue;
                var series = new int[count];
                _firstEngagements[n, k].CountUpTo(bounds, series);
                for (var i = 0; i < count; i++)
                    participants[i] += series[i];
                // Kinds that never show are left out (as for a neighbourhood without them); a count never goes down over
                // the steps, so the last one says whether it shows at all.
                if (series[^1] > 0)
                    byKind[Kinds[k]] = series;
            }
            places[Codes[n]] = new PlaceSeries(commitments, participants, byKind);
        }
        return new EngagementReplay(goal, kind, steps, places);
    }
}
