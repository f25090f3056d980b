using System.Text.Json;
using System.Text.Json.Nodes;
using CivicContracting.Aggregation;
using CivicContracting.Places;
using CivicContracting.Web.Api;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Map;

/// <summary>
/// GET /api/map: the 24 neighbourhoods as a GeoJSON FeatureCollection whose properties carry their live
/// engagement, for the public map of the oil stain. One rendering is shared by all callers for
/// Api:MapCacheDuration, so viewers do not each cause grain work.
/// </summary>
public static class MapEndpoints
{
    public const string GeoJsonContentType = "application/geo+json";

    /// <summary>The credit lines the reference geography requires (ReferenceData/leuven/ATTRIBUTION.md).</summary>
    public static IReadOnlyList<string> Attribution { get; } =
    [
        "Wijken voor omgevingsanalyse. © gemeentebesturen, verzameld door Data & Analyse van de Vlaamse provincies (https://github.com/provinciesincijfers/gebiedsniveaus/blob/master/gemeente_statsec_wijken/readme.md)",
        "Bron: Statbel (Algemene Directie Statistiek), statistische sectoren 2025",
    ];

    public static void MapMap(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/map", Get)
            .WithTags("Map")
            .WithName("GetMap")
            .WithSummary("GeoJSON FeatureCollection of the 24 neighbourhoods with their live engagement (the oil stain), with the required attribution.")
            .Produces<JsonObject>(StatusCodes.Status200OK, GeoJsonContentType);

        app.MapGet("/api/map/districts", GetDistricts)
            .WithTags("Map")
            .WithName("GetMapDistricts")
            .WithSummary("GeoJSON FeatureCollection of Leuven's 5 districts (deelgemeenten), for the map's districts layer.")
            .Produces<JsonObject>(StatusCodes.Status200OK, GeoJsonContentType);

        app.MapGet("/api/map/replay", GetReplay)
            .WithTags("Map")
            .WithName("GetMapReplay")
            .WithSummary("The spread of engagement per neighbourhood over time (up to 60 steps from the first confirmation to now), optionally for one goal (with its objectives) and one participant kind.")
            .ProducesValidationProblem();
    }

    public static IResult GetDistricts() => Results.Text(DistrictsGeoJson.Value, GeoJsonContentType);

    public static async Task<Ok<EngagementReplay>> GetReplay(SiteData data, CommitmentViews views, ReplayCache replays, string? goal, string? kind, CancellationToken cancellationToken)
    {
        // The replay counts commitments: it waits for them after a start (the map itself needs only the aggregates).
        await data.WhenListsLoaded(cancellationToken);
        var filter = await MapFilter.ParseAsync(views, goal, kind);
        return TypedResults.Ok(replays.Get(filter.Goal, filter.Kind));
    }

    private static readonly Lazy<string> DistrictsGeoJson = new(() =>
    {
        var collection = JsonNode.Parse(PlaceCatalog.Leuven.DistrictsGeoJson)!.AsObject();
        collection.Remove("metadata");
        collection["attribution"] = new JsonArray([.. Attribution.Select(line => (JsonNode?)JsonValue.Create(line))]);
        return collection.ToJsonString();
    });

    public static async Task<IResult> Get(MapRenderer renderer, CancellationToken cancellationToken) =>
        Results.Text(await renderer.RenderAsync(cancellationToken), GeoJsonContentType);
}

/// <summary>Builds the map from the shipped geometry and the neighbourhoods' aggregates, and caches it briefly.</summary>
public sealed class MapRenderer(SiteData data, IOptions<ApiOptions> options, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, TimeProvider clock) : IDisposable
{
    private static readonly JsonObject Geometry = JsonNode.Parse(PlaceCatalog.Leuven.NeighbourhoodsGeoJson)!.AsObject();

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, long Changes, string Json)? _cached;

    public async Task<string> RenderAsync(CancellationToken cancellationToken)
    {
        if (IsFresh(_cached) is { } fresh)
            return fresh;
        await data.WhenLoaded(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (IsFresh(_cached) is { } justBuilt)
                return justBuilt;
            var at = clock.GetUtcNow();
            var changes = data.ChangeCount;
            var rendered = Build(at);
            _cached = (at, changes, rendered);
            return rendered;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A rendering is reused while nothing changed, and at most for Api:MapCacheDuration while changes stream in.</summary>
    private string? IsFresh((DateTimeOffset At, long Changes, string Json)? cached) =>
        cached is { } c && (c.Changes == data.ChangeCount || clock.GetUtcNow() - c.At < options.Value.MapCacheDuration) ? c.Json : null;

    private string Build(DateTimeOffset at)
    {
        var serializer = json.Value.SerializerOptions;
        var catalog = PlaceCatalog.Leuven;
        var collection = (JsonObject)Geometry.DeepClone();
        var features = collection["features"]!.AsArray();
        var codes = features.Select(f => (string)f!["properties"]!["code"]!).ToList();
        var snapshots = codes.Select(code => data.Aggregate(AggregateScope.Place(code))).ToList();

        for (var i = 0; i < features.Count; i++)
        {
            var place = catalog.Get(codes[i]);
            var district = place.ParentCode is { } parent ? catalog.Get(parent) : null;
            var s = snapshots[i];
            var properties = new JsonObject
            {
                ["code"] = place.Code,
                ["name"] = place.Name,
                ["district"] = district?.Code,
                ["districtName"] = district?.Name,
                ["labelPoint"] = new JsonArray(place.LabelLongitude, place.LabelLatitude),
                ["engagedCommitments"] = s.Totals.EngagedCommitments,
                ["participants"] = s.Totals.Participants,
                ["participantsByKind"] = JsonSerializer.SerializeToNode(s.Totals.ParticipantsByKind, serializer),
                ["distinctKinds"] = s.DistinctKinds,
                ["shannonIndex"] = Finite(s.ShannonIndex),
                ["meanProgress"] = Finite(s.MeanProgress),
                ["progress"] = Finite(s.Progress),
                ["verifiedProgress"] = Finite(s.VerifiedProgress),
                ["verifiedShare"] = Finite(s.VerifiedShare),
                ["firstEngagementAt"] = s.Totals.FirstEngagementAt,
                ["byLevel"] = JsonSerializer.SerializeToNode(s.Totals.EngagedByLevel, serializer),
                ["updatedAt"] = s.UpdatedAt,
            };
            if (s.CommitmentsPer1000Residents is { } perThousand)
                properties["commitmentsPer1000Residents"] = Finite(perThousand);
            if (s.ParticipantsPer1000Residents is { } participantsPerThousand)
                properties["participantsPer1000Residents"] = Finite(participantsPerThousand);
            features[i]!["properties"] = properties;
        }

        collection.Remove("metadata");
        collection["attribution"] = new JsonArray([.. MapEndpoints.Attribution.Select(line => (JsonNode?)JsonValue.Create(line))]);
        collection["generatedAt"] = at;
        return collection.ToJsonString(serializer);
    }

    public void Dispose() => _gate.Dispose();

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
