using CivicContracting.Commitments;
using CivicContracting.Participants;

namespace CivicContracting.Web.ReadModel;

/// <summary>
/// A participant with commitments that are not withdrawn: the kind and neighbourhood of their most recently changed one,
/// how many (and how many drafts), and since when (the earliest change among them). The coach's workspace lists those
/// without a coach.
/// </summary>
public sealed record ParticipantStanding(string ParticipantId, ParticipantKind Kind, string? NeighbourhoodCode, int Commitments, int Drafts, DateTimeOffset Since);

/// <summary>
/// Every participant's commitments and <see cref="ParticipantStanding"/>, ordered most commitments first (then the longest
/// waiting, then by id) for the whole city and per neighbourhood they have a commitment in. A change recomputes its
/// participant's standing from that participant's own commitments, O(the participant's commitments), and moves it in the
/// orders, O(neighbourhoods × log n).
/// </summary>
internal sealed class ParticipantStandings
{
    private static readonly IComparer<ParticipantStanding> MostCommitmentsFirst = Comparer<ParticipantStanding>.Create((a, b) =>
    {
        var byCount = b.Commitments.CompareTo(a.Commitments);
        if (byCount != 0)
            return byCount;
        var bySince = a.Since.CompareTo(b.Since);
        return bySince != 0 ? bySince : string.CompareOrdinal(a.ParticipantId, b.ParticipantId);
    });

    private readonly Dictionary<string, Participant> _participants = new(StringComparer.Ordinal);
    /// <summary>
    /// The order's key: commitments (descending) in the high bits, the time (ascending, to 6.5 ms) in the low ones, so most
    /// searches compare numbers; equal keys, and counts too high for the bits, go to the full comparison.
    /// </summary>
    private static long KeyOf(ParticipantStanding s) =>
        s.Commitments >= 0xFFFF ? long.MinValue : (-(long)s.Commitments << 47) + (s.Since.UtcTicks >> 16);

    private static SortedChunkList<ParticipantStanding> NewList() => new(KeyOf, MostCommitmentsFirst);

    private readonly SortedChunkList<ParticipantStanding> _all = NewList();
    private readonly Dictionary<string, SortedChunkList<ParticipantStanding>> _byNeighbourhood = new(StringComparer.OrdinalIgnoreCase);

    public long Visits => _all.Visits + _byNeighbourhood.Values.Sum(l => l.Visits);

    public void Replace(Contribution? old, Contribution replacement)
    {
        if (old is not null && !string.Equals(old.ParticipantId, replacement.ParticipantId, StringComparison.Ordinal)
            && _participants.TryGetValue(old.ParticipantId, out var previous))
        {
            var at = IndexOf(previous.Contributions, old.CommitmentId);
            if (at >= 0)
                previous.Contributions.RemoveAt(at);
            Restand(previous);
        }
        if (!_participants.TryGetValue(replacement.ParticipantId, out var participant))
            _participants[replacement.ParticipantId] = participant = new Participant(replacement.ParticipantId);
        var i = IndexOf(participant.Contributions, replacement.CommitmentId);
        if (i >= 0)
            participant.Contributions[i] = replacement;
        else
            participant.Contributions.Add(replacement);
        Restand(participant);
    }

    private static int IndexOf(List<Contribution> contributions, string commitmentId)
    {
        for (var i = 0; i < contributions.Count; i++)
        {
            if (string.Equals(contributions[i].CommitmentId, commitmentId, StringComparison.Ordinal))
                return i;
        }
        return -1;
    }

    /// <summary>A page of every participant's standing in the city's order, and how many there are: O(take + skip / chunk).</summary>
    public (IReadOnlyList<ParticipantStanding> Items, int Total) Page(int skip, int take)
    {
        var items = new List<ParticipantStanding>(Math.Clamp(take, 0, Math.Max(0, _all.Count - skip)));
        if (take > 0 && skip < _all.Count)
            _all.CopyTo(items, Math.Max(0, skip), take);
        return (items, _all.Count);
    }

