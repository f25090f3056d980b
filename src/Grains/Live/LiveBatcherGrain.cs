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
    private IReadOnlyList<ILiveObserver> _observers = [];
    private DateTimeOffset _observersFetched = DateTimeOffset.MinValue;
    private IGrainTimer? _timer;

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

    private async Task Flush(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
            return;
        var batch = _pending;
        _pending = new(StringComparer.Ordinal);
        var observers = await Observers();
        if (observers.Count == 0)
            return;
        IReadOnlyList<AggregateChange> changes = [.. batch.Values];
        foreach (var observer in observers)
        {
            try
            {
                // One-way: returns at once; a host that has gone is found out by its lease, not by this call.
                await observer.OnChanges(changes);
            }
            catch (Exception ex)
            {
                LogPushFailed(logger, ex);
            }
        }
    }

    private async Task<IReadOnlyList<ILiveObserver>> Observers()
    {
        var now = clock.GetUtcNow();
        // No host known yet (typically the start, before the web hosts subscribed): ask again rather than wait out the cache.
        if (_observers.Count > 0 && now - _observersFetched < options.Value.ObserverCacheDuration)
            return _observers;
        try
        {
            _observers = await GrainFactory.GetGrain<ILiveRegistryGrain>(0).GetObservers();
            _observersFetched = now;
        }
        catch (Exception ex)
        {
            // The registry's silo may be leaving: keep pushing to the hosts known so far and ask again next flush.
            LogRegistryFailed(logger, ex);
        }
        return _observers;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A live push to a web host failed")]
    private static partial void LogPushFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live registry did not answer; pushing to the web hosts known before")]
    private static partial void LogRegistryFailed(ILogger logger, Exception ex);
}
