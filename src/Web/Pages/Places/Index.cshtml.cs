using CivicContracting.Aggregation;
using CivicContracting.Places;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Places;

/// <summary>The districts with their neighbourhoods and live figures.</summary>
public sealed class IndexModel(SiteData data) : PageModel
{
    public IReadOnlyList<Place> Districts { get; } = [.. PlaceCatalog.Leuven.Districts];

    public IEnumerable<Place> NeighbourhoodsOf(Place district) =>
        PlaceCatalog.Leuven.Neighbourhoods.Where(n => n.ParentCode == district.Code).OrderBy(n => n.Name, StringComparer.CurrentCulture);

    public EngagementSnapshot Aggregate(Place place) => data.Aggregate(AggregateScope.Place(place.Code));

    public Task OnGetAsync() => data.WhenLoaded(HttpContext.RequestAborted);
}