    /// <summary>See <see cref="ContributionIndex.Uncoached"/>.</summary>
    public (IReadOnlyList<ParticipantStanding> Items, int Total) Uncoached(IReadOnlySet<string> coached, string? neighbourhood, int take)
    {
        var list = neighbourhood is null ? _all : _byNeighbourhood.GetValueOrDefault(neighbourhood);
        if (list is null)
            return ([], 0);
        var items = new List<ParticipantStanding>(Math.Clamp(take, 0, list.Count));
        if (take > 0)
        {
            list.ForEach(s =>
            {
                if (!coached.Contains(s.ParticipantId))
                    items.Add(s);
                return items.Count < take;
            });
        }
        // The coached are few: count those that are in this list, rather than walk it.
        var coachedHere = 0;
        foreach (var id in coached)
        {
            if (_participants.TryGetValue(id, out var p) && p.Standing is not null
                && (neighbourhood is null || p.Neighbourhoods.Contains(neighbourhood, StringComparer.OrdinalIgnoreCase)))
                coachedHere++;
        }
        return (items, list.Count - coachedHere);
    }

    private void Restand(Participant participant)
    {
        var (standing, neighbourhoods) = StandingOf(participant);
        var before = participant.Standing;
        var sameNeighbourhoods = neighbourhoods.AsSpan().SequenceEqual(participant.Neighbourhoods, StringComparer.OrdinalIgnoreCase);
        if (standing == before && sameNeighbourhoods)
            return;
        if (before is not null && standing is not null && sameNeighbourhoods)
        {
            // In the same lists: moved (or, when only what it shows changed, replaced where it stands).
            _all.Replace(before, standing);
            foreach (var n in neighbourhoods)
                _byNeighbourhood[n].Replace(before, standing);
            participant.Standing = standing;
            return;
        }
        if (before is not null)
        {
            _all.Remove(before);
            foreach (var n in participant.Neighbourhoods)
                _byNeighbourhood[n].Remove(before);
        }
        participant.Standing = standing;
        participant.Neighbourhoods = neighbourhoods;
        if (standing is not null)
        {
            _all.Add(standing);
            foreach (var n in neighbourhoods)
            {
                if (!_byNeighbourhood.TryGetValue(n, out var list))
                    _byNeighbourhood[n] = list = NewList();
                list.Add(standing);
            }
        }
        if (participant.Contributions.Count == 0)
            _participants.Remove(participant.Id);
    }

    /// <summary>The standing as the coach's workspace defines it (CoachWorkspace.Uncoached); null without a commitment that is not withdrawn.</summary>
    private static (ParticipantStanding? Standing, string[] Neighbourhoods) StandingOf(Participant participant)
    {
        Contribution? newest = null;
        var count = 0;
        var drafts = 0;
        var since = DateTimeOffset.MaxValue;
        string? onlyNeighbourhood = null;
        List<string>? neighbourhoods = null;
        foreach (var c in participant.Contributions)
        {
            if (c.Status == CommitmentStatus.Withdrawn)
                continue;
            count++;
            if (c.Status == CommitmentStatus.Draft)
                drafts++;
            if (c.UpdatedAt < since)
                since = c.UpdatedAt;
            // The most recently changed; among equals the first in the lists' order (the smallest id).
            if (newest is null || ContributionOrder.NewestChangeFirst.Comparer.Compare(c, newest) < 0)
                newest = c;
            // Codes compare ignoring case, like the workspace's neighbourhood filter. Most participants have one.
            if (ContributionIndex.NeighbourhoodOf(c) is { } n && !string.Equals(n, onlyNeighbourhood, StringComparison.OrdinalIgnoreCase))
            {
                if (onlyNeighbourhood is null)
                    onlyNeighbourhood = n;
                else if (neighbourhoods is null)
                    neighbourhoods = [onlyNeighbourhood, n];
                else if (!neighbourhoods.Contains(n, StringComparer.OrdinalIgnoreCase))
                    neighbourhoods.Add(n);
            }
        }
        if (newest is null)
            return (null, []);
        var standing = new ParticipantStanding(participant.Id, newest.ParticipantKind, ContributionIndex.NeighbourhoodOf(newest), count, drafts, since);
        string[] codes = neighbourhoods is not null ? [.. neighbourhoods.Order(StringComparer.OrdinalIgnoreCase)]
            : onlyNeighbourhood is not null ? [onlyNeighbourhood] : [];
        return (standing, codes);
    }

    private sealed class Participant(string id)
    {
        public string Id { get; } = id;

        public List<Contribution> Contributions { get; } = new(1);

        public ParticipantStanding? Standing { get; set; }

        public string[] Neighbourhoods { get; set; } = [];
    }
}
