using CivicContracting.Aggregation;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Microsoft.Extensions.Options;

namespace CivicContracting.Live;

/// <summary>
/// One per silo (GPSTracker's push batcher): collects the aggregates' changes, newest version per scope, and every
/// <see cref="LiveOptions.FlushInterval"/> sends one batch to each web host's observer. The observer list comes from
/// the registry and is reused for <see cref="LiveOptions.ObserverCacheDuration"/>. Nothing here is durable: a lost
/// batch is repaired by the next change of the scope, and the aggregates stay the source of truth.
/// </summary>
[StatelessWorker(1)]
public sealed partial class LiveBatcherGrain(IOptions<LiveOptions> options, TimeProvider clock, ILogger<LiveBatcherGrain> logger) : Grain, ILiveBatcherGrain
{
    private Dictionary<string, AggregateChange> _pending = new(StringComparer.Ordinal);
    private List<ContributionDelta> _pendingContributions = [];
    private IReadOnlyList<ILiveObserver> _observers = [];
    private DateTimeOffset _observersFetched = DateTimeOffset.MinValue;
    private int _registryFailures;
    private IGrainTimer? _timer;

    /// <summary>The registry answers from memory; waiting longer would only stall this silo's pushes.</summary>
    private static readonly TimeSpan RegistryTimeout = TimeSpan.FromSeconds(2);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.FlushInterval;
        _timer = this.RegisterGrainTimer(Flush, new GrainTimerCreationOptions(interval, interval));
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public Task Publish(AggregateChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!_pending.TryGetValue(change.Scope, out var known) || known.Version < change.Version)
            _pending[change.Scope] = change;
        return Task.CompletedTask;
    }

    public Task PublishContributions(ContributionDelta delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        // A shard's deltas arrive in order; contiguous ones merge into one (the newest version per commitment wins when
        // the host applies them, so overlap is harmless). A gap stays visible to the host, which then reads the shard.
        for (var i = _pendingContributions.Count - 1; i >= 0; i--)
        {
            var held = _pendingContributions[i];
            if (held.ShardIndex != delta.ShardIndex)
                continue;
            if (delta.FromSequence <= held.ToSequence + 1 && delta.ToSequence >= held.ToSequence)
            {
                _pendingContributions[i] = held with { ToSequence = delta.ToSequence, Contributions = [.. held.Contributions, .. delta.Contributions] };
                return Task.CompletedTask;
            }
            break;
        }
        _pendingContributions.Add(delta);
        return Task.CompletedTask;
    }

    private async Task Flush(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0 && _pendingContributions.Count == 0)
            return;
        var batch = _pending;
        _pending = new(StringComparer.Ordinal);
        var deltas = _pendingContributions;
        _pendingContributions = [];
        var (observers, answered) = await Observers();
        if (observers.Count == 0)
        {
            // Nobody to push to. When the registry said so, the changes have no reader; when it could not be asked
            // (its silo is leaving), keep them for the next flush — at most one per scope, the newest. Contribution
            // deltas are not kept: a host that misses some sees the gap in their numbers and reads the shard again.
            if (!answered)
                KeepForNextFlush(batch);
            return;
        }
        IReadOnlyList<AggregateChange> changes = [.. batch.Values];
        foreach (var observer in observers)
        {
            try
            {
                // One-way: returns at once; a host that has gone is found out by its lease, not by this call.
                if (deltas.Count > 0)
                    await observer.OnContributions(deltas);
                if (changes.Count > 0)
                    await observer.OnChanges(changes);
            }
            catch (Exception ex)
            {
                LogPushFailed(logger, ex);
            }
        }
    }

    private async Task<(IReadOnlyList<ILiveObserver> Observers, bool Answered)> Observers()
    {
        var now = clock.GetUtcNow();
        // No host known yet (the start, or the registry was re-activated empty and the hosts have not renewed yet): ask
        // again rather than wait out the cache.
        if (_observers.Count > 0 && now - _observersFetched < options.Value.ObserverCacheDuration)
            return (_observers, true);
        try
        {
            // Bounded: a call to a registry whose silo was just killed may hang until the silo is declared dead, and this
            // (non-reentrant) batcher must keep pushing the silo's changes to the hosts it knows meanwhile.
            _observers = await GrainFactory.GetGrain<ILiveRegistryGrain>(0).GetObservers().WaitAsync(RegistryTimeout);
            _observersFetched = now;
            if (_registryFailures > 0)
                LogRegistryBack(logger, _registryFailures, _observers.Count);
            _registryFailures = 0;
            return (_observers, true);
        }
        catch (Exception ex)
        {
            // The registry's silo may be leaving: keep pushing to the hosts known so far and ask again next flush.
            // Logged once per streak of failures, not on every flush.
            if (_registryFailures++ == 0)
                LogRegistryFailed(logger, ex, _observers.Count);
            return (_observers, false);
        }
    }

    private void KeepForNextFlush(Dictionary<string, AggregateChange> batch)
    {
        foreach (var (scope, change) in batch)
        {
            if (!_pending.TryGetValue(scope, out var newer) || newer.Version < change.Version)
                _pending[scope] = change;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A live push to a web host failed")]
    private static partial void LogPushFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live registry did not answer; pushing to the {Hosts} web host(s) known before and asking again on every flush")]
    private static partial void LogRegistryFailed(ILogger logger, Exception ex, int hosts);

    [LoggerMessage(Level = LogLevel.Information, Message = "The live registry answers again after {Failures} failed call(s); {Hosts} web host(s) subscribed")]
    private static partial void LogRegistryBack(ILogger logger, int failures, int hosts);
}
