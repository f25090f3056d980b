using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Nodes;
using CivicContracting.Goals;

namespace CivicContracting.Places;

/// <summary>A neighbourhood (wijk), district (deelgemeente) or the city, from the shipped reference geography.</summary>
public sealed record Place(
    string Code,
    string Name,
    PlaceLevel Level,
    string? ParentCode,
    double LabelLongitude,
    double LabelLatitude)
{
    /// <summary>The codes of the places this one counts towards: itself, its district (for a neighbourhood) and the city.</summary>
    public IReadOnlyList<string> SelfAndAncestors { get; init; } = [];
}

/// <summary>
/// The places of Leuven, read once from the GeoJSON embedded in this assembly (a copy of shared/data/leuven,
/// see ReferenceData/leuven/ATTRIBUTION.md). Reference data, not grain state: every host has the same copy.
/// </summary>
public sealed class PlaceCatalog
{
    public const string CityCode = "24062";

    private static readonly Lazy<PlaceCatalog> LeuvenInstance = new(() => Load(typeof(PlaceCatalog).Assembly));

    private readonly FrozenDictionary<string, Place> _byCode;

    private PlaceCatalog(IReadOnlyList<Place> places, string neighbourhoodsGeoJson, string districtsGeoJson, string cityGeoJson)
    {
        _byCode = places.ToFrozenDictionary(p => p.Code, StringComparer.OrdinalIgnoreCase);
        All = places;
        NeighbourhoodsGeoJson = neighbourhoodsGeoJson;
        DistrictsGeoJson = districtsGeoJson;
        CityGeoJson = cityGeoJson;
    }

    public static PlaceCatalog Leuven => LeuvenInstance.Value;

    /// <summary>City first, then districts, then neighbourhoods, each ordered by code.</summary>
    public IReadOnlyList<Place> All { get; }

    public IEnumerable<Place> Neighbourhoods => All.Where(p => p.Level == PlaceLevel.Neighbourhood);

    public IEnumerable<Place> Districts => All.Where(p => p.Level == PlaceLevel.District);

    public Place City => All[0];

    public string NeighbourhoodsGeoJson { get; }

    public string DistrictsGeoJson { get; }

    public string CityGeoJson { get; }

    public bool TryGet(string? code, out Place place)
    {
        if (code is not null && _byCode.TryGetValue(code, out var found))
        {
            place = found;
            return true;
        }
        place = null!;
        return false;
    }

    public Place Get(string code) => TryGet(code, out var place)
        ? place
        : throw new KeyNotFoundException($"'{code}' is not a known place code.");

    public bool IsNeighbourhood(string? code) => TryGet(code, out var place) && place.Level == PlaceLevel.Neighbourhood;

    private static PlaceCatalog Load(Assembly assembly)
    {
        var neighbourhoods = ReadResource(assembly, "leuven/leuven_wijken.geojson");
        var districts = ReadResource(assembly, "leuven/leuven_deelgemeenten.geojson");
        var city = ReadResource(assembly, "leuven/leuven_gemeente.geojson");

        var places = new List<Place>();
        foreach (var props in FeatureProperties(city))
            places.Add(ToPlace(props, PlaceLevel.City, parent: null));
        foreach (var props in FeatureProperties(districts).OrderBy(p => (string?)p["code"], StringComparer.Ordinal))
            places.Add(ToPlace(props, PlaceLevel.District, parent: CityCode));
        foreach (var props in FeatureProperties(neighbourhoods).OrderBy(p => (string?)p["code"], StringComparer.Ordinal))
            places.Add(ToPlace(props, PlaceLevel.Neighbourhood, parent: (string?)props["deelgemeente_code"]));

        if (places.Count(p => p.Level == PlaceLevel.City) != 1)
            throw new InvalidDataException("The reference data must hold exactly one city outline.");

        var byCode = places.ToDictionary(p => p.Code, StringComparer.Ordinal);
        var withAncestors = places.Select(p =>
        {
            var chain = new List<string>();
            for (Place? at = p; at is not null; at = at.ParentCode is null ? null : byCode.GetValueOrDefault(at.ParentCode))
                chain.Add(at.Code);
            return p with { SelfAndAncestors = chain };
        }).ToList();

        var cityLabel = withAncestors.Where(p => p.Level == PlaceLevel.District).ToList();
        withAncestors[0] = withAncestors[0] with
        {
            LabelLongitude = cityLabel.Average(p => p.LabelLongitude),
            LabelLatitude = cityLabel.Average(p => p.LabelLatitude),
        };
        return new PlaceCatalog(withAncestors, neighbourhoods, districts, city);
    }

    private static Place ToPlace(JsonObject props, PlaceLevel level, string? parent)
    {
        var code = (string?)props["code"] ?? throw new InvalidDataException("A feature has no 'code'.");
        var name = (string?)props["name"] ?? code;
        var label = props["label_point"]?.AsArray().Select(n => (double)n!).ToArray() ?? [0, 0];
        return new Place(code, name, level, parent, label[0], label[1]);
    }

    private static IEnumerable<JsonObject> FeatureProperties(string geoJson)
    {
        var root = JsonNode.Parse(geoJson) ?? throw new InvalidDataException("Empty GeoJSON.");
        foreach (var feature in root["features"]!.AsArray())
            yield return feature!["properties"]!.AsObject();
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded reference data '{name}' is missing from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

}
