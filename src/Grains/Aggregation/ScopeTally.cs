using CivicContracting.Commitments;
using CivicContracting.Participants;

namespace CivicContracting.Aggregation;

/// <summary>
/// The running totals of one scope within one shard (style.md, "Incremental aggregation"): a contribution's new version
/// is added (<see cref="Add"/>) and its previous version subtracted (<see cref="Subtract"/>), so a change costs O(1) per
/// scope, whatever the scope holds. Counts are integers, sums exact fixed point (<see cref="FixedPoint"/>), distinct
/// participants reference counts per (participant, kind), and the first engagement a minimum kept with what is needed to
/// repair it (<see cref="FirstEngagementTracker"/>). <see cref="ToTotals"/> gives the same <see cref="EngagementTotals"/>
/// as <see cref="EngagementMath.Totals"/> over the same contributions, bit for bit.
/// </summary>
public sealed class ScopeTally
{
    private static readonly int StatusCount = Enum.GetValues<CommitmentStatus>().Max(v => (int)v) + 1;
    private static readonly int LevelCount = Enum.GetValues<CommitmentLevel>().Max(v => (int)v) + 1;
    private static readonly int KindCount = Enum.GetValues<ParticipantKind>().Max(v => (int)v) + 1;

    private readonly int[] _byStatus = new int[StatusCount];
    private readonly int[] _byLevel = new int[LevelCount];
    private readonly int[] _participantsByKind = new int[KindCount];
    private readonly Dictionary<(string Participant, ParticipantKind Kind), int> _participantRefs = [];
    // The exact sums (see ExactSums) as plain fields: a change adjusts them in place, where records would allocate two per scope.
    private decimal _progress, _verifiedProgress, _weight, _weightedProgress, _verifiedWeightedProgress;

    public ScopeTally(string scope) => Scope = scope;

    public string Scope { get; }

    public int Commitments { get; private set; }

    public int ProgressCount { get; private set; }

    public int Results { get; private set; }

    public int Achieved { get; private set; }

    public int OnTrack { get; private set; }

    public FirstEngagementTracker First { get; } = new();

    /// <summary>Distinct (participant, kind) pairs with an engaged contribution here: the memory this tally holds beyond a few counters.</summary>
    public int ParticipantEntries => _participantRefs.Count;

    public bool IsEmpty => Commitments == 0;

    public void Add(Contribution c) => Apply(c, +1);

    public void Subtract(Contribution c) => Apply(c, -1);

    private void Apply(Contribution c, int sign)
    {
        Commitments += sign;
        _byStatus[(int)c.Status] += sign;
        if (c.ConfirmedAt is { } confirmedAt)
        {
            if (sign > 0)
                First.Add(confirmedAt.UtcTicks, c.CommitmentId);
            else
                First.Remove(confirmedAt.UtcTicks, c.CommitmentId);
        }
        if (!c.IsEngaged)
            return;
        _byLevel[(int)c.Level] += sign;
        var key = (c.ParticipantId, c.ParticipantKind);
        var refs = _participantRefs.GetValueOrDefault(key) + sign;
        if (refs < 0)
            throw new InvalidOperationException($"Scope {Scope}: participant {c.ParticipantId} was subtracted more often than added.");
        if (refs == 0)
        {
            _participantRefs.Remove(key);
            _participantsByKind[(int)c.ParticipantKind]--;
        }
        else
        {
            _participantRefs[key] = refs;
            if (refs == 1 && sign > 0)
                _participantsByKind[(int)c.ParticipantKind]++;
        }
        if (c.Progress is { } progress)
        {
            ProgressCount += sign;
            var (p, v, w) = EngagementMath.ExactParts(progress, c.VerifiedProgress, EngagementMath.WeightIn(c, Scope));
            _progress += sign * p;
            _verifiedProgress += sign * v;
            _weight += sign * w;
            _weightedProgress += sign * ((decimal)w * p);
            _verifiedWeightedProgress += sign * ((decimal)w * v);
        }
        if (c.Level == CommitmentLevel.Result)
        {
            Results += sign;
            if (c.Status == CommitmentStatus.Achieved)
                Achieved += sign;
            if (c.OnTrack)
                OnTrack += sign;
        }
    }

    /// <summary>
    /// Whether this tally gives the same totals as <paramref name="other"/> (what <see cref="ToTotals"/> would show),
    /// without building them: the verifier compares every scope of a shard after each pass.
    /// </summary>
    public bool SameFigures(ScopeTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Commitments == other.Commitments && ProgressCount == other.ProgressCount && Results == other.Results
            && Achieved == other.Achieved && OnTrack == other.OnTrack
            && _progress == other._progress && _verifiedProgress == other._verifiedProgress && _weight == other._weight
            && _weightedProgress == other._weightedProgress && _verifiedWeightedProgress == other._verifiedWeightedProgress
            && _byStatus.AsSpan().SequenceEqual(other._byStatus) && _byLevel.AsSpan().SequenceEqual(other._byLevel)
            && _participantsByKind.AsSpan().SequenceEqual(other._participantsByKind)
            && First.Confirmed == other.First.Confirmed && !First.NeedsRepair && !other.First.NeedsRepair
            && First.Minimum == other.First.Minimum;
    }

