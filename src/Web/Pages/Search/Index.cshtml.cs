using CivicContracting.Goals;
using CivicContracting.Web.Content;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Search;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace CivicContracting.Web.Pages.Search;

/// <summary>
/// The search page: the form (words and the site's filters) and a page of hits with highlighted titles and snippets, read
/// from this host's index exactly as <c>GET /api/search</c> (same rules, same budget per address).
/// </summary>
[EnableRateLimiting(SearchEndpoints.RatePolicy)]
public sealed class IndexModel(SiteSearch search, SiteData data) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Neighbourhood { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Level { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Goal { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int? PageNumber { get; set; }

    /// <summary>The hits, or null when nothing was asked (or the request was refused: <see cref="Errors"/>).</summary>
    public SearchResults? Results { get; private set; }

    public int CurrentPage { get; private set; } = 1;

    public int TotalPages => Results is null ? 0 : Math.Min(SearchIndex.MaxPage, Math.Max(1, (Results.Total + SearchEndpoints.PageSize - 1) / SearchEndpoints.PageSize));

    public IReadOnlyList<string> Errors { get; private set; } = [];

    /// <summary>False while the index is still being built after the host started: the hits may be incomplete.</summary>
    public bool Complete => search.IsComplete;

    public IEnumerable<GoalInfo> Goals => data.Goals;

    public async Task OnGetAsync()
    {
        if (string.IsNullOrWhiteSpace(Query) && PageNumber is null)
            return;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var request = SearchEndpoints.Parse(Query, Type, Neighbourhood, Kind, Level, Status, Goal, PageNumber, ContentText.Reading, errors);
        if (request is null)
        {
            Errors = [.. errors.SelectMany(e => e.Value)];
            return;
        }
        CurrentPage = request.Page;
        Results = await search.SearchAsync(request);
    }

    /// <summary>This search's URL on <paramref name="page"/>.</summary>
    public string PageUrl(int page)
    {
        var query = new Dictionary<string, string?>
        {
            ["q"] = Query, ["type"] = Type, ["neighbourhood"] = Neighbourhood, ["kind"] = Kind, ["level"] = Level, ["status"] = Status, ["goal"] = Goal,
            ["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/search", query.Where(p => !string.IsNullOrEmpty(p.Value)));
    }
}
