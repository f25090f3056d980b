using System.Text.Json;
using System.Text.Json.Nodes;
using CivicContracting.Aggregation;
using CivicContracting.Places;
using CivicContracting.Web.Hosting;
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
    }

    public static async Task<IResult> Get(MapRenderer renderer, CancellationToken cancellationToken) =>
        Results.Text(await renderer.RenderAsync(cancellationToken), GeoJsonContentType);
}

/// <summary>Builds the map from the shipped geometry and the neighbourhoods' aggregates, and caches it briefly.</summary>
public sealed class MapRenderer(IClusterClient orleans, IOptions<ApiOptions> options, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, TimeProvider clock) : IDisposable
{
    private static readonly JsonObject Geometry = JsonNode.Parse(PlaceCatalog.Leuven.NeighbourhoodsGeoJson)!.AsObject();

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, string Json)? _cached;

    public async Task<string> RenderAsync(CancellationToken cancellationToken)
    {
        var maxAge = options.Value.MapCacheDuration;
        if (_cached is { } fresh && clock.GetUtcNow() - fresh.At < maxAge)
            return fresh.Json;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } justBuilt && clock.GetUtcNow() - justBuilt.At < maxAge)
                return justBuilt.Json;
            var at = clock.GetUtcNow();
            var rendered = await BuildAsync(at);
            _cached = (at, rendered);
            return rendered;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> BuildAsync(DateTimeOffset at)
    {
        var serializer = json.Value.SerializerOptions;
        var catalog = PlaceCatalog.Leuven;
        var collection = (JsonObject)Geometry.DeepClone();
        var features = collection["features"]!.AsArray();
        var codes = features.Select(f => (string)f!["properties"]!["code"]!).ToList();
        var snapshots = await Task.WhenAll(codes.Select(code =>
            orleans.GetGrain<IEngagementAggregateGrain>(AggregateScope.Place(code)).GetSnapshot()));

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
