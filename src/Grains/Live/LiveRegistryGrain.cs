using Microsoft.Extensions.Options;

namespace CivicContracting.Live;

/// <summary>
/// The web hosts subscribed to live changes, in memory only (see <see cref="ILiveRegistryGrain"/>). Entries expire
/// unless renewed, so a host that died without unsubscribing drops out after its lease.
/// </summary>
public sealed class LiveRegistryGrain(IOptions<LiveOptions> options, TimeProvider clock) : Grain, ILiveRegistryGrain
{
    private readonly Dictionary<string, (ILiveObserver Observer, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);

    public Task<DateTimeOffset> Subscribe(string hostId, ILiveObserver observer, TimeSpan lease)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostId);
        ArgumentNullException.ThrowIfNull(observer);
        if (lease <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(lease), "A lease must be positive.");
        var expires = clock.GetUtcNow() + (lease < options.Value.MaxLease ? lease : options.Value.MaxLease);
        _entries[hostId] = (observer, expires);
        return Task.FromResult(expires);
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
