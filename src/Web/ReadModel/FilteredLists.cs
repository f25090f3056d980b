using System.Collections.Concurrent;
using CivicContracting.Commitments;
using CivicContracting.Web.Site;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.ReadModel;

/// <summary>
/// A scope's public commitments through a filter that has no order of its own in the index (a goal page's level, kind,
/// status and neighbourhood filters): one scan of the scope, O(scope), then shared by every page of it and every visitor
/// while the scope does not change, and for <see cref="SiteOptions.ListRefreshInterval"/> while it does. At most
/// <see cref="MaxHeldItems"/> references are held in all (8 MB); beyond, everything held is dropped and computed again
/// when asked.
/// </summary>
public sealed class FilteredLists(SiteData data, IOptions<SiteOptions> options, TimeProvider clock)
{
    private const int MaxHeldItems = 1_000_000;

    private sealed record Held(long ScopeVersion, DateTimeOffset At, Lazy<IReadOnlyList<Contribution>> Items);

    private readonly ConcurrentDictionary<(string Scope, string Filter, bool PublicOnly), Held> _held = new();
    private long _heldItems;

    /// <summary>
    /// The public commitments of <paramref name="scope"/> (with drafts too when not <paramref name="publicOnly"/>, as the API
    /// lists them) that <paramref name="filter"/> (named <paramref name="filterKey"/>) admits, newest change first.
    /// </summary>
    public IReadOnlyList<Contribution> Get(string scope, string filterKey, Func<Contribution, bool> filter, bool publicOnly = true)
    {
        var index = data.Contributions;
        var version = index.ScopeVersion(scope);
        var now = clock.GetUtcNow();
        var key = (scope, filterKey, publicOnly);
        if (_held.TryGetValue(key, out var held) && (held.ScopeVersion == version || now - held.At < options.Value.ListRefreshInterval))
            return held.Items.Value;
        var fresh = new Held(version, now, new Lazy<IReadOnlyList<Contribution>>(
            () => index.PageWhere(scope, publicOnly, filter, 0, int.MaxValue).Items, LazyThreadSafetyMode.ExecutionAndPublication));
        if (held is null ? !_held.TryAdd(key, fresh) : !_held.TryUpdate(key, fresh, held))
            return _held.TryGetValue(key, out var other) ? other.Items.Value : fresh.Items.Value; // another request just started one
        var items = fresh.Items.Value;
        if (Interlocked.Add(ref _heldItems, items.Count - (held?.Items.Value.Count ?? 0)) > MaxHeldItems)
        {
            _held.Clear();
            Interlocked.Exchange(ref _heldItems, 0);
        }
        return items;
    }
}
