using CivicContracting.Commitments;

namespace CivicContracting.Aggregation;

/// <summary>
/// The in-memory heart of a contribution shard, without Orleans: the newest durable contribution of each commitment
/// (in <see cref="SegmentCount"/> hash segments, the unit of storage and of verification) and the running
/// <see cref="ScopeTally"/> of every scope. <see cref="Apply"/> subtracts a commitment's previous contribution from the
/// scopes it was in and adds the new one to the scopes it is in: O(scopes of the commitment), never O(the city).
/// <see cref="Work"/> counts what that visited, so a test can show that one report costs the same at any size.
/// <para>
/// Anti-entropy is verification, not the normal path: <see cref="VerifyNextSegment"/> recomputes the tallies from the
/// contributions one segment at a time (a shadow that later changes keep current once their segment was visited); after
/// the last segment the shadow must equal the running tallies, and every difference is repaired and counted.
/// </para>
/// <para>
/// Memory: contributions are stored as they arrive but share one interned copy of their participant id and of their
/// list of scopes (commitments of one goal in one neighbourhood all count in the same scopes), so a contribution costs
/// its record and its id.
/// </para>
/// </summary>
public sealed class ShardAggregation
{
    /// <summary>Hash segments of a shard: stored separately (a snapshot never writes a whole slice at once) and verified one at a time.</summary>
    public const int SegmentCount = 64;

    private readonly Dictionary<string, Contribution>[] _segments =
        [.. Enumerable.Range(0, SegmentCount).Select(_ => new Dictionary<string, Contribution>(StringComparer.Ordinal))];
    private readonly Dictionary<string, ScopeTally> _tallies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _participantIds = new(StringComparer.Ordinal);
    private readonly Dictionary<IReadOnlyList<ScopeWeight>, IReadOnlyList<ScopeWeight>> _scopeLists = new(ScopeListComparer.Instance);
    private readonly HashSet<string> _changedScopes = new(StringComparer.Ordinal);

    // Verification: the tallies recomputed over segments [0, _verifiedSegments), kept current by Apply for those segments.
    private Dictionary<string, ScopeTally>? _shadow;
    private int _verifiedSegments;

    public int Count { get; private set; }

    /// <summary>Scope-tally updates and contributions visited since start: the work of aggregation, for tests and metrics.</summary>
    public long Work { get; private set; }

    /// <summary>Differences the verifier found and repaired since start (scopes whose running tally was wrong). Expected: 0.</summary>
    public long Repairs { get; private set; }

    /// <summary>Completed verification passes over all segments.</summary>
    public long VerifiedPasses { get; private set; }

    /// <summary>Scans of a scope's confirmation times because every tracked first engagement was withdrawn.</summary>
    public long FirstEngagementRepairs { get; private set; }

    public IEnumerable<string> Scopes => _tallies.Keys;

    public static int SegmentOf(string commitmentId)
    {
        uint hash = 2166136261;
        foreach (var c in commitmentId)
        {
            hash ^= c;
            hash *= 16777619;
        }
        // A different mix than AggregateScope.ShardFor, so a shard's commitments spread over all its segments.
        hash ^= hash >> 15;
        hash *= 2246822519;
        hash ^= hash >> 13;
        return (int)(hash % SegmentCount);
    }

    public Contribution? Get(string commitmentId) => _segments[SegmentOf(commitmentId)].GetValueOrDefault(commitmentId);

    public IReadOnlyDictionary<string, Contribution> Segment(int index) => _segments[index];

    public IEnumerable<Contribution> All => _segments.SelectMany(s => s.Values);

    /// <summary>
    /// Takes <paramref name="contribution"/> if it is newer than what is held for its commitment; returns whether it did.
    /// Stale and repeated versions change nothing (a retry can never double count).
    /// </summary>
    public bool Apply(Contribution contribution)
    {
        var segmentIndex = SegmentOf(contribution.CommitmentId);
        var segment = _segments[segmentIndex];
        segment.TryGetValue(contribution.CommitmentId, out var previous);
        Work++;
        if (previous is not null && previous.Version >= contribution.Version)
            return false;
        var c = Intern(contribution);
        if (previous is not null)
        {
            Update(_tallies, previous, subtract: true, markChanged: true);
            if (_shadow is not null && segmentIndex < _verifiedSegments)
                Update(_shadow, previous, subtract: true, markChanged: false);
        }
        else
        {
            Count++;
        }
        segment[c.CommitmentId] = c;
        Update(_tallies, c, subtract: false, markChanged: true);
        if (_shadow is not null && segmentIndex < _verifiedSegments)
            Update(_shadow, c, subtract: false, markChanged: false);
        return true;
    }

