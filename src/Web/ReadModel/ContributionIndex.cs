using System.Collections.Frozen;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;

namespace CivicContracting.Web.ReadModel;

/// <summary>
/// Every commitment's newest contribution, held by this web host, and the orders the pages read them in, each kept by
/// the changes themselves (<see cref="Apply(Contribution)"/>): nothing is rebuilt and no request scans the city.
/// <para>
/// <b>What a change costs.</b> A newer version of a contribution replaces the previous one in every structure it was or is
/// in — per scope it counts in (a goal with its ancestors, its neighbourhood, district and the city): all its commitments
/// and the public ones (newest change first), the engaged result commitments, for goals the confirmation times; in the
/// city: the newest confirmed commitments, the coach's sections, its participant's standing and the replay's tallies.
/// Each is a <see cref="SortedChunkList{T}"/>, so that is O(scopes × log n), whatever the city's size.
/// </para>
/// <para>
/// <b>What a read costs.</b> A page of a scope's list, the home page's newest commitments and the first rows of a coach's
/// section cost O(page) (plus stepping over 1/128 of the entries skipped); counts are held. Filters that have no
/// structure of their own scan their scope, O(scope): a goal page's level/kind/status/neighbourhood filters, a coach's
/// "mine only" or neighbourhood filter (over one section), the uncommitted gap (over the goal's engaged results) and the
/// replay of one goal (over the goal's commitments; cached, see <see cref="ReplayCache"/>).
/// </para>
/// <para>
/// <b>Memory.</b> Contributions are the shards' own immutable instances (co-hosted, Orleans passes immutable messages by
/// reference), never copies; an entry in a list is a reference (~11 bytes).
/// </para>
/// <para>
/// <b>Threads.</b> One writer (<see cref="ContributionSync"/>'s consumer), many readers (requests): a reader-writer lock,
/// held for O(change) by the writer and O(answer) by a reader; readers copy what they return and never hold it across an
/// await.
/// </para>
/// </summary>
public sealed class ContributionIndex : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, Contribution> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ScopeLists> _scopes = new(StringComparer.Ordinal);

    // The home page: confirmed public commitments by confirmation (newest) and by change (latest reports).
    private readonly SortedChunkList<Contribution> _confirmedByConfirmation = ContributionOrder.List(ContributionOrder.NewestConfirmationFirst);
    private readonly SortedChunkList<Contribution> _confirmedByChange = ContributionOrder.List(ContributionOrder.NewestChangeFirst);

    // The coach's workspace.
    private readonly SortedChunkList<Contribution> _claimsToVerify = ContributionOrder.List(ContributionOrder.NewestChangeFirst);
    private readonly SortedChunkList<Contribution> _draftsAskingHelp = ContributionOrder.List(ContributionOrder.LongestWaitingForHelpFirst);
    private readonly SortedChunkList<Contribution> _waitingConditions = ContributionOrder.List(ContributionOrder.SoonestConditionDeadlineFirst);
    private readonly ParticipantStandings _participants = new();

    // The open feed: every commitment once, at its newest change, in an order every web host computes alike.
    private readonly SortedChunkList<Contribution> _byChange = ContributionOrder.List(ContributionOrder.OldestChangeFirst);

    // The replay of the whole city (per neighbourhood and kind of participant).
    private readonly ReplayTally _replay = new();

    // The open-data downloads: every public commitment (not a draft) by id, a cursor's stable order.
    private readonly SortedChunkList<Contribution> _publicById = ContributionOrder.List(ContributionOrder.ById);
    private DateTimeOffset _newestChange;

    private long _version;
    private long _changes;
    private DateTimeOffset _takenAt;

    public ContributionIndex()
        : this([], DateTimeOffset.MinValue)
    {
    }

    /// <summary>An index of <paramref name="contributions"/> as of <paramref name="takenAt"/> (tests, tools).</summary>
    public ContributionIndex(IEnumerable<Contribution> contributions, DateTimeOffset takenAt)
    {
        Apply(contributions, takenAt);
    }

    /// <summary>When this index was last known to be current: the last change applied or the last check that found none missing.</summary>
    public DateTimeOffset TakenAt => Read(() => _takenAt);

    /// <summary>Grows with every change applied and every move of <see cref="TakenAt"/>: caches of derived figures key on it.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Contributions that replaced a held one or were new.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    public int Count => Read(() => _byId.Count);

    /// <summary>Entries read and chunks stepped over by every read so far: the work of answering (tests show it does not grow with the city).</summary>
    public long Visits => Read(() => _scopes.Values.Sum(s => s.Visits) + _confirmedByConfirmation.Visits + _confirmedByChange.Visits
        + _claimsToVerify.Visits + _draftsAskingHelp.Visits + _waitingConditions.Visits + _participants.Visits + _replay.Visits + _byChange.Visits);

    public Contribution? Get(string commitmentId) => Read(() => _byId.GetValueOrDefault(commitmentId));

    /// <summary>Keeps <paramref name="contribution"/> if it is newer than the one held; true when it was.</summary>
    public bool Apply(Contribution contribution) => Apply([contribution], null) > 0;

    /// <summary>
    /// Keeps each contribution that is newer than the one held (the newest version per commitment wins, so repeated, stale
    /// and re-ordered deliveries change nothing) and moves <see cref="TakenAt"/> to <paramref name="asOf"/> when given.
    /// Returns how many were kept.
    /// </summary>
    public int Apply(IEnumerable<Contribution> contributions, DateTimeOffset? asOf)
    {
        var kept = 0;
        var listening = Applied is not null;
        List<Contribution>? changed = listening ? [] : null;
        _lock.EnterWriteLock();
        try
        {
            foreach (var c in contributions)
            {
                if (ApplyOne(c))
                {
                    kept++;
                    changed?.Add(c);
                }
            }
            if (asOf is { } at && at > _takenAt)
                _takenAt = at;
            if (kept > 0 || asOf is not null)
                Interlocked.Increment(ref _version);
            Interlocked.Add(ref _changes, kept);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
        if (changed is { Count: > 0 })
            Applied?.Invoke(changed);
        return kept;
    }

    /// <summary>
    /// The contributions each <see cref="Apply(IEnumerable{Contribution}, DateTimeOffset?)"/> kept (newer than the one held), raised
    /// after the lock is released, on the writer's thread: a listener (the search index) only takes note.
    /// </summary>
    public event Action<IReadOnlyList<Contribution>>? Applied;

    /// <summary>Every contribution held, in no particular order: O(city), for a one-off rebuild (the search index at start), never per request.</summary>
    public IReadOnlyList<Contribution> Snapshot() => Read(() => _byId.Values.ToArray());

    public void Dispose() => _lock.Dispose();

    /// <summary>Moves <see cref="TakenAt"/> on: a check found nothing missing, so what is held is current as of then.</summary>
    public void MarkCurrent(DateTimeOffset at) => Apply([], at);

    /// <summary>
    /// What the index needs of a contribution to file it (the shards accept no other, so this only guards against a
    /// malformed message): ids, a positive version, and scopes that each have a name.
    /// </summary>
    public static bool IsWellFormed(Contribution? c) =>
        c is { Version: > 0, Scopes: not null } && !string.IsNullOrEmpty(c.CommitmentId) && !string.IsNullOrEmpty(c.ParticipantId)
        && c.Scopes.All(s => s is { Scope: not null });

    private bool ApplyOne(Contribution c)
    {
        // Checked before anything changes, so that a bad one leaves the lists as they were.
        if (!IsWellFormed(c))
            throw new ArgumentException($"A malformed contribution ('{c?.CommitmentId}') cannot be filed.", nameof(c));
        _byId.TryGetValue(c.CommitmentId, out var old);
        if (old is not null && old.Version >= c.Version)
            return false;
        _byId[c.CommitmentId] = c;

        // Where each version shows in the replay, worked out once for all the lists that need it.
        var oldNeighbourhood = old is null ? null : NeighbourhoodOf(old);
        var neighbourhood = NeighbourhoodOf(c);
        long? oldReplayed = old is not null && IsReplayed(old, oldNeighbourhood) ? old.ConfirmedAt!.Value.UtcTicks : null;
        long? replayed = IsReplayed(c, neighbourhood) ? c.ConfirmedAt!.Value.UtcTicks : null;

        var sameScopes = old is not null && ReferenceEquals(old.Scopes, c.Scopes);
        if (old is not null && !sameScopes)
        {
            foreach (var s in old.Scopes)
            {
                if (!Names(c.Scopes, s.Scope))
                    ScopeOf(s.Scope).Replace(old, oldReplayed, null, null);
            }
        }
        foreach (var s in c.Scopes)
        {
            var before = old is not null && (sameScopes || Names(old.Scopes, s.Scope));
            ScopeOf(s.Scope).Replace(before ? old : null, before ? oldReplayed : null, c, replayed);
        }

        Update(_confirmedByConfirmation, IsConfirmedPublic, old, c);
        Update(_confirmedByChange, IsConfirmedPublic, old, c);
        Update(_claimsToVerify, IsClaimToVerify, old, c);
        Update(_draftsAskingHelp, IsDraftAskingHelp, old, c);
        Update(_waitingConditions, HasWaitingCondition, old, c);
        Update(_byChange, static _ => true, old, c);
        _participants.Replace(old, c);
        _replay.Replace(old, oldNeighbourhood, c, neighbourhood);
        Update(_publicById, IsPublic, old, c);
        if (c.UpdatedAt > _newestChange)
            _newestChange = c.UpdatedAt;
        return true;
    }

    private ScopeLists ScopeOf(string scope)
    {
        if (!_scopes.TryGetValue(scope, out var lists))
            _scopes[scope] = lists = new ScopeLists(AggregateScope.IsGoal(scope));
        return lists;
    }

    private static bool Names(IReadOnlyList<ScopeWeight> scopes, string scope)
    {
        foreach (var s in scopes)
        {
            if (string.Equals(s.Scope, scope, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    internal static void Update(SortedChunkList<Contribution> list, Func<Contribution, bool> belongs, Contribution? old, Contribution? replacement)
    {
        var was = old is not null && belongs(old);
        var @is = replacement is not null && belongs(replacement);
        if (was && @is)
            list.Replace(old!, replacement!);
        else if (was)
            list.Remove(old!);
        else if (@is)
            list.Add(replacement!);
    }

    // ---- Reads -------------------------------------------------------------------------------------------------------

    /// <summary>
    /// A page of the commitments that count in <paramref name="scope"/> (a goal with its objectives, or a place), newest
    /// change first, and how many there are: all of them (the API) or the public ones, without drafts (the pages). O(page).
    /// </summary>
    public (IReadOnlyList<Contribution> Items, int Total) Page(string scope, bool publicOnly, int skip, int take) => Read(() =>
    {
        if (!_scopes.TryGetValue(scope, out var lists))
            return ((IReadOnlyList<Contribution>)[], 0);
        var total = publicOnly ? lists.All.MarkedCount : lists.All.Count;
        var items = new List<Contribution>(Math.Clamp(take, 0, Math.Max(0, total - skip)));
        if (publicOnly)
            lists.All.CopyMarkedTo(items, skip, take);
        else
            lists.All.CopyTo(items, skip, take);
        return (items, total);
    });

    /// <summary>
    /// Like <see cref="Page"/>, keeping only what <paramref name="filter"/> admits: a scan of the scope, O(scope) (the goal
    /// page's filters by level, kind, status and neighbourhood have no structure of their own).
    /// </summary>
    public (IReadOnlyList<Contribution> Items, int Total) PageWhere(string scope, bool publicOnly, Func<Contribution, bool> filter, int skip, int take) => Read(() =>
    {
        if (!_scopes.TryGetValue(scope, out var lists))
            return ((IReadOnlyList<Contribution>)[], 0);
        var items = new List<Contribution>();
        var total = 0;
        lists.All.ForEach(c =>
        {
            if ((!publicOnly || IsPublic(c)) && filter(c))
            {
                if (total >= skip && items.Count < take)
                    items.Add(c);
                total++;
            }
            return true;
        });
        return ((IReadOnlyList<Contribution>)items, total);
    });

    /// <summary>Every commitment that counts in <paramref name="scope"/>, newest change first: O(scope), for one goal's replay.</summary>
    public IReadOnlyList<Contribution> InScope(string scope) => Read(() =>
    {
        if (!_scopes.TryGetValue(scope, out var lists))
            return (IReadOnlyList<Contribution>)[];
        var items = new List<Contribution>(lists.All.Count);
        lists.All.CopyTo(items, 0, lists.All.Count);
        return items;
    });

    /// <summary>The engaged result commitments that count in <paramref name="scope"/>, newest change first (the uncommitted gap): O(results).</summary>
    public IReadOnlyList<Contribution> EngagedResults(string scope) => Read(() =>
    {
        if (!_scopes.TryGetValue(scope, out var lists))
            return (IReadOnlyList<Contribution>)[];
        var items = new List<Contribution>(lists.EngagedResults.Count);
        lists.EngagedResults.CopyTo(items, 0, lists.EngagedResults.Count);
        return items;
    });

    /// <summary>Grows whenever a commitment that counts (or counted) in <paramref name="scope"/> changes.</summary>
    public long ScopeVersion(string scope) => Read(() => _scopes.TryGetValue(scope, out var lists) ? lists.Changes : 0);

    /// <summary>
    /// Engaged commitments of a goal (with its objectives) over time, from when each was signed: as
    /// <see cref="EngagementReplay.Total"/> of the goal's replay, from the goal's confirmation times, O(steps × log n).
    /// </summary>
    public IReadOnlyList<(DateTimeOffset At, int Commitments)> EngagementOverTime(string goalScope) => Read(() =>
    {
        var ticks = _scopes.TryGetValue(goalScope, out var lists) ? lists.EngagedConfirmations : null;
        var start = ticks is { IsEmpty: false } ? new DateTimeOffset(ticks.First, TimeSpan.Zero) : _takenAt;
        var steps = EngagementReplay.StepsBetween(start, _takenAt);
        var counts = new int[steps.Count];
        if (ticks is { IsEmpty: false })
            ticks.CountUpTo([.. steps.Select(s => s.UtcTicks)], counts);
        return (IReadOnlyList<(DateTimeOffset, int)>)[.. steps.Select((at, i) => (at, counts[i]))];
    });

    /// <summary>The replay of the whole city, optionally of one kind of participant: from tallies kept per change, O(steps × neighbourhoods × log n).</summary>
    public EngagementReplay Replay(ParticipantKind? kind) => Read(() => _replay.Replay(null, kind, _takenAt));

    /// <summary>How many public commitments (not drafts) there are, and the newest change time of any commitment: O(1).</summary>
    public (int PublicCount, DateTimeOffset NewestChange) PublicSummary() => Read(() => (_publicById.Count, _newestChange));

    /// <summary>
    /// Up to <paramref name="take"/> public commitments (not drafts) whose id comes after <paramref name="afterId"/> (ordinal
    /// order; null: from the first): the open-data downloads' pages, a cursor that stays valid while commitments change.
    /// O(log n + take).
    /// </summary>
    public IReadOnlyList<Contribution> PublicAfter(string? afterId, int take) => Read(() =>
    {
        var items = new List<Contribution>(Math.Clamp(take, 0, 4096));
        if (afterId is null)
            _publicById.CopyTo(items, 0, take);
        else
            _publicById.CopyAfter(ContributionOrder.IdProbe(afterId), items, take);
        return (IReadOnlyList<Contribution>)items;
    });

    /// <summary>
    /// The open feed's commitments: up to <paramref name="take"/> contributions after the position (<paramref name="at"/>,
    /// <paramref name="afterId"/>) in <see cref="ContributionOrder.OldestChangeFirst"/> (from the start when
    /// <paramref name="at"/> is null), changed no later than <paramref name="until"/>. Each commitment is held once, at its
    /// newest change, so one that changes after a reader passed it shows again further on. O(log n + take).
    /// </summary>
    public IReadOnlyList<Contribution> ChangedAfter(DateTimeOffset? at, string afterId, DateTimeOffset until, int take) => Read(() =>
    {
        var items = new List<Contribution>(Math.Clamp(take, 0, 1_024));
        bool Settled(Contribution c) => c.UpdatedAt <= until;
        if (at is { } time)
        {
            var probe = new Contribution(afterId, 0, "", default, default, default, null, false, null, [], time);
            _byChange.CopyAfter(probe, items, take, Settled);
        }
        else
        {
            _byChange.ForEach(c =>
            {
                if (items.Count >= take || !Settled(c))
                    return false;
                items.Add(c);
                return true;
            });
        }
        return (IReadOnlyList<Contribution>)items;
    });

    /// <summary>Confirmed public commitments, the most recently confirmed first (the home page's newest). O(take).</summary>
    public IReadOnlyList<Contribution> NewestConfirmed(int take) => Read(() => Take(_confirmedByConfirmation, take));

    /// <summary>
    /// A page of the confirmed public commitments in the order they were confirmed, oldest first (the sitemap's pages, so
    /// a new confirmation lands on the last page and the earlier pages keep their entries), and how many there are.
    /// O(take), plus stepping over 1/128 of the entries skipped from the nearer end.
    /// </summary>
    public (IReadOnlyList<Contribution> Items, int Total) ConfirmedOldestFirst(int skip, int take) => Read(() =>
    {
        var total = _confirmedByConfirmation.Count;
        // The list is newest first: the oldest-first page [skip, skip + take) is the newest-first range that ends at total - skip.
        var end = total - Math.Max(0, skip);
        var start = Math.Max(0, end - Math.Max(0, take));
        var items = new List<Contribution>(Math.Max(0, end - start));
        if (end > start)
            _confirmedByConfirmation.CopyTo(items, start, end - start);
        items.Reverse();
        return ((IReadOnlyList<Contribution>)items, total);
    });

    /// <summary>
    /// A page of the participants with a commitment that is not withdrawn (drafts included: see
    /// <see cref="ParticipantStanding.Drafts"/>), most commitments first, and how many there are (the sitemap's pages). O(take).
    /// </summary>
    public (IReadOnlyList<ParticipantStanding> Items, int Total) Participants(int skip, int take) => Read(() => _participants.Page(skip, take));

    /// <summary>Confirmed public commitments, the most recently changed first (the home page's latest reports). O(take).</summary>
    public IReadOnlyList<Contribution> RecentlyChangedConfirmed(int take) => Read(() => Take(_confirmedByChange, take));

    /// <summary>
    /// Result claims to verify (engaged, newest claim self-declared or peer-confirmed), most recently changed first: the first
    /// <paramref name="take"/> that <paramref name="admit"/> lets through, and how many it lets through in all.
    /// </summary>
    public (IReadOnlyList<Contribution> Items, int Total) ClaimsToVerify(Func<Contribution, bool>? admit, int take) =>
        Read(() => Section(_claimsToVerify, admit, take, until: null));

    /// <summary>Drafts whose participant asked for help, longest waiting first (see <see cref="ClaimsToVerify"/>).</summary>
    public (IReadOnlyList<Contribution> Items, int Total) DraftsAskingHelp(Func<Contribution, bool>? admit, int take) =>
        Read(() => Section(_draftsAskingHelp, admit, take, until: null));

    /// <summary>Commitments (not withdrawn) whose condition still waits, with a deadline at or before <paramref name="latest"/>, soonest first.</summary>
    public (IReadOnlyList<Contribution> Items, int Total) ConditionsBefore(DateTimeOffset latest, Func<Contribution, bool>? admit, int take) => Read(() =>
    {
        bool Beyond(Contribution c) => c.ConditionDeadline > latest;
        if (admit is not null)
            return Section(_waitingConditions, admit, take, Beyond);
        // Unfiltered: the first rows, and the count up to the deadline from the chunks' counts (a probe that sorts after
        // every commitment due at that moment), O(rows + due / chunk).
        var items = new List<Contribution>(Math.Clamp(take, 0, 128));
        _waitingConditions.ForEach(c =>
        {
            if (items.Count >= take || Beyond(c))
                return false;
            items.Add(c);
            return true;
        });
        var probe = new Contribution(LastId, 0, "", default, default, default, null, false, null, [], default, ConditionDeadline: latest);
        return ((IReadOnlyList<Contribution>)items, _waitingConditions.CountUpTo(probe));
    });

    /// <summary>An id after every real one in ordinal order (ids are short, visible text).</summary>
    private static readonly string LastId = new(char.MaxValue, 8);

    /// <summary>
    /// Participants with a commitment that is not withdrawn, not in <paramref name="coached"/>, optionally with one in
    /// <paramref name="neighbourhood"/>: most commitments first. O(take + coached).
    /// </summary>
    public (IReadOnlyList<ParticipantStanding> Items, int Total) Uncoached(IReadOnlySet<string> coached, string? neighbourhood, int take) =>
        Read(() => _participants.Uncoached(coached, neighbourhood, take));

    private static IReadOnlyList<Contribution> Take(SortedChunkList<Contribution> list, int take)
    {
        var items = new List<Contribution>(Math.Clamp(take, 0, list.Count));
        list.CopyTo(items, 0, take);
        return items;
    }

    /// <summary>Unfiltered: the first rows and the held count, O(take). Filtered: a scan of the section, O(section).</summary>
    private static (IReadOnlyList<Contribution> Items, int Total) Section(
        SortedChunkList<Contribution> list, Func<Contribution, bool>? admit, int take, Func<Contribution, bool>? until)
    {
        if (admit is null && until is null)
            return (Take(list, take), list.Count);
        var items = new List<Contribution>();
        var total = 0;
        list.ForEach(c =>
        {
            if (until?.Invoke(c) == true)
                return false;
            if (admit?.Invoke(c) != false)
            {
                if (items.Count < take)
                    items.Add(c);
                total++;
            }
            return true;
        });
        return (items, total);
    }

    private TResult Read<TResult>(Func<TResult> read)
    {
        _lock.EnterReadLock();
        try
        {
            return read();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    // ---- Membership ------------------------------------------------------------------------------------------------------

    /// <summary>Public lists show confirmed commitments and what became of them; drafts are not public yet.</summary>
    public static bool IsPublic(Contribution c) => c.Status != CommitmentStatus.Draft;

    private static bool IsConfirmedPublic(Contribution c) => IsPublic(c) && c.ConfirmedAt is not null;

    private static bool IsClaimToVerify(Contribution c) => c.IsEngaged && c.ClaimTier is VerificationTier.SelfDeclared or VerificationTier.PeerConfirmed;

    private static bool IsDraftAskingHelp(Contribution c) => c.Status == CommitmentStatus.Draft && c.HelpRequestedAt is not null;

    private static bool HasWaitingCondition(Contribution c) => c.ConditionDeadline is not null && c.Status != CommitmentStatus.Withdrawn;

    private static bool IsEngagedResult(Contribution c) => c.IsEngaged && c.Level == CommitmentLevel.Result;

    /// <summary>Engaged, signed and in a neighbourhood: it shows in the replay (and a goal's engagement over time).</summary>
    internal static bool IsReplayed(Contribution c, string? neighbourhood) => c.IsEngaged && c.ConfirmedAt is not null && neighbourhood is not null;

    private static readonly FrozenDictionary<string, string> NeighbourhoodScopes = PlaceCatalog.Leuven.Neighbourhoods
        .ToFrozenDictionary(p => AggregateScope.Place(p.Code), p => p.Code, StringComparer.Ordinal);

    /// <summary>The neighbourhood a contribution counts in (its one neighbourhood-level place scope).</summary>
    public static string? NeighbourhoodOf(Contribution contribution)
    {
        foreach (var s in contribution.Scopes)
        {
            if (NeighbourhoodScopes.TryGetValue(s.Scope, out var code))
                return code;
            // A scope spelt otherwise (the catalog's codes compare ignoring case) is found the slow way.
            if (AggregateScope.IsPlace(s.Scope) && PlaceCatalog.Leuven.IsNeighbourhood(s.Scope[AggregateScope.PlacePrefix.Length..]))
                return s.Scope[AggregateScope.PlacePrefix.Length..];
        }
        return null;
    }

    /// <summary>What one scope holds.</summary>
    private sealed class ScopeLists(bool isGoal)
    {
        /// <summary>All its commitments, newest change first, counting the public ones (not drafts) per chunk to page them alone.</summary>
        public readonly SortedChunkList<Contribution> All = new(ContributionOrder.NewestChangeFirst.Key, ContributionOrder.NewestChangeFirst.Comparer, IsPublic);

        public readonly SortedChunkList<Contribution> EngagedResults = ContributionOrder.List(ContributionOrder.NewestChangeFirst);

        /// <summary>Goals only: confirmation times (UTC ticks) of the engaged commitments with a neighbourhood.</summary>
        public readonly SortedChunkList<long>? EngagedConfirmations = isGoal ? SortedChunkList.OfTicks() : null;

        public long Changes;

        public long Visits => All.Visits + EngagedResults.Visits + (EngagedConfirmations?.Visits ?? 0);

        /// <summary>
        /// <paramref name="old"/> gives way to <paramref name="replacement"/> (either may be null: it joins or leaves the
        /// scope); the ticks are their confirmation times when they show in the replay, else null.
        /// </summary>
        public void Replace(Contribution? old, long? oldReplayed, Contribution? replacement, long? replayed)
        {
            Changes++;
            if (old is null && replacement is not null)
                All.Add(replacement);
            else if (old is not null && replacement is null)
                All.Remove(old);
            else if (old is not null && replacement is not null)
                All.Replace(old, replacement);
            Update(EngagedResults, IsEngagedResult, old, replacement);
            if (EngagedConfirmations is not null && oldReplayed != replayed)
            {
                if (oldReplayed is { } w)
                    EngagedConfirmations.Remove(w);
                if (replayed is { } i)
                    EngagedConfirmations.Add(i);
            }
        }
    }
}

/// <summary>
/// The orders of the lists: each a sort key in ticks (compared without following a reference) and a comparer for equal
/// keys that ends on the commitment id, so the order is total and pages are stable.
/// </summary>
public static class ContributionOrder
{
    /// <summary>An order: the key of each contribution and the full comparison, which agree.</summary>
    public sealed record Order(Func<Contribution, long> Key, IComparer<Contribution> Comparer);

    public static SortedChunkList<Contribution> List(Order order) => new(order.Key, order.Comparer);

    /// <summary>Newest change first (<see cref="Contribution.UpdatedAt"/> descending), then by id.</summary>
    public static readonly Order NewestChangeFirst = new(static c => -c.UpdatedAt.UtcTicks, Comparer<Contribution>.Create((a, b) =>
    {
        var byTime = b.UpdatedAt.CompareTo(a.UpdatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.CommitmentId, b.CommitmentId);
    }));

    /// <summary>By commitment id (ordinal); the key packs the id's first four characters, which orders alike.</summary>
    public static readonly Order ById = new(static c => IdKey(c.CommitmentId), Comparer<Contribution>.Create(static (a, b) => string.CompareOrdinal(a.CommitmentId, b.CommitmentId)));

    /// <summary>A contribution that stands for an id in <see cref="ById"/>'s order (a cursor's bound).</summary>
    public static Contribution IdProbe(string commitmentId) =>
        new(commitmentId, 1, "", default, default, default, null, false, null, [], default);

    private static long IdKey(string id)
    {
        ulong packed = 0;
        for (var i = 0; i < 4; i++)
            packed = (packed << 16) | (i < id.Length ? id[i] : 0u);
        return (long)(packed ^ 0x8000_0000_0000_0000UL);
    }

    /// <summary>
    /// Oldest change first (<see cref="Contribution.UpdatedAt"/> ascending), then by id in ordinal order: the open feed's order.
    /// It depends only on each commitment's newest contribution, never on when a host received it, so every web host
    /// that holds the same contributions lists them alike.
    /// </summary>
    public static readonly Order OldestChangeFirst = new(static c => c.UpdatedAt.UtcTicks, Comparer<Contribution>.Create((a, b) =>
    {
        var byTime = a.UpdatedAt.UtcTicks.CompareTo(b.UpdatedAt.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.CommitmentId, b.CommitmentId);
    }));

    /// <summary>Most recently confirmed first, then by id (only confirmed contributions are held in this order).</summary>
    public static readonly Order NewestConfirmationFirst = new(static c => -(c.ConfirmedAt?.UtcTicks ?? 0), Comparer<Contribution>.Create((a, b) =>
    {
        var byTime = Nullable.Compare(b.ConfirmedAt, a.ConfirmedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.CommitmentId, b.CommitmentId);
    }));

    /// <summary>Earliest help request first, then by id (only drafts asking for help are held in this order).</summary>
    public static readonly Order LongestWaitingForHelpFirst = new(static c => c.HelpRequestedAt?.UtcTicks ?? 0, Comparer<Contribution>.Create((a, b) =>
    {
        var byTime = Nullable.Compare(a.HelpRequestedAt, b.HelpRequestedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.CommitmentId, b.CommitmentId);
    }));

    /// <summary>Soonest condition deadline first, then by id (only waiting conditions are held in this order).</summary>
    public static readonly Order SoonestConditionDeadlineFirst = new(static c => c.ConditionDeadline?.UtcTicks ?? 0, Comparer<Contribution>.Create((a, b) =>
    {
        var byTime = Nullable.Compare(a.ConditionDeadline, b.ConditionDeadline);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.CommitmentId, b.CommitmentId);
    }));
}
