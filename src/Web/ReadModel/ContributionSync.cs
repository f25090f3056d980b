using System.Threading.Channels;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Live;
using CivicContracting.Web.Live;
using CivicContracting.Web.Site;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.ReadModel;

/// <summary>
/// Keeps <see cref="SiteData.Contributions"/> current from the shards' contribution deltas, at O(what changed).
/// <para>
/// <b>Design.</b> Every shard is read once (<see cref="IContributionShardGrain.GetSlice"/>) after the aggregates are in;
/// from then on the deltas the shards push after each durable group commit (<see cref="LiveFeed.ContributionsArrived"/>)
/// are applied. The observer's thread only enqueues; one consumer applies everything in order, so the index has a single
/// writer. Per shard the consumer tracks the sequence it holds: a delta that starts beyond it (a lost push, a time this host
/// was not subscribed, batches that crossed) is applied at once — contributions are absolute and versioned, so that is
/// always safe — and remembered; if the missing numbers have not arrived within <see cref="SiteOptions.GapGrace"/>, that one
/// shard is caught up from what it changed since the sequence held (<see cref="IContributionShardGrain.GetChangesSince"/>,
/// O(what changed)), and read whole only when it no longer remembers that far back — never the city. Every
/// <see cref="SiteOptions.RepairInterval"/> the shards' sequences are checked (<see cref="IContributionShardGrain.GetStatus"/>,
/// a few bytes each) and a shard that is ahead (a lost last delta) is caught up the same way.
/// </para>
/// <para>
/// <see cref="Status"/> and the <c>civic.readmodel.*</c> metrics count the reads per shard and why, so a test or an
/// operator sees that a report caused no read at all.
/// </para>
/// </summary>
public sealed partial class ContributionSync : IDisposable
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Shards read at a time. One: a read wakes its shard, which then loads its whole slice (at 1,000,000 commitments
    /// 62,500 contributions, about a second of a core), and the index applies one answer at a time anyway. Four at once
    /// after a start made a progress report wait behind them for its own shard: at 1M a report was accepted 8.3–11.9 s
    /// after the start with four, 7.0–7.7 s with one; the lists were complete after 32–36 s and 34–37 s.
    /// </summary>
    private const int ReadParallelism = 1;

    /// <summary>Contributions applied under one hold of the index's write lock, so that readers are never held up long.</summary>
    private const int ApplyBatch = 4_096;

    /// <summary>Numbers remembered beyond a gap per shard; older ones are forgotten (that costs at most one more read).</summary>
    private const int MaxRangesAhead = 1_024;

    private readonly IClusterClient _orleans;
    private readonly SiteData _data;
    private readonly IOptions<SiteOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ContributionSync> _logger;
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Shard[] _shards = [.. Enumerable.Range(0, AggregateScope.ShardCount).Select(i => new Shard(i))];
    private readonly SemaphoreSlim _readGate = new(ReadParallelism, ReadParallelism);
    private readonly HashSet<string> _knownGoalScopes = new(StringComparer.Ordinal);
    private readonly Dictionary<int, SliceRead> _firstReads = [];
    private CancellationToken _stopping;
    private long _stamp;
    private long _deltasReceived;
    private long _contributionsApplied;
    private long _startedAt;

    public ContributionSync(IClusterClient orleans, LiveFeed feed, SiteData data, IOptions<SiteOptions> options, TimeProvider clock, ILogger<ContributionSync> logger)
    {
        _orleans = orleans;
        _data = data;
        _options = options;
        _clock = clock;
        _logger = logger;
        ReadModelMetrics.Track(data.Contributions);
        feed.ContributionsArrived += Receive;
    }

    public void Dispose() => _readGate.Dispose();

    /// <summary>Hands pushed deltas to the consumer; called on the observer's thread, so it only enqueues.</summary>
    public void Receive(IReadOnlyList<ContributionDelta> deltas)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        Interlocked.Add(ref _deltasReceived, deltas.Count);
        // Before the first reads are asked for, they will hold all of this anyway: nothing to keep (and nothing piles up
        // while the figures load, however long that takes).
        if (_running)
            Post(new DeltasArrived(deltas));
    }

    private volatile bool _running;

    /// <summary>What this host holds of each shard and how often it read it.</summary>
    public ContributionSyncStatus Status => new(
        _data.AreListsLoaded,
        _data.Contributions.Count,
        Interlocked.Read(ref _deltasReceived),
        Interlocked.Read(ref _contributionsApplied),
        [.. _shards.Select(s => new ShardSyncStatus(s.Index, Volatile.Read(ref s.Held), Interlocked.Read(ref s.Reads), Interlocked.Read(ref s.Gaps),
            Volatile.Read(ref s.Reading), Volatile.Read(ref s.RangesAhead), Interlocked.Read(ref s.CatchUps)))]);

    /// <summary>Reads every shard, then follows the deltas until <paramref name="stoppingToken"/> fires (run by <see cref="SiteDataSync"/> once the aggregates are in).</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        _startedAt = _clock.GetTimestamp();
        _running = true;
        foreach (var shard in _shards)
            Post(new ReadDue(shard.Index, ReadReason.Start, 0));
        var checks = CheckSequencesAsync(stoppingToken);
        try
        {
            await foreach (var work in _work.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    Handle(work);
                }
                catch (Exception ex)
                {
                    // A bad delta must not stop the lists from following the city; the shard's next read repairs it.
                    LogApplyFailed(_logger, ex, work.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await checks.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private TimeSpan GapGrace => _options.Value.GapGrace;

    private void Post(Work work) => _work.Writer.TryWrite(work with { Stamp = Interlocked.Increment(ref _stamp) });

    private void Handle(Work work)
    {
        switch (work)
        {
            case DeltasArrived d:
                OnDeltas(d);
                break;
            case SliceRead s:
                OnSlice(s);
                break;
            case ChangesRead c:
                OnChanges(c);
                break;
            case ReadFailed f:
                _shards[f.Shard].Reading = false;
                Schedule(_shards[f.Shard], f.Reason, RetryAfter);
                break;
            case ReadDue r:
                OnReadDue(r);
                break;
            case SequencesSeen q:
                OnSequences(q);
                break;
        }
        foreach (var shard in _shards)
            Volatile.Write(ref shard.RangesAhead, shard.Ahead.Count);
    }

    private void OnDeltas(DeltasArrived work)
    {
        Apply([.. work.Deltas.SelectMany(d => d.Contributions ?? [])]);
        foreach (var delta in work.Deltas)
        {
            if (delta.ShardIndex is < 0 or >= AggregateScope.ShardCount || delta.FromSequence > delta.ToSequence)
            {
                LogBadDelta(_logger, delta.ShardIndex, delta.FromSequence, delta.ToSequence);
                continue;
            }
            var shard = _shards[delta.ShardIndex];
            if (shard.Held >= 0 && delta.FromSequence <= shard.Held + 1)
            {
                if (delta.ToSequence > shard.Held)
                    Volatile.Write(ref shard.Held, delta.ToSequence);
                Absorb(shard);
                continue;
            }
            // Not read yet (its read will take these numbers in), or beyond a gap: applied already, remembered.
            shard.Ahead.Add(new Range(delta.FromSequence, delta.ToSequence, work.Stamp));
            if (shard.Ahead.Count > MaxRangesAhead)
                shard.Ahead.RemoveAt(0);
            if (shard.Held >= 0)
            {
                Interlocked.Increment(ref shard.Gaps);
                ReadModelMetrics.GapSeen();
                Schedule(shard, ReadReason.Gap, GapGrace);
            }
        }
    }

    private void OnSlice(SliceRead work)
    {
        var shard = _shards[work.Shard];
        if (shard.Held < 0)
        {
            // The start: every shard's first read is taken in at once, newest change first, so that each list of the index
            // grows at its end (fast, and densely packed) instead of taking items all over.
            Volatile.Write(ref shard.Reading, false);
            _firstReads[work.Shard] = work;
            if (_firstReads.Count < _shards.Length)
                return;
            Apply(InLoadOrder(_firstReads.Values.Select(r => r.Slice.Contributions)));
            foreach (var read in _firstReads.Values)
                Settle(read);
            _firstReads.Clear();
            _data.MarkListsLoaded();
            var held = _data.Contributions.Count;
            var elapsed = _clock.GetElapsedTime(_startedAt);
            LogListsLoaded(_logger, held, elapsed);
            return;
        }
        Apply(work.Slice.Contributions);
        Settle(work);
    }

    /// <summary>Every shard's contributions in one list, newest change first (the order of most of the index's lists).</summary>
    public static IReadOnlyList<Contribution> InLoadOrder(IEnumerable<IReadOnlyList<Contribution>> slices)
    {
        var items = slices.SelectMany(s => s).ToArray();
        var keys = new long[items.Length];
        for (var i = 0; i < items.Length; i++)
            keys[i] = ContributionOrder.NewestChangeFirst.Key(items[i]);
        Array.Sort(keys, items);
        return items;
    }

    /// <summary>A gap filled from the shard's recent changes: as a read of the shard, for the numbers it covers.</summary>
    private void OnChanges(ChangesRead work)
    {
        var shard = _shards[work.Shard];
        var changes = work.Changes;
        Apply(changes.Contributions ?? []);
        // The changes follow on from what was held when they were asked for, unless a reset read lowered it since.
        var held = changes.FromSequence <= shard.Held + 1 ? Math.Max(shard.Held, changes.ToSequence) : shard.Held;
        Settle(shard, changes.ToSequence, held, work.AskedAt, ref shard.CatchUps);
        ReadModelMetrics.CaughtUp(work.Reason);
        LogShardCaughtUp(_logger, shard.Index, work.Reason, changes.FromSequence - 1, changes.ToSequence, changes.Contributions?.Count ?? 0);
    }

    /// <summary>What a read of a whole shard tells about the numbers held (its contributions are applied).</summary>
    private void Settle(SliceRead work)
    {
        var shard = _shards[work.Shard];
        var sequence = work.Slice.Sequence;
        Settle(shard, sequence, work.Reason == ReadReason.Reset ? sequence : Math.Max(shard.Held, sequence), work.AskedAt, ref shard.Reads);
        ReadModelMetrics.ShardRead(work.Reason);
        if (work.Reason != ReadReason.Start)
            LogShardRead(_logger, shard.Index, work.Reason, sequence, work.Slice.Contributions.Count);
    }

    /// <summary>
    /// After a read of <paramref name="shard"/> as of <paramref name="sequence"/>: holds <paramref name="held"/>, forgets
    /// numbers the read shows cannot be real, counts the read and asks again if a gap is left.
    /// </summary>
    private void Settle(Shard shard, long sequence, long held, long askedAt, ref long reads)
    {
        // Numbers that arrived before the read was asked for, yet lie beyond what it returned, cannot be real (the shard
        // lost its state, or someone made them up): forget them rather than read the shard again and again.
        shard.Ahead.RemoveAll(r => r.Stamp < askedAt && r.From > sequence + 1);
        Volatile.Write(ref shard.Held, held);
        Absorb(shard);
        // Status readers see the read counted only together with what it left (no read under way, the gaps that remain).
        Volatile.Write(ref shard.RangesAhead, shard.Ahead.Count);
        Volatile.Write(ref shard.Reading, false);
        Interlocked.Increment(ref reads);
        if (shard.Ahead.Count > 0)
            Schedule(shard, ReadReason.Gap, GapGrace);
    }

    private void OnReadDue(ReadDue work)
    {
        var shard = _shards[work.Shard];
        shard.Scheduled = false;
        if (shard.Reading)
            return;
        var due = work.Reason switch
        {
            ReadReason.Gap => shard.Ahead.Count > 0,      // the missing numbers may have arrived meanwhile
            ReadReason.Behind => shard.Held < work.AtLeast, // so may the delta that was on its way
            _ => true,
        };
        if (!due)
            return;
        Volatile.Write(ref shard.Reading, true);
        _ = ReadAsync(shard.Index, work.Reason, shard.Held);
    }

    private void OnSequences(SequencesSeen work)
    {
        var behind = false;
        foreach (var shard in _shards)
        {
            var sequence = work.Sequences[shard.Index];
            if (shard.Held < 0)
                continue;
            if (sequence > shard.Held)
            {
                behind = true;
                Schedule(shard, ReadReason.Behind, GapGrace, sequence);
            }
            else if (sequence < work.HeldBefore[shard.Index])
            {
                behind = true;
                LogShardWentBack(_logger, shard.Index, work.HeldBefore[shard.Index], sequence);
                Schedule(shard, ReadReason.Reset, TimeSpan.Zero);
            }
        }
        // Nothing missing: what is held is current as of now (the replay's last step moves on even in a quiet city).
        if (!behind)
            _data.Contributions.MarkCurrent(_clock.GetUtcNow());
    }

    private static void Absorb(Shard shard)
    {
        if (shard.Ahead.Count == 0)
            return;
        shard.Ahead.Sort((a, b) => a.From.CompareTo(b.From));
        var held = shard.Held;
        foreach (var range in shard.Ahead)
        {
            if (range.From > held + 1)
                break;
            held = Math.Max(held, range.To);
        }
        shard.Ahead.RemoveAll(r => r.To <= held);
        Volatile.Write(ref shard.Held, held);
    }

    private void Schedule(Shard shard, ReadReason reason, TimeSpan after, long atLeast = 0)
    {
        if (shard.Scheduled)
            return;
        shard.Scheduled = true;
        _ = PostLaterAsync(new ReadDue(shard.Index, reason, atLeast), after);
    }

    private async Task PostLaterAsync(Work work, TimeSpan after)
    {
        try
        {
            if (after > TimeSpan.Zero)
                await Task.Delay(after, _clock, _stopping);
            Post(work);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ReadAsync(int index, ReadReason reason, long held)
    {
        try
        {
            await _readGate.WaitAsync(_stopping);
            try
            {
                var askedAt = Interlocked.Increment(ref _stamp);
                var grain = _orleans.GetGrain<IContributionShardGrain>(index);
                // A gap or a shard ahead: what changed since the sequence held, O(what changed), when the shard still
                // remembers that far back; the whole shard only when it does not (or it went back, or at the start).
                if (reason is ReadReason.Gap or ReadReason.Behind && held >= 0 && await grain.GetChangesSince(held) is { } changes)
                {
                    Post(new ChangesRead(index, changes, reason, askedAt));
                    return;
                }
                var slice = await grain.GetSlice();
                Post(new SliceRead(index, slice, reason, askedAt));
            }
            finally
            {
                _readGate.Release();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogReadFailed(_logger, ex, index);
            Post(new ReadFailed(index, reason));
        }
    }

    /// <summary>Every <see cref="SiteOptions.RepairInterval"/>: the shards' sequences, to find one whose last delta was lost.</summary>
    private async Task CheckSequencesAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.RepairInterval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!_data.AreListsLoaded)
                    continue;
                try
                {
                    // What was held before asking: a shard that answers less than that has gone back (lost its state); one
                    // that answers less than what is held by the time the answer is handled has merely been overtaken.
                    long[] heldBefore = [.. _shards.Select(s => Volatile.Read(ref s.Held))];
                    var statuses = await Task.WhenAll(Enumerable.Range(0, AggregateScope.ShardCount)
                        .Select(i => _orleans.GetGrain<IContributionShardGrain>(i).GetStatus()));
                    Post(new SequencesSeen([.. statuses.OrderBy(s => s.ShardIndex).Select(s => s.Sequence)], heldBefore));
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogCheckFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Apply(IReadOnlyList<Contribution> contributions)
    {
        if (!contributions.All(ContributionIndex.IsWellFormed))
        {
            var bad = contributions.Count(c => !ContributionIndex.IsWellFormed(c));
            LogMalformed(_logger, bad);
            contributions = [.. contributions.Where(ContributionIndex.IsWellFormed)];
        }
        for (var start = 0; start < contributions.Count; start += ApplyBatch)
        {
            var kept = _data.Contributions.Apply(Batch(contributions, start, ApplyBatch), _clock.GetUtcNow());
            Interlocked.Add(ref _contributionsApplied, kept);
            ReadModelMetrics.Applied(kept);
        }
        if (contributions.Count == 0)
            _data.Contributions.MarkCurrent(_clock.GetUtcNow());
        NoteUnknownGoals(contributions);
    }

    private static IEnumerable<Contribution> Batch(IReadOnlyList<Contribution> contributions, int start, int count)
    {
        for (var i = start; i < Math.Min(contributions.Count, start + count); i++)
            yield return contributions[i];
    }

    /// <summary>A goal this host does not know yet (defined elsewhere since the last look): the goals are read again.</summary>
    private void NoteUnknownGoals(IReadOnlyList<Contribution> contributions)
    {
        foreach (var c in contributions)
        {
            foreach (var s in c.Scopes)
            {
                if (!AggregateScope.IsGoal(s.Scope) || _knownGoalScopes.Contains(s.Scope))
                    continue;
                if (_data.Goal(s.Scope[AggregateScope.GoalPrefix.Length..]) is null)
                    _data.NoteGoalMissing();
                else
                    _knownGoalScopes.Add(s.Scope);
            }
        }
    }

    private sealed class Shard(int index)
    {
        public int Index { get; } = index;

        /// <summary>The sequence held: everything the shard made durable up to it is in the index; -1 before the first read.</summary>
        public long Held = -1;

        /// <summary>Deltas applied beyond a gap (or before the first read), by their numbers.</summary>
        public readonly List<Range> Ahead = [];

        public bool Reading;
        public bool Scheduled;

        /// <summary><see cref="Ahead"/>'s count, for <see cref="Status"/> (read on other threads).</summary>
        public int RangesAhead;
        public long Reads;
        public long Gaps;
        public long CatchUps;
    }

    private readonly record struct Range(long From, long To, long Stamp);

    private abstract record Work
    {
        /// <summary>The order in which work arrived (and reads were asked for).</summary>
        public long Stamp { get; init; }
    }

    private sealed record DeltasArrived(IReadOnlyList<ContributionDelta> Deltas) : Work;

    private sealed record SliceRead(int Shard, ContributionSlice Slice, ReadReason Reason, long AskedAt) : Work;

    private sealed record ReadFailed(int Shard, ReadReason Reason) : Work;

    private sealed record ChangesRead(int Shard, ContributionDelta Changes, ReadReason Reason, long AskedAt) : Work;

    private sealed record ReadDue(int Shard, ReadReason Reason, long AtLeast) : Work;

    private sealed record SequencesSeen(IReadOnlyList<long> Sequences, IReadOnlyList<long> HeldBefore) : Work;

    [LoggerMessage(Level = LogLevel.Information, Message = "Public site lists loaded: {Commitments} commitments from the contribution shards in {Elapsed}")]
    private static partial void LogListsLoaded(ILogger logger, int commitments, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Read contribution shard {Shard} again ({Reason}): {Contributions} contributions as of sequence {Sequence}")]
    private static partial void LogShardRead(ILogger logger, int shard, ReadReason reason, long sequence, int contributions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read contribution shard {Shard}; retrying")]
    private static partial void LogReadFailed(ILogger logger, Exception ex, int shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contribution shard {Shard} is at sequence {Sequence}, behind the {Held} this host holds (it lost its state?); reading it again")]
    private static partial void LogShardWentBack(ILogger logger, int shard, long held, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a contribution delta with impossible numbers: shard {Shard}, sequences {From} to {To}")]
    private static partial void LogBadDelta(ILogger logger, int shard, long from, long to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored {Count} malformed contribution(s) in what a shard sent")]
    private static partial void LogMalformed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Caught contribution shard {Shard} up ({Reason}) from sequence {From} to {To}: {Count} contributions changed")]
    private static partial void LogShardCaughtUp(ILogger logger, int shard, ReadReason reason, long from, long to, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not apply {Work} to the public site's lists; the shard's next read repairs them")]
    private static partial void LogApplyFailed(ILogger logger, Exception ex, string work);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check the contribution shards' sequences; trying again at the next repair interval")]
    private static partial void LogCheckFailed(ILogger logger, Exception ex);
}

/// <summary>Why a shard was read: the first load, a gap in its deltas, found ahead by the periodic check, found behind (reset), or a retry after a failed read.</summary>
public enum ReadReason
{
    Start,
    Gap,
    Behind,
    Reset,
}

/// <summary>This host's read model of commitments: whether the lists are complete, what they hold, and what was read per shard.</summary>
public sealed record ContributionSyncStatus(
    bool ListsLoaded,
    int Commitments,
    long DeltasReceived,
    long ContributionsApplied,
    IReadOnlyList<ShardSyncStatus> Shards)
{
    /// <summary>Reads of shards after their first one (gaps, checks, resets).</summary>
    public long Rereads => Shards.Sum(s => Math.Max(0, s.Reads - 1));
}

/// <summary>
/// One shard as this host holds it: the sequence, how often it was read whole (the first load included), how many gaps its
/// deltas showed, whether a read is under way, how many deltas beyond a gap wait for it to close, and how often a gap was
/// filled from the shard's recent changes instead of a whole read.
/// </summary>
public sealed record ShardSyncStatus(int Shard, long Sequence, long Reads, long Gaps, bool Reading, int RangesAhead, long CatchUps);
