using Microsoft.Extensions.Options;

namespace CivicContracting.Live;

/// <summary>
/// The web hosts subscribed to live changes, in memory only (see <see cref="ILiveRegistryGrain"/>). Entries expire
/// unless renewed, so a host that died without unsubscribing drops out after its lease.
/// </summary>
public sealed class LiveRegistryGrain(IOptions<LiveOptions> options, TimeProvider clock) : Grain, ILiveRegistryGrain
{
    private readonly Dictionary<string, (ILiveObserver Observer, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);

    public Task<LiveLease> Subscribe(string hostId, ILiveObserver observer, TimeSpan lease)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostId);
        ArgumentNullException.ThrowIfNull(observer);
        if (lease <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(lease), "A lease must be positive.");
        var now = clock.GetUtcNow();
        var renewed = _entries.TryGetValue(hostId, out var known) && known.Expires > now;
        var expires = now + (lease < options.Value.MaxLease ? lease : options.Value.MaxLease);
        _entries[hostId] = (observer, expires);
        // A batcher may reuse the observer list it fetched just before this call for one cache period, then flushes.
        var pushDelay = options.Value.ObserverCacheDuration + options.Value.FlushInterval;
        return Task.FromResult(new LiveLease(expires, renewed, RuntimeIdentity, pushDelay));
    }

    public Task Unsubscribe(string hostId)
    {
        _entries.Remove(hostId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ILiveObserver>> GetObservers()
    {
        var now = clock.GetUtcNow();
        foreach (var expired in _entries.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList())
            _entries.Remove(expired);
        return Task.FromResult<IReadOnlyList<ILiveObserver>>([.. _entries.Values.Select(e => e.Observer)]);
    }
}