    /// <summary>The scopes whose totals changed since the last call (to publish), cleared.</summary>
    public List<string> TakeChangedScopes()
    {
        var changed = _changedScopes.ToList();
        _changedScopes.Clear();
        return changed;
    }

    /// <summary>Marks a scope changed (its publication failed and is retried).</summary>
    public void MarkChanged(string scope) => _changedScopes.Add(scope);

    /// <summary>Marks every scope changed (a shard that just woke publishes everything once).</summary>
    public void MarkAllChanged() => _changedScopes.UnionWith(_tallies.Keys);

    /// <summary>The totals of <paramref name="scope"/> in this shard: O(1) (see <see cref="ScopeTally.ToTotals"/>).</summary>
    public EngagementTotals Totals(string scope)
    {
        if (!_tallies.TryGetValue(scope, out var tally))
            return EngagementMath.Totals([], scope);
        Work++;
        return tally.ToTotals(ConfirmationsIn);
    }

    /// <summary>Contributions counting in <paramref name="scope"/>: a scan of the shard (reads of lists, not the report path).</summary>
    public IEnumerable<Contribution> InScope(string scope) =>
        All.Where(c => c.Scopes.Any(s => string.Equals(s.Scope, scope, StringComparison.Ordinal)));

    private IEnumerable<(long Ticks, string CommitmentId)> ConfirmationsIn(string scope)
    {
        FirstEngagementRepairs++;
        foreach (var c in InScope(scope))
        {
            Work++;
            if (c.ConfirmedAt is { } at)
                yield return (at.UtcTicks, c.CommitmentId);
        }
    }

    /// <summary>Contributions the next <see cref="VerifyNextSegment"/> visits: what the verifier paces by.</summary>
    public int NextVerificationSize => _segments[_verifiedSegments].Count;

    /// <summary>
    /// One step of the verifier: recomputes one segment into the shadow tallies. After the last segment, compares the
    /// shadow with the running tallies, repairs (replaces) every scope that differs, marks it changed, and returns the
    /// scopes repaired; otherwise returns an empty list. Costs O(segment), i.e. 1/<see cref="SegmentCount"/> of the shard,
    /// and the last step O(scopes) more. The shadow's tallies are kept from pass to pass and emptied at the start of the
    /// next (<see cref="ScopeTally.Reset"/>), so a pass allocates nothing in the steady state.
    /// </summary>
    public IReadOnlyList<string> VerifyNextSegment()
    {
        _shadow ??= new Dictionary<string, ScopeTally>(StringComparer.Ordinal);
        if (_verifiedSegments == 0)
        {
            foreach (var tally in _shadow.Values)
                tally.Reset();
        }
        foreach (var c in _segments[_verifiedSegments].Values)
        {
            Work++;
            Update(_shadow, c, subtract: false, markChanged: false);
        }
        _verifiedSegments++;
        if (_verifiedSegments < SegmentCount)
            return [];

        // From here until the next step the shadow is not kept current (no segment is below 0): compared, then reset.
        var shadow = _shadow;
        _verifiedSegments = 0;
        VerifiedPasses++;
        var repaired = new List<string>();
        foreach (var (scope, recomputed) in shadow)
        {
            var running = _tallies.GetValueOrDefault(scope);
            var same = recomputed.IsEmpty ? running is null || running.IsEmpty : running is not null && Same(running, recomputed);
            if (!same)
                repaired.Add(scope);
        }
        // Running tallies of scopes the recomputation never saw: wrong unless empty.
        foreach (var (scope, running) in _tallies)
        {
            if (!running.IsEmpty && !shadow.ContainsKey(scope))
                repaired.Add(scope);
        }
        foreach (var scope in repaired)
        {
            // The recomputed tally becomes the running one (the shadow makes itself a new one next pass).
            if (shadow.Remove(scope, out var recomputed) && !recomputed.IsEmpty)
                _tallies[scope] = recomputed;
            else
                _tallies.Remove(scope);
            _changedScopes.Add(scope);
            Repairs++;
        }
        // Scopes nothing counts in any more: their shadows are not kept.
        foreach (var (scope, recomputed) in shadow)
        {
            if (recomputed.IsEmpty)
                shadow.Remove(scope);
        }
        return repaired;
    }

    /// <summary>
    /// Whether two tallies show the same totals: counter by counter, or through the totals (with the first engagement
    /// repaired) when one of them awaits that repair.
    /// </summary>
    private bool Same(ScopeTally running, ScopeTally recomputed) =>
        running.SameFigures(recomputed)
        || (running.First.NeedsRepair || recomputed.First.NeedsRepair)
            && SameTotals(running.ToTotals(ConfirmationsIn), recomputed.ToTotals(ConfirmationsIn));