    /// <summary>
    /// Empties the tally for a new recomputation, keeping what it allocated (the verifier recomputes every scope of a
    /// shard once a pass: new tallies each time would be garbage of the size of all tallies, every pass).
    /// </summary>
    public void Reset()
    {
        Commitments = ProgressCount = Results = Achieved = OnTrack = 0;
        Array.Clear(_byStatus);
        Array.Clear(_byLevel);
        Array.Clear(_participantsByKind);
        _participantRefs.Clear();
        _progress = _verifiedProgress = _weight = _weightedProgress = _verifiedWeightedProgress = 0;
        First.Reset();
    }

    /// <summary>
    /// The totals as they stand: O(1) (a few small arrays), except when every tracked candidate for the first engagement
    /// was withdrawn — then <paramref name="repairFirst"/> is asked for the scope's confirmation times (a scan of the
    /// shard, rare; counted by the caller).
    /// </summary>
    public EngagementTotals ToTotals(Func<string, IEnumerable<(long Ticks, string CommitmentId)>> repairFirst)
    {
        if (First.NeedsRepair)
            First.Repair(repairFirst(Scope));
        return EngagementMath.FromParts(
            Commitments,
            Counts<CommitmentStatus>(_byStatus),
            Counts<CommitmentLevel>(_byLevel),
            Counts<ParticipantKind>(_participantsByKind),
            ProgressCount,
            new ExactSums(_progress, _verifiedProgress, _weight, _weightedProgress, _verifiedWeightedProgress),
            Results,
            Achieved,
            OnTrack,
            First.Minimum is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null);
    }

    private static Dictionary<TEnum, int> Counts<TEnum>(int[] counts) where TEnum : struct, Enum
    {
        var result = new Dictionary<TEnum, int>();
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
                result[EnumByIndex<TEnum>.Values[i]] = counts[i];
        }
        return result;
    }

    /// <summary>The values of an enum by their number, made once (<see cref="Enum.ToObject(Type, int)"/> boxes on every call).</summary>
    private static class EnumByIndex<TEnum> where TEnum : struct, Enum
    {
        public static readonly TEnum[] Values = [.. Enumerable.Range(0, Enum.GetValues<TEnum>().Max(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)) + 1)
            .Select(i => (TEnum)Enum.ToObject(typeof(TEnum), i))];
    }
}

/// <summary>
/// The earliest confirmation in a scope, as a minimum that can be withdrawn. It keeps the <see cref="Capacity"/> smallest
/// (time, commitment) pairs; the invariant is that the pairs it holds are the smallest of the scope. Withdrawing one of
/// them leaves the next smallest known; only when all of them are withdrawn while the scope still has confirmations is
/// a repair from the scope's confirmation times needed (<see cref="NeedsRepair"/>) — it then keeps the smallest again.
/// </summary>
public sealed class FirstEngagementTracker
{
    public const int Capacity = 16;

    private readonly List<(long Ticks, string CommitmentId)> _smallest = new(4);

    /// <summary>Contributions of the scope with a confirmation time.</summary>
    public int Confirmed { get; private set; }

    /// <summary>True when the scope has confirmations but none of the smallest is known.</summary>
    public bool NeedsRepair => _smallest.Count == 0 && Confirmed > 0;

    public long? Minimum => _smallest.Count > 0 ? _smallest[0].Ticks : null;

    /// <summary>Repairs done since start (each one a scan of the scope's confirmation times).</summary>
    public int Repairs { get; private set; }

    public void Add(long ticks, string commitmentId)
    {
        var complete = _smallest.Count == Confirmed; // every confirmation of the scope is held
        Confirmed++;
        var entry = (ticks, commitmentId);
        if (!complete && _smallest.Count > 0 && Compare(entry, _smallest[^1]) > 0)
            return; // larger than the largest held while others are not held: it is not among the smallest
        if (!complete && _smallest.Count == 0)
            return; // awaiting repair: the repair will see it
        var at = _smallest.BinarySearch(entry, Comparer);
        _smallest.Insert(at < 0 ? ~at : at, entry);
        if (_smallest.Count > Capacity)
            _smallest.RemoveAt(_smallest.Count - 1);
    }

    public void Remove(long ticks, string commitmentId)
    {
        Confirmed--;
        var at = _smallest.BinarySearch((ticks, commitmentId), Comparer);
        if (at >= 0)
            _smallest.RemoveAt(at);
    }

    public void Reset()
    {
        _smallest.Clear();
        Confirmed = 0;
    }

    public void Repair(IEnumerable<(long Ticks, string CommitmentId)> confirmations)
    {
        Repairs++;
        _smallest.Clear();
        foreach (var entry in confirmations)
        {
            if (_smallest.Count == Capacity && Compare(entry, _smallest[^1]) >= 0)
                continue;
            var at = _smallest.BinarySearch(entry, Comparer);
            _smallest.Insert(at < 0 ? ~at : at, entry);
            if (_smallest.Count > Capacity)
                _smallest.RemoveAt(_smallest.Count - 1);
        }
    }

    private static readonly IComparer<(long Ticks, string CommitmentId)> Comparer = Comparer<(long Ticks, string CommitmentId)>.Create(Compare);

    private static int Compare((long Ticks, string CommitmentId) a, (long Ticks, string CommitmentId) b)
    {
        var byTime = a.Ticks.CompareTo(b.Ticks);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.CommitmentId, b.CommitmentId);
    }
}
