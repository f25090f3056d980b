using CivicContracting.Aggregation;
using CivicContracting.Goals;
using CivicContracting.Places;
using CivicContracting.Validation;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Json;
using CivicContracting.Web.Paging;
using CivicContracting.Web.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicContracting.Web.Places;

public sealed record PlaceSummary(
    string Code,
    string Name,
    PlaceLevel Level,
    string? ParentCode,
    double[] LabelPoint,
    EngagementSnapshot Engagement);

public sealed record PlaceReference(string Code, string Name, PlaceLevel Level);

public sealed record PlaceDetails(
    string Code,
    string Name,
    PlaceLevel Level,
    string? ParentCode,
    double[] LabelPoint,
    IReadOnlyList<PlaceReference> Ancestors,
    IReadOnlyList<PlaceReference> Children,
    EngagementSnapshot Engagement);

/// <summary>Places of Leuven (the city, its 5 districts and 24 neighbourhoods), each with its live engagement.</summary>
public static class PlaceEndpoints
{
    public static void MapPlaces(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/places").WithTags("Places");

        group.MapGet("/", List)
            .WithName("ListPlaces")
            .WithSummary("Lists the city, its districts and neighbourhoods with their live engagement. Filter with ?level=neighbourhood and ?parent={code}.")
            .ProducesValidationProblem();

        group.MapGet("/{code}", Get)
            .WithName("GetPlace")
            .WithSummary("A place with its live engagement: commitments by level and status, participants by kind, diversity, intensity, progress.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{code}/commitments", ListCommitments)
            .WithName("ListPlaceCommitments")
            .WithSummary("The commitments that count in a place (a district or the city includes its neighbourhoods), most recently changed first.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{code}/history", History)
            .WithName("GetPlaceHistory")
            .WithSummary("The place's engagement over time, in buckets: the oil stain, replayable.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Ok<Paged<PlaceSummary>>> List(IClusterClient orleans, string? level, string? parent, int? page, int? pageSize)
    {
        var paging = PageRequest.From(page, pageSize);
        var levelFilter = ParseLevel(level);
        var places = PlaceCatalog.Leuven.All
            .Where(p => levelFilter is null || p.Level == levelFilter)
            .Where(p => parent is null || string.Equals(p.ParentCode, parent, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var pageOfPlaces = paging.Apply(places);
        var snapshots = await Task.WhenAll(pageOfPlaces.Items.Select(p => Aggregate(orleans, p.Code).GetSnapshot()));
        return TypedResults.Ok(pageOfPlaces.With<PlaceSummary>([.. pageOfPlaces.Items.Zip(snapshots,
            (p, s) => new PlaceSummary(p.Code, p.Name, p.Level, p.ParentCode, [p.LabelLongitude, p.LabelLatitude], s))]));
    }

    public static async Task<Ok<PlaceDetails>> Get(string code, IClusterClient orleans)
    {
        var place = RequirePlace(code);
        var catalog = PlaceCatalog.Leuven;
        var ancestors = place.SelfAndAncestors.Skip(1).Select(c => Reference(catalog.Get(c))).ToList();
        var children = catalog.All.Where(p => p.ParentCode == place.Code).Select(Reference).ToList();
        var snapshot = await Aggregate(orleans, place.Code).GetSnapshot();
        return TypedResults.Ok(new PlaceDetails(place.Code, place.Name, place.Level, place.ParentCode,
            [place.LabelLongitude, place.LabelLatitude], ancestors, children, snapshot));
    }

    public static async Task<Ok<Paged<CommitmentSummary>>> ListCommitments(string code, ScopeCommitments commitments, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var paging = PageRequest.From(page, pageSize);
        var place = RequirePlace(code);
        return TypedResults.Ok(await commitments.PageAsync(AggregateScope.Place(place.Code), paging, cancellationToken));
    }

    public static async Task<Ok<IReadOnlyList<EngagementBucket>>> History(string code, IClusterClient orleans) =>
        TypedResults.Ok(await Aggregate(orleans, RequirePlace(code).Code).GetHistory());

    private static PlaceLevel? ParseLevel(string? level)
    {
        if (level is null)
            return null;
        return EnumNames.Parse<PlaceLevel>(level)
            ?? throw ApiProblems.Invalid("level", RuleText.NotOneOf(level, string.Join(", ", EnumNames.Of<PlaceLevel>())));
    }

    private static Place RequirePlace(string code) =>
        PlaceCatalog.Leuven.TryGet(code, out var place) ? place : throw ApiProblems.NotFound("place", code);

    private static PlaceReference Reference(Place place) => new(place.Code, place.Name, place.Level);

    private static IEngagementAggregateGrain Aggregate(IClusterClient orleans, string code) =>
        orleans.GetGrain<IEngagementAggregateGrain>(AggregateScope.Place(code));
}
