using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Live;
using CivicContracting.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;

namespace CivicContracting.Aggregation;

/// <summary>
/// The intermediate stage of the aggregation (style.md, "Reduce" and "Incremental aggregation"): holds the newest
/// contribution of each commitment of one slice of participants, keeps the running totals of every scope they count in
/// (<see cref="ShardAggregation"/>), and persists changes in group commits (<see cref="ShardStore"/>).
/// <para>
/// <b>Cost per report.</b> A report adjusts the totals of the scopes its commitment is in (subtract the previous version,
/// add the new one) and publishing a changed scope sends its totals, O(1): nothing here grows with the city.
/// </para>
/// <para>
/// <b>Group commit without waiting.</b> Reentrant: a report that arrives when no write is in flight starts one at once;
/// reports that arrive while it runs wait in <see cref="_buffer"/> and share the next write. A report's call returns once
/// the write holding it is durable. Only durable contributions reach the totals, the aggregates and the web hosts.
/// </para>
/// <para>
/// <b>Verification.</b> Every <see cref="AggregationOptions.AntiEntropyInterval"/> the totals are recomputed from the
/// contributions, one segment per step; differences are repaired, counted (<c>civic.aggregation.repairs</c>) and logged.
/// Then every scope is published again, so aggregates that lost a push converge.
/// </para>
/// </summary>
[Reentrant]
public sealed class ContributionShardGrain(
    IOptions<AggregationOptions> options,
    ILogger<ContributionShardGrain> logger) : Grain, IContributionShardGrain
{
    private readonly AggregationOptions _options = options.Value;
    private readonly ShardAggregation _aggregation = new();
    private readonly Dictionary<string, Contribution> _buffer = new(StringComparer.Ordinal);
    private readonly HashSet<int> _dirtySegments = [];
    private List<Contribution> _pendingDelta = [];
    // The last sequence handed to the live batcher: every durable sequence is published, even one whose batch changed
    // nothing (all stale versions), so the web hosts never see a gap that is not one and read the whole shard again.
    private long _publishedSequence;
    private ShardStore _store = null!;
    private long _changes;
    private long _durable;
    private Task? _flushing;
    private Task? _compacting;
    private long _sequence;
    private long _compactedSequence;
    private long _changesSinceCompaction;
    private long _publishVersion;

    // Stopwatch timestamps (0 = none) of the oldest contribution accepted but not yet written / written but not yet published: for civic.aggregation.lag.
    private long _acceptedSince;
    private long _unpublishedSince;

    private int ShardIndex => (int)this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (ShardIndex is < 0 or >= AggregateScope.ShardCount)
            throw new InvalidOperationException($"Contribution shard {ShardIndex} is outside 0..{AggregateScope.ShardCount - 1}.");
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        _store = new ShardStore(storage, this.GetGrainId(), logger);
        var loaded = await _store.LoadAsync();
        for (var i = 0; i < loaded.Contributions.Count; i++)
        {
            _aggregation.Apply(loaded.Contributions[i]); // newest version per commitment wins, whatever order the rows were read in
            // A large shard takes about a second of a core to load: other grains (the aggregates serving the map) get
            // their turns in between, instead of waiting for the 16 shards of a restart.
            if (i % 4_096 == 4_095)
                await Task.Yield();
        }
        _sequence = loaded.Sequence;
        _publishedSequence = loaded.Sequence;
        _recentFrom = loaded.Sequence + 1;
        _compactedSequence = loaded.CompactedSequence;
        _changesSinceCompaction = loaded.Sequence - loaded.CompactedSequence;
        _dirtySegments.UnionWith(loaded.SegmentsInLog);
        // Versions of what this shard publishes only grow, across restarts too: they follow the durable sequence.
        _publishVersion = _sequence << 20;
        if (loaded.Migrated)
        {
            await Compact();
            await _store.ClearLegacyAsync();
        }
        // Publish everything once: an aggregate that lost its last seconds in a crash gets it back now.
        _aggregation.MarkAllChanged();
        this.RegisterGrainTimer(Publish, new GrainTimerCreationOptions(_options.PublishInterval, _options.PublishInterval) { Interleave = true });
        var step = _options.AntiEntropyInterval / ShardAggregation.SegmentCount;
        this.RegisterGrainTimer(VerifyStep, new GrainTimerCreationOptions(step, step) { Interleave = true, KeepAlive = true });
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_durable < _changes)
            await WaitDurable(_changes);
        if (_compacting is { } compacting)
            await compacting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        await Publish(cancellationToken);
    }

    public async Task Report(Contribution contribution)
    {
        Validate(contribution);
        if (AggregateScope.ShardFor(contribution.ParticipantId) != ShardIndex)
            throw new ArgumentException($"Participant '{contribution.ParticipantId}' belongs to shard {AggregateScope.ShardFor(contribution.ParticipantId)}, not {ShardIndex}.", nameof(contribution));
        var known = _buffer.GetValueOrDefault(contribution.CommitmentId) ?? _aggregation.Get(contribution.CommitmentId);
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
        return Task.FromResult(_aggregation.Totals(scope));
    }

    public Task<IReadOnlyList<Contribution>> GetContributions(string scope)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        // Durable contributions only: what is read has been acknowledged and will survive a crash.
        return Task.FromResult<IReadOnlyList<Contribution>>([.. _aggregation.InScope(scope)]);
    }

    public Task<ContributionSlice> GetSlice() =>
        Task.FromResult(new ContributionSlice(ShardIndex, _sequence, [.. _aggregation.All]));

    public Task<ContributionDelta?> GetChangesSince(long sequence)
    {
        if (sequence < 0)
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, "Sequences start at 0.");
        // Before what is remembered, or beyond what this shard has (it lost state the reader saw): only the slice tells.
        if (sequence + 1 < _recentFrom || sequence > _sequence)
            return Task.FromResult<ContributionDelta?>(null);
        var changed = new Dictionary<string, Contribution>(StringComparer.Ordinal);
        foreach (var (commit, contributions) in _recent)
        {
            if (commit <= sequence)
                continue;
            foreach (var c in contributions)
            {
                if (!changed.TryGetValue(c.CommitmentId, out var known) || known.Version < c.Version)
                    changed[c.CommitmentId] = c;
            }
        }
        return Task.FromResult<ContributionDelta?>(new ContributionDelta(ShardIndex, sequence + 1, _sequence, [.. changed.Values]));
    }

    /// <summary>Keeps what a group commit changed among the recent ones (bounded in commits and in contributions).</summary>
    private void Remember(long sequence, List<Contribution> applied)
    {
        _recent.Enqueue((sequence, applied));
        _recentContributions += applied.Count;
        while (_recent.Count > RecentCommits || _recentContributions > RecentContributions)
        {
            var (oldest, contributions) = _recent.Dequeue();
            _recentContributions -= contributions.Count;
            _recentFrom = oldest + 1;
        }
    }

    /// <summary>Group commits remembered for <see cref="GetChangesSince"/> (a few seconds of a busy city), and their contributions at most.</summary>
    private const int RecentCommits = 4_096;
    private const int RecentContributions = 32_768;

    private readonly Queue<(long Sequence, List<Contribution> Applied)> _recent = new();
    private int _recentContributions;
    // The first sequence whose changes are remembered: the one after what was durable at activation, at first.
    private long _recentFrom;

    public Task<ShardStatus> GetStatus() => Task.FromResult(new ShardStatus(
        ShardIndex, _aggregation.Count, _sequence, _aggregation.Work, _aggregation.VerifiedPasses, _aggregation.Repairs,
        _store.RowsWritten, _store.ContributionsWritten, _compactedSequence));

    private async Task WaitDurable(long ticket)
    {
        while (_durable < ticket)
        {
            if (_flushing is null || _flushing.IsCompleted)
                _flushing = Flush();
            await _flushing;
        }
    }

    /// <summary>One group commit: everything buffered so far, in one log row; starts at once, without a timer.</summary>
    private async Task Flush()
    {
        var upTo = _changes;
        var batch = _buffer.Values.ToList();
        _buffer.Clear();
        var acceptedSince = _acceptedSince;
        _acceptedSince = 0;
        var sequence = _sequence + 1;
        try
        {
            // The ring must not overwrite a row whose changes are not yet in the segments.
            if (sequence - _compactedSequence > ShardStore.LogSlots)
            {
                StartCompaction();
                await _compacting!;
                if (sequence - _compactedSequence > ShardStore.LogSlots)
                    throw new InvalidOperationException($"Contribution shard {ShardIndex} cannot write: its log is full and folding it into its segments failed (see the warning before).");
            }
            await _store.WriteLogAsync(sequence, batch);
        }
        catch (Exception ex)
        {
            // Put the batch back so that the next flush retries it (under the same sequence); its callers get the error.
            foreach (var c in batch)
            {
                if (!_buffer.TryGetValue(c.CommitmentId, out var newer) || newer.Version < c.Version)
                    _buffer[c.CommitmentId] = c;
            }
            if (_acceptedSince == 0 || (acceptedSince != 0 && acceptedSince < _acceptedSince))
                _acceptedSince = acceptedSince;
            logger.LogError(ex, "Contribution shard {Shard} could not write a batch of {Count}", ShardIndex, batch.Count);
            throw;
        }

        // Durable: from here on, in one turn, the batch becomes what the shard shows.
        _sequence = sequence;
        _durable = Math.Max(_durable, upTo);
        CivicMetrics.ShardFlushed(batch.Count);
        if (_unpublishedSince == 0)
            _unpublishedSince = acceptedSince;
        var applied = new List<Contribution>(batch.Count);
        foreach (var c in batch)
        {
            if (_aggregation.Apply(c))
            {
                _dirtySegments.Add(ShardAggregation.SegmentOf(c.CommitmentId));
                applied.Add(_aggregation.Get(c.CommitmentId)!);
            }
        }
        _pendingDelta.AddRange(applied);
        Remember(sequence, applied);
        _changesSinceCompaction += batch.Count;
        if (CompactionDue())
            StartCompaction();
    }

    /// <summary>
    /// A compaction rewrites the changed segments, so it costs up to the whole slice: it is due once as many changes as
    /// half the slice have accumulated (so each change pays a constant share of it, at any size), or when half the log
    /// ring is used.
    /// </summary>
    private bool CompactionDue() =>
        _changesSinceCompaction >= Math.Max(_options.JournalCompactionThreshold, _aggregation.Count / 2)
        || _sequence - _compactedSequence >= ShardStore.LogSlots / 2;

    private void StartCompaction()
    {
        if (_compacting is null || _compacting.IsCompleted)
            _compacting = Compact();
    }

    /// <summary>
    /// Writes the segments changed since the last compaction, one row each (never the whole slice in one write), then the
    /// meta row with the sequence they cover. Runs beside group commits. A failure loses nothing: the log rows stay, the
    /// segments are marked changed again and the next compaction writes them.
    /// </summary>
    private async Task Compact()
    {
        await Task.Yield();
        var coveredThrough = _sequence;
        var changesCovered = _changesSinceCompaction;
        var segments = _dirtySegments.Order().ToList();
        _dirtySegments.Clear();
        var written = 0;
        try
        {
            foreach (var index in segments)
            {
                // A copy as of now: later group commits change the dictionary while the write is in flight.
                await _store.WriteSegmentAsync(index, [.. _aggregation.Segment(index).Values], _sequence);
                written++;
            }
            await _store.WriteMetaAsync(coveredThrough);
            _compactedSequence = coveredThrough;
            _changesSinceCompaction -= changesCovered;
        }
        catch (Exception ex)
        {
            // The meta row was not written, so even the segments written count as changed until a compaction completes.
            _dirtySegments.UnionWith(segments);
            logger.LogWarning(ex, "Contribution shard {Shard} could not compact its log into its segments; it tries again later", ShardIndex);
        }
    }

    private async Task VerifyStep(CancellationToken cancellationToken)
    {
        // Paced by contributions as well as by time: a step earns the rate's share of its interval, and a segment is
        // recomputed once enough is earned (a large shard's pass takes longer, at the same cost per second).
        var step = _options.AntiEntropyInterval / ShardAggregation.SegmentCount;
        var size = _aggregation.NextVerificationSize;
        _verificationBudget = Math.Min(_verificationBudget + _options.VerificationRate * step.TotalSeconds, Math.Max(size, 1) * 2.0);
        if (_verificationBudget < size)
            return;
        _verificationBudget -= size;
        var repaired = _aggregation.VerifyNextSegment();
        if (repaired.Count > 0)
        {
            CivicMetrics.AggregationRepaired(repaired.Count);
            logger.LogWarning("Contribution shard {Shard}: verification found {Count} scope total(s) different from a recomputation and repaired them: {Scopes}",
                ShardIndex, repaired.Count, string.Join(", ", repaired.Take(10)));
        }
        if (_aggregation.VerifiedPasses > _lastPassPublished)
        {
            // A full pass ended: publish every scope again, so an aggregate that lost a push (its silo crashed) converges.
            _lastPassPublished = _aggregation.VerifiedPasses;
            _aggregation.MarkAllChanged();
        }
        await Task.CompletedTask;
    }

    private long _lastPassPublished;
    private double _verificationBudget;

    // References of the aggregates this shard publishes to: resolving one costs a reflection lookup of the interface,
    // and the same few thousand scopes are published many times a second.
    private readonly Dictionary<string, IEngagementAggregateGrain> _aggregates = new(StringComparer.Ordinal);

    private IEngagementAggregateGrain AggregateOf(string scope)
    {
        if (!_aggregates.TryGetValue(scope, out var aggregate))
            _aggregates[scope] = aggregate = GrainFactory.GetGrain<IEngagementAggregateGrain>(scope);
        return aggregate;
    }

    private async Task Publish(CancellationToken cancellationToken)
    {
        await PublishContributions();
        var scopes = _aggregation.TakeChangedScopes();
        if (scopes.Count == 0)
            return;
        var unpublishedSince = _unpublishedSince;
        _unpublishedSince = 0;
        var version = _publishVersion = Math.Max(_publishVersion + 1, _sequence << 20);
        var calls = scopes.Select(async scope =>
        {
            try
            {
                var totals = _aggregation.Totals(scope);
                await AggregateOf(scope).ReportShard(new ShardReport(ShardIndex, version, totals));
            }
            catch (Exception ex)
            {
                _retryScopes.Add(scope); // retried on the next tick
                logger.LogWarning(ex, "Contribution shard {Shard} could not publish scope {Scope}", ShardIndex, scope);
            }
        });
        await Task.WhenAll(calls);
        if (_retryScopes.Count > 0)
        {
            foreach (var scope in _retryScopes)
                _aggregation.MarkChanged(scope);
            _retryScopes.Clear();
        }
        if (unpublishedSince != 0)
            CivicMetrics.AggregationPublished(unpublishedSince);
    }

    private readonly HashSet<string> _retryScopes = new(StringComparer.Ordinal);

    /// <summary>Hands the contributions made durable since the last tick to this silo's live batcher, one-way: the web hosts' read models follow.</summary>
    private Task PublishContributions()
    {
        if (_sequence <= _publishedSequence)
            return Task.CompletedTask;
        var delta = new ContributionDelta(ShardIndex, _publishedSequence + 1, _sequence, _pendingDelta);
        _pendingDelta = [];
        _publishedSequence = _sequence;
        try
        {
            return GrainFactory.GetGrain<ILiveBatcherGrain>(0).PublishContributions(delta);
        }
        catch (Exception ex)
        {
            // A web host that misses it sees the gap in the sequence numbers and reads this shard again.
            logger.LogWarning(ex, "Contribution shard {Shard} could not hand its contributions to the live batcher", ShardIndex);
            return Task.CompletedTask;
        }
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
        if (c.VerifiedProgress is { } v && !(v >= 0 && v <= 1))
            throw new ArgumentException("Verified progress is normalised to [0, 1].", nameof(c));
        if (!Enum.IsDefined(c.Status) || !Enum.IsDefined(c.Level) || !Enum.IsDefined(c.ParticipantKind))
            throw new ArgumentException("Status, level and participant kind must be known values.", nameof(c));
        if (c.Scopes.Any(s => s is null || string.IsNullOrWhiteSpace(s.Scope) || !double.IsFinite(s.Weight) || s.Weight < 0 || s.Weight > 1_000_000))
            throw new ArgumentException("Each scope needs a name and a finite, non-negative weight.", nameof(c));
        if (c.Scopes.Select(s => s.Scope).Distinct(StringComparer.Ordinal).Count() != c.Scopes.Count)
            throw new ArgumentException("A contribution names each scope once.", nameof(c));
    }
}
