using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Observability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CivicContracting.Aggregation;

/// <summary>
/// The intermediate stage of the aggregation (style.md, "Reduce"): holds the newest contribution of each commitment
/// of one slice of participants and persists them in group commits. Reentrant so that reports arriving while a
/// write is in flight join the next write instead of queueing behind it; the grain is still single-threaded,
/// and a write works on dictionaries that no report touches meanwhile (new reports wait in <see cref="_buffer"/>).
/// <para>
/// Storage is a snapshot plus a journal, so that a write costs what changed, not the whole slice: each flush
/// writes only the journal (the contributions changed since the snapshot); when the journal reaches
/// <see cref="JournalLimit"/> entries it is folded into the snapshot. Versions
/// make the fold crash-safe: on activation the newer of snapshot and journal wins per commitment.
/// </para>
/// </summary>
[Reentrant]
public sealed class ContributionShardGrain(
    [PersistentState("contributionShard", GrainStorage.Name)] IPersistentState<ContributionShardState> snapshot,
    [PersistentState("contributionShardJournal", GrainStorage.Name)] IPersistentState<ContributionShardState> journal,
    IOptions<AggregationOptions> options,
    TimeProvider clock,
    ILogger<ContributionShardGrain> logger) : Grain, IContributionShardGrain
{
    private readonly AggregationOptions _options = options.Value;
    private readonly Dictionary<string, Contribution> _buffer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Contribution> _current = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byScope = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unpublished = new(StringComparer.Ordinal);
    private long _changes;
    private long _durable;
    private Task? _flushing;
    /// <summary>Monotonic timestamp (TimeProvider.GetTimestamp) of the last flush; 0 before the first. Never wall-clock time:
    /// a clock stepped backwards (NTP) would otherwise stall the shard for the size of the step.</summary>
    private long _lastFlush;
    private TimeSpan _lastWrite;
    private long _sequence;

    /// <summary>Smoothed number of contributions per group commit, for <see cref="JournalLimit"/>.</summary>
    private double _meanBatch = 1;
    // Stopwatch timestamps (0 = none) of the oldest contribution accepted but not yet written / written but not yet published: for civic.aggregation.lag.
    private long _acceptedSince;
    private long _unpublishedSince;
    private int ShardIndex => (int)this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (ShardIndex is < 0 or >= AggregateScope.ShardCount)
            throw new InvalidOperationException($"Contribution shard {ShardIndex} is outside 0..{AggregateScope.ShardCount - 1}.");
        foreach (var c in snapshot.State.Contributions.Values)
            _current[c.CommitmentId] = c;
        foreach (var c in journal.State.Contributions.Values)
        {
            if (!_current.TryGetValue(c.CommitmentId, out var known) || known.Version < c.Version)
                _current[c.CommitmentId] = c;
        }
        foreach (var c in _current.Values)
            Index(c);
        _sequence = Math.Max(snapshot.State.Sequence, journal.State.Sequence);
        // Publish everything once: an aggregate that lost its last seconds in a crash gets it back now.
        _unpublished.UnionWith(_byScope.Keys);
        this.RegisterGrainTimer(PublishChanged, new GrainTimerCreationOptions(_options.PublishInterval, _options.PublishInterval) { Interleave = true });
        this.RegisterGrainTimer(PublishAll, new GrainTimerCreationOptions(_options.AntiEntropyInterval, _options.AntiEntropyInterval) { Interleave = true, KeepAlive = true });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_durable < _changes)
            await WaitDurable(_changes);
        await PublishChanged(cancellationToken);
    }

    public async Task Report(Contribution contribution)
    {
        Validate(contribution);
        if (AggregateScope.ShardFor(contribution.ParticipantId) != ShardIndex)
            throw new ArgumentException($"Participant '{contribution.ParticipantId}' belongs to shard {AggregateScope.ShardFor(contribution.ParticipantId)}, not {ShardIndex}.", nameof(contribution));
        var known = _buffer.GetValueOrDefault(contribution.CommitmentId) ?? _current.GetValueOrDefault(contribution.CommitmentId);
        if (known is null || known.Version < contribution.Version)
        {
            _buffer[contribution.CommitmentId] = contribution;
            _changes++;
            if (_acceptedSince == 0)
                _acceptedSince = System.Diagnostics.Stopwatch.GetTimestamp();
        }
        // Even a stale or repeated report waits until everything accepted so far is durable: its answer promises that.
        await WaitDurable(_changes);
    }

    public Task Ping() => Task.CompletedTask;

    public Task<EngagementTotals> GetTotals(string scope)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        return Task.FromResult(EngagementMath.Totals(InScope(scope), scope));
    }

    public Task<IReadOnlyList<Contribution>> GetContributions(string scope)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        return Task.FromResult<IReadOnlyList<Contribution>>([.. InScope(scope)]);
    }

    private IEnumerable<Contribution> InScope(string scope)
    {
        // Durable contributions only: what is read has been acknowledged and will survive a crash.
        if (!_byScope.TryGetValue(scope, out var ids))
            return [];
        return ids.Select(id => _current[id]);
    }

    private async Task WaitDurable(long ticket)
    {
        while (_durable < ticket)
        {
            if (_flushing is null || _flushing.IsCompleted)
                _flushing = Flush();
            await _flushing;
        }
    }

    private async Task Flush()
    {
        // Back off while writes are slow (a busy database): fewer, larger group commits.
        var gap = _options.ShardFlushInterval > _lastWrite * 2 ? _options.ShardFlushInterval : _lastWrite * 2;
        var wait = _lastFlush == 0 ? TimeSpan.Zero : gap - clock.GetElapsedTime(_lastFlush);
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, clock);
        else
            await Task.Yield(); // let reports already queued join this write

        var upTo = _changes;
        var batch = _buffer.Values.ToList();
        _buffer.Clear();
        var acceptedSince = _acceptedSince;
        _acceptedSince = 0;
        var previous = new List<(string Id, Contribution? Old)>(batch.Count);
        foreach (var c in batch)
        {
            previous.Add((c.CommitmentId, journal.State.Contributions.GetValueOrDefault(c.CommitmentId)));
            journal.State.Contributions[c.CommitmentId] = c;
        }
        journal.State.Sequence = _sequence + 1;
        var started = clock.GetTimestamp();
        try
        {
            await journal.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // Put the batch back so that the next flush retries it; the callers of this batch get the error.
            foreach (var (id, old) in previous)
            {
                var attempted = journal.State.Contributions[id];
                if (old is null)
                    journal.State.Contributions.Remove(id);
                else
                    journal.State.Contributions[id] = old;
                if (!_buffer.TryGetValue(id, out var newer) || newer.Version < attempted.Version)
                    _buffer[id] = attempted;
            }
            journal.State.Sequence = _sequence;
            if (_acceptedSince == 0 || (acceptedSince != 0 && acceptedSince < _acceptedSince))
                _acceptedSince = acceptedSince;
            logger.LogError(ex, "Contribution shard {Shard} could not write a batch of {Count}", ShardIndex, batch.Count);
            throw;
        }
        _lastWrite = clock.GetElapsedTime(started);
        _lastFlush = clock.GetTimestamp();
        _sequence++;
        _durable = Math.Max(_durable, upTo);
        CivicMetrics.ShardFlushed(batch.Count);
        if (_unpublishedSince == 0)
            _unpublishedSince = acceptedSince;
        foreach (var c in batch)
        {
            if (_current.TryGetValue(c.CommitmentId, out var old))
                Unindex(old);
            _current[c.CommitmentId] = c;
            Index(c);
        }

        _meanBatch = 0.9 * _meanBatch + 0.1 * batch.Count;
        if (journal.State.Contributions.Count >= JournalLimit())
            await Compact();
    }

    /// <summary>
    /// When to fold the journal. Per change, a journal of up to J entries costs about J/2 entries written per flush,
    /// shared by the batch b of that flush, and folding costs the whole slice N once every J changes: J/(2b) + N/J
    /// bytes-worth, smallest at J = √(2·N·b). Bounded by <see cref="AggregationOptions.JournalCompactionThreshold"/>.
    /// </summary>
    private int JournalLimit() =>
        (int)Math.Clamp(Math.Sqrt(2.0 * _current.Count * Math.Max(1.0, _meanBatch)), 16, _options.JournalCompactionThreshold);

    /// <summary>Folds the journal into the snapshot. A failure here loses nothing: the journal stays durable and is folded later.</summary>
    private async Task Compact()
    {
        snapshot.State.Contributions = new Dictionary<string, Contribution>(_current, StringComparer.Ordinal);
        snapshot.State.Sequence = _sequence;
        var folded = journal.State.Contributions;
        try
        {
            await snapshot.WriteStateAsync();
            journal.State.Contributions = new Dictionary<string, Contribution>(StringComparer.Ordinal);
            await journal.WriteStateAsync();
        }
        catch (Exception ex)
        {
            journal.State.Contributions = folded;
            logger.LogWarning(ex, "Contribution shard {Shard} could not fold its journal into its snapshot; it tries again later", ShardIndex);
        }
    }

    private void Index(Contribution c)
    {
        foreach (var s in c.Scopes)
        {
            if (!_byScope.TryGetValue(s.Scope, out var ids))
                _byScope[s.Scope] = ids = new HashSet<string>(StringComparer.Ordinal);
            ids.Add(c.CommitmentId);
            _unpublished.Add(s.Scope);
        }
    }

    private void Unindex(Contribution c)
    {
        foreach (var s in c.Scopes)
        {
            if (_byScope.TryGetValue(s.Scope, out var ids))
                ids.Remove(c.CommitmentId);
            _unpublished.Add(s.Scope);
        }
    }

    private Task PublishAll(CancellationToken cancellationToken)
    {
        _unpublished.UnionWith(_byScope.Keys);
        return PublishChanged(cancellationToken);
    }

    private async Task PublishChanged(CancellationToken cancellationToken)
    {
        if (_unpublished.Count == 0)
            return;
        var scopes = _unpublished.ToList();
        _unpublished.Clear();
        var unpublishedSince = _unpublishedSince;
        _unpublishedSince = 0;
        var version = _sequence;
        var calls = scopes.Select(async scope =>
        {
            try
            {
                var totals = EngagementMath.Totals(InScope(scope), scope);
                await GrainFactory.GetGrain<IEngagementAggregateGrain>(scope).ReportShard(new ShardReport(ShardIndex, version, totals));
            }
            catch (Exception ex)
            {
                _unpublished.Add(scope); // retried on the next tick
                logger.LogWarning(ex, "Contribution shard {Shard} could not publish scope {Scope}", ShardIndex, scope);
            }
        });
        await Task.WhenAll(calls);
        if (unpublishedSince != 0)
            CivicMetrics.AggregationPublished(unpublishedSince);
    }

    private static void Validate(Contribution c)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentException.ThrowIfNullOrWhiteSpace(c.CommitmentId);
        ArgumentException.ThrowIfNullOrWhiteSpace(c.ParticipantId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(c.Version);
        if (c.Scopes is null || c.Scopes.Count == 0)
            throw new ArgumentException("A contribution counts in at least one scope.", nameof(c));
        if (c.Progress is { } p && !(p >= 0 && p <= 1))
            throw new ArgumentException("Progress is normalised to [0, 1].", nameof(c));
        if (c.Scopes.Any(s => s is null || string.IsNullOrWhiteSpace(s.Scope) || !double.IsFinite(s.Weight) || s.Weight < 0))
            throw new ArgumentException("Each scope needs a name and a finite, non-negative weight.", nameof(c));
    }
}

[GenerateSerializer, Alias("cc.ContributionShardState.v1")]
public sealed class ContributionShardState
{
    [Id(0)] public Dictionary<string, Contribution> Contributions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Grows with every durable write; it versions what the shard publishes, so aggregates keep the newest.</summary>
    [Id(1)] public long Sequence { get; set; }
}