    /// <summary>A canonical text of totals, for exact comparison (records compare their dictionaries by reference).</summary>
    public static string Fingerprint(EngagementTotals t)
    {
        static string Show<TKey>(IReadOnlyDictionary<TKey, int> d) where TKey : notnull =>
            string.Join(",", d.Where(kv => kv.Value != 0).OrderBy(kv => kv.Key.ToString(), StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        var e = t.Exact ?? ExactSums.Zero;
        return $"{t.Commitments}|{Show(t.ByStatus)}|{Show(t.EngagedByLevel)}|{Show(t.ParticipantsByKind)}|{t.ProgressCount}|" +
            $"{e.Progress}|{e.VerifiedProgress}|{e.Weight}|{e.WeightedProgress}|{e.VerifiedWeightedProgress}|" +
            $"{t.ResultCommitments}|{t.ResultsAchieved}|{t.ResultsOnTrack}|{t.FirstEngagementAt?.UtcTicks}";
    }

    private void Update(Dictionary<string, ScopeTally> tallies, Contribution c, bool subtract, bool markChanged)
    {
        foreach (var s in c.Scopes)
        {
            Work++;
            if (!tallies.TryGetValue(s.Scope, out var tally))
                tallies[s.Scope] = tally = new ScopeTally(s.Scope);
            if (subtract)
                tally.Subtract(c);
            else
                tally.Add(c);
            if (markChanged)
                _changedScopes.Add(s.Scope);
        }
    }

    /// <summary>One shared instance of a participant id and of a list of scopes, whatever number of contributions carry them.</summary>
    private Contribution Intern(Contribution c)
    {
        if (!_participantIds.TryGetValue(c.ParticipantId, out var participantId))
            _participantIds[c.ParticipantId] = participantId = c.ParticipantId;
        // Looked up by the list's content (no key string built per report).
        if (!_scopeLists.TryGetValue(c.Scopes, out var scopes))
        {
            scopes = [.. c.Scopes];
            _scopeLists[scopes] = scopes;
        }
        return ReferenceEquals(participantId, c.ParticipantId) && ReferenceEquals(scopes, c.Scopes)
            ? c
            : c with { ParticipantId = participantId, Scopes = scopes };
    }

    /// <summary>Lists of scopes equal when they hold the same scopes with the same weights in the same order.</summary>
    private sealed class ScopeListComparer : IEqualityComparer<IReadOnlyList<ScopeWeight>>
    {
        public static ScopeListComparer Instance { get; } = new();

        public bool Equals(IReadOnlyList<ScopeWeight>? x, IReadOnlyList<ScopeWeight>? y)
        {
            if (ReferenceEquals(x, y))
                return true;
            if (x is null || y is null || x.Count != y.Count)
                return false;
            for (var i = 0; i < x.Count; i++)
            {
                if (!string.Equals(x[i].Scope, y[i].Scope, StringComparison.Ordinal) || !x[i].Weight.Equals(y[i].Weight))
                    return false;
            }
            return true;
        }

        public int GetHashCode(IReadOnlyList<ScopeWeight> list)
        {
            var hash = new HashCode();
            for (var i = 0; i < list.Count; i++)
            {
                hash.Add(list[i].Scope, StringComparer.Ordinal);
                hash.Add(list[i].Weight);
            }
            return hash.ToHashCode();
        }
    }

    /// <summary>
    /// Whether two totals are the same figures (what <see cref="Fingerprint"/> compares), without building text: the
    /// aggregates ask this for every shard report.
    /// </summary>
    public static bool SameTotals(EngagementTotals a, EngagementTotals b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.Commitments == b.Commitments && a.ProgressCount == b.ProgressCount && a.ResultCommitments == b.ResultCommitments
            && a.ResultsAchieved == b.ResultsAchieved && a.ResultsOnTrack == b.ResultsOnTrack
            && a.FirstEngagementAt?.UtcTicks == b.FirstEngagementAt?.UtcTicks
            && Equals(a.Exact ?? ExactSums.Zero, b.Exact ?? ExactSums.Zero)
            && SameCounts(a.ByStatus, b.ByStatus) && SameCounts(a.EngagedByLevel, b.EngagedByLevel) && SameCounts(a.ParticipantsByKind, b.ParticipantsByKind);

        // Counts of 0 and missing keys are the same figure.
        static bool SameCounts<TKey>(IReadOnlyDictionary<TKey, int> x, IReadOnlyDictionary<TKey, int> y) where TKey : notnull
        {
            foreach (var (key, value) in x)
            {
                if (value != y.GetValueOrDefault(key))
                    return false;
            }
            foreach (var (key, value) in y)
            {
                if (value != 0 && !x.ContainsKey(key))
                    return false;
            }
            return true;
        }
    }
}
