using CivicContracting.Web.ReadModel;

namespace CivicContracting.Web.Search;

/// <summary>Search settings (configuration section "Search").</summary>
public sealed class SearchOptions
{
    public const string SectionName = "Search";

    /// <summary>
    /// Where the index lives: empty (the default) for memory; a folder for an index on disk (memory-mapped), which the host
    /// empties and builds anew at every start. See the README's "Search" for the sizes measured.
    /// </summary>
    public string? IndexPath { get; set; }

    /// <summary>Searches per minute per IP address (sustained), and how many at once.</summary>
    public int SearchesPerMinute { get; set; } = 120;

    public int SearchBurst { get; set; } = 60;
}

/// <summary>
/// This web host's search: the <see cref="SearchIndex"/> the <see cref="SearchFeeder"/> keeps current, and the answer to a
/// query. Names are checked as the hits are shown: a participant's public name or a commitment's owner that is no longer
/// what the index holds (renamed, or the account deleted and anonymised — which pushes nothing) is left out of the answer
/// and indexed again (<see cref="StaleParticipant"/>). That costs one profile look-up per hit of the page (held ten seconds),
/// never a scan.
/// </summary>
public sealed class SiteSearch(SearchIndex index, CommitmentViews views)
{
    private volatile bool _complete;

    public SearchIndex Index { get; } = index;

    /// <summary>True once the index holds everything this host's read model held when it was built (until then answers are partial).</summary>
    public bool IsComplete => _complete;

    internal void MarkComplete() => _complete = true;

    /// <summary>A hit showed a participant's name that is no longer theirs: the feeder indexes them again.</summary>
    public event Action<string>? StaleParticipant;

    public async Task<SearchResults> SearchAsync(SearchRequest request)
    {
        var results = Index.Search(request);
        var owners = results.Hits.Select(h => h.OwnerId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (owners.Count == 0)
            return results;
        var profiles = await views.ProfilesAsync(owners);
        var stale = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<SearchHit>(results.Hits.Count);
        foreach (var hit in results.Hits)
        {
            if (hit.OwnerId is { } owner && (!profiles.TryGetValue(owner, out var profile) || profile.DisplayName != hit.OwnerName))
            {
                stale.Add(owner);
                continue;
            }
            kept.Add(hit);
        }
        foreach (var owner in stale)
            StaleParticipant?.Invoke(owner);
        return stale.Count == 0 ? results : results with { Total = Math.Max(0, results.Total - (results.Hits.Count - kept.Count)), Hits = kept };
    }
}
