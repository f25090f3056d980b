using CivicContracting.Aggregation;
using CivicContracting.Goals;
using CivicContracting.Places;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Places;

/// <summary>A neighbourhood, district or the city: engagement, diversity, intensity, first engagement, commitments.</summary>
public sealed class PlaceModel(SiteData data, CommitmentViews views, ReplayCache replays) : PageModel
{
    public Place Place { get; private set; } = null!;

    public Place? Parent { get; private set; }

    public IReadOnlyList<Place> Children { get; private set; } = [];

    public EngagementSnapshot Snapshot { get; private set; } = null!;

    /// <summary>Engaged commitments in the place over time, from when each was signed.</summary>
    public IReadOnlyList<(DateTimeOffset At, int Commitments)> Engagement { get; private set; } = [];

    public CommitmentList Commitments { get; private set; } = null!;

    [BindProperty(SupportsGet = true, Name = "page")]
    public int? PageNumber { get; set; }

    public EngagementSnapshot Aggregate(Place place) => data.Aggregate(AggregateScope.Place(place.Code));

    public async Task<IActionResult> OnGetAsync(string code)
    {
        await data.WhenLoaded(HttpContext.RequestAborted);
        if (!PlaceCatalog.Leuven.TryGet(code, out var place))
            return NotFound();
        Place = place;
        Parent = place.ParentCode is { } parent ? PlaceCatalog.Leuven.Get(parent) : null;
        Children = [.. PlaceCatalog.Leuven.All.Where(p => p.ParentCode == place.Code).OrderBy(p => p.Name, StringComparer.CurrentCulture)];
        var scope = AggregateScope.Place(place.Code);
        Snapshot = data.Aggregate(scope);
        // The figures above are in once the aggregates are; what follows lists commitments (a few seconds after a start).
        await data.WhenListsLoaded(HttpContext.RequestAborted);
        var neighbourhoods = PlaceCatalog.Leuven.Neighbourhoods.Where(n => n.SelfAndAncestors.Contains(place.Code)).Select(n => n.Code);
        Engagement = replays.Get(null, null).Total(neighbourhoods);
        var index = data.Contributions;
        var (items, page, totalPages, total) = CommitmentRows.Page((skip, take) => index.Page(scope, publicOnly: true, skip, take), PageNumber);
        Commitments = new CommitmentList("place-commitments", "", await CommitmentRows.BuildAsync(views, items), page, totalPages, total,
            p => $"/places/{place.Code}?page={p}#place-commitments-section");
        return Page();
    }
}
