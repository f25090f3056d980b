using CivicContracting.Commitments;
using CivicContracting.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CivicContracting.Aggregation;

/// <summary>
/// The intermediate stage of the aggregation (style.md, "Reduce"): holds the newest contribution of each commitment
/// of one slice of participants and persists them in group commits. Reentrant so that reports arriving while a
/// write is in flight join the next write instead of queueing behind it; the grain is still single-threaded,
/// and a write works on a dictionary that no report touches meanwhile (new reports wait in <see cref="_buffer"/>).
/// </summary>
[Reentrant]
public sealed class ContributionShardGrain(
    [PersistentState("contributionShard", GrainStorage.Name)] IPersistentState<ContributionShardState> state,
    IOptions<AggregationOptions> options,
    TimeProvider clock,
    ILogger<ContributionShardGrain> logger) : Grain, IContributionShardGrain
{
    private readonly AggregationOptions _options = options.Value;
    private readonly Dictionary<string, Contribution> _buffer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byScope = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unpublished = new(StringComparer.Ordinal);
    private long _changes;
    private long _durable;
    private Task? _flushing;
    private DateTimeOffset _lastFlush = DateTimeOffset.MinValue;
    private int ShardIndex => (int)this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (ShardIndex is < 0 or >= AggregateScope.ShardCount)
            throw new InvalidOperationException($"Contribution shard {ShardIndex} is outside 0..{AggregateScope.ShardCount - 1}.");
        foreach (var c in state.State.Contributions.Values)
            Index(c);
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
        var known = _buffer.GetValueOrDefault(contribution.CommitmentId) ?? state.State.Contributions.GetValueOrDefault(contribution.CommitmentId);
        if (known is null || known.Version < contribution.Version)
        {
            _buffer[contribution.CommitmentId] = contribution;
            _changes++;
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
        return ids.Select(id => state.State.Contributions[id]);
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
        var wait = _lastFlush + _options.ShardFlushInterval - clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, clock);
        else
            await Task.Yield(); // let reports already queued join this write

        var upTo = _changes;
        var batch = _buffer.Values.ToList();
        _buffer.Clear();
        var previous = new List<(string Id, Contribution? Old)>(batch.Count);
        foreach (var c in batch)
        {
            previous.Add((c.CommitmentId, state.State.Contributions.GetValueOrDefault(c.CommitmentId)));
            state.State.Contributions[c.CommitmentId] = c;
        }
        state.State.Sequence++;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // Put the batch back so that the next flush retries it; the callers of this batch get the error.
            foreach (var (id, old) in previous)
            {
                var attempted = state.State.Contributions[id];
                if (old is null)
                    state.State.Contributions.Remove(id);
                else
                    state.State.Contributions[id] = old;
                if (!_buffer.TryGetValue(id, out var newer) || newer.Version < attempted.Version)
                    _buffer[id] = attempted;
            }
            state.State.Sequence--;
            logger.LogError(ex, "Contribution shard {Shard} could not write a batch of {Count}", ShardIndex, batch.Count);
            throw;
        }
        _lastFlush = clock.GetUtcNow();
        _durable = Math.Max(_durable, upTo);
        foreach (var (id, old) in previous)
        {
            if (old is not null)
                Unindex(old);
            Index(state.State.Contributions[id]);
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
        var version = state.State.Sequence;
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
