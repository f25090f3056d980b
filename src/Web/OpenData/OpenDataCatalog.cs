using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CivicContracting.Web.OpenData;

/// <summary>
/// The DCAT-AP catalogue of the open datasets (JSON-LD): one <c>dcat:Catalog</c> with a <c>dcat:Dataset</c> per dataset and
/// a <c>dcat:Distribution</c> per format (download URL, media type, licence, the specification it conforms to), the
/// publisher and contact point from <see cref="OpenDataOptions"/>, the languages (nl, fr, en) and the place (Leuven,
/// NIS 24062). Built per request from constants and one time: O(datasets).
/// </summary>
public static class OpenDataCatalog
{
    /// <summary>Leuven in the Flemish base registry of municipalities (NIS 24062).</summary>
    public const string Spatial = "https://data.vlaanderen.be/id/gemeente/24062";

    private static readonly string[] Languages = ["NLD", "FRA", "ENG"];

    private static readonly Dictionary<string, (string Title, string Description)> Localised = new(StringComparer.Ordinal)
    {
        ["nl"] = ("Open data van Civic Contracting Leuven", "Engagementen van inwoners, scholen, bedrijven en verenigingen voor de klimaatdoelen van Leuven, met hun voortgang."),
        ["fr"] = ("Données ouvertes de Civic Contracting Louvain", "Les engagements des habitants, écoles, entreprises et associations pour les objectifs climatiques de Louvain, et leur progression."),
        ["en"] = ("Civic Contracting Leuven open data", "Commitments of residents, schools, businesses and associations towards Leuven's climate goals, and their progress."),
    };

    public static string Build(string baseUrl, OpenDataOptions licence, DateTimeOffset? modified)
    {
        var publisher = new JsonObject
        {
            ["@id"] = licence.PublisherUrl,
            ["@type"] = "foaf:Agent",
            ["foaf:name"] = licence.Publisher,
        };
        var datasets = new JsonArray();
        foreach (var dataset in OpenDataDatasets.All)
        {
            var distributions = new JsonArray();
            foreach (var (extension, mediaType) in OpenDataDatasets.Formats)
            {
                var url = $"{baseUrl}{OpenDataEndpoints.Prefix}/{dataset.Name}.{extension}";
                distributions.Add(new JsonObject
                {
                    ["@id"] = url,
                    ["@type"] = "dcat:Distribution",
                    ["dct:title"] = $"{dataset.Title} ({extension.ToUpperInvariant()})",
                    ["dcat:accessURL"] = Id($"{baseUrl}/open-data"),
                    ["dcat:downloadURL"] = Id(url),
                    ["dcat:mediaType"] = Id($"https://www.iana.org/assignments/media-types/{mediaType}"),
                    ["dct:format"] = Id(extension == "csv" ? "http://publications.europa.eu/resource/authority/file-type/CSV" : "http://publications.europa.eu/resource/authority/file-type/JSON"),
                    ["dct:license"] = Id(licence.LicenceUrl),
                    ["dct:conformsTo"] = new JsonArray(
                        Id(extension == "csv" ? "https://www.rfc-editor.org/rfc/rfc4180" : "https://jsonlines.org/"),
                        Id($"{baseUrl}/open-data#{dataset.Name}")),
                });
            }
            var item = new JsonObject
            {
                ["@id"] = $"{baseUrl}/open-data#{dataset.Name}",
                ["@type"] = "dcat:Dataset",
                ["dct:identifier"] = $"leuven-civic-contracting-{dataset.Name}",
                ["dct:title"] = dataset.Title,
                ["dct:description"] = dataset.Description,
                ["dct:publisher"] = publisher.DeepClone(),
                ["dcat:contactPoint"] = ContactPoint(licence),
                ["dct:license"] = Id(licence.LicenceUrl),
                ["dct:language"] = LanguageIds(),
                ["dct:spatial"] = Id(Spatial),
                ["dcat:keyword"] = new JsonArray("climate", "commitments", "Leuven", dataset.Name),
                ["dcat:landingPage"] = Id($"{baseUrl}/open-data"),
                ["dcat:distribution"] = distributions,
            };
            if (modified is { } m)
                item["dct:modified"] = DateTime(m);
            datasets.Add(item);
        }

        var catalog = new JsonObject
        {
            ["@context"] = new JsonObject
            {
                ["dcat"] = "http://www.w3.org/ns/dcat#",
                ["dct"] = "http://purl.org/dc/terms/",
                ["foaf"] = "http://xmlns.com/foaf/0.1/",
                ["vcard"] = "http://www.w3.org/2006/vcard/ns#",
                ["xsd"] = "http://www.w3.org/2001/XMLSchema#",
            },
            ["@id"] = $"{baseUrl}{OpenDataEndpoints.CatalogPath}",
            ["@type"] = "dcat:Catalog",
            ["dct:title"] = LanguageMap(l => l.Title),
            ["dct:description"] = LanguageMap(l => l.Description),
            ["dct:publisher"] = publisher,
            ["dcat:contactPoint"] = ContactPoint(licence),
            ["dct:license"] = Id(licence.LicenceUrl),
            ["dct:language"] = LanguageIds(),
            ["dct:spatial"] = Id(Spatial),
            ["foaf:homepage"] = Id($"{baseUrl}/open-data"),
            ["dcat:dataset"] = datasets,
        };
        if (modified is { } changed)
            catalog["dct:modified"] = DateTime(changed);
        return catalog.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Id(string id) => new() { ["@id"] = id };

    private static JsonArray LanguageIds() =>
        [.. Languages.Select(l => (JsonNode)Id($"http://publications.europa.eu/resource/authority/language/{l}"))];

    private static JsonArray LanguageMap(Func<(string Title, string Description), string> pick) =>
        [.. Localised.Select(l => (JsonNode)new JsonObject { ["@language"] = l.Key, ["@value"] = pick(l.Value) })];

    private static JsonObject ContactPoint(OpenDataOptions licence)
    {
        var contact = new JsonObject
        {
            ["@type"] = "vcard:Organization",
            ["vcard:fn"] = licence.Publisher,
        };
        contact[licence.Contact.StartsWith("mailto:", StringComparison.Ordinal) ? "vcard:hasEmail" : "vcard:hasURL"] = Id(licence.Contact);
        return contact;
    }

    private static JsonObject DateTime(DateTimeOffset at) => new()
    {
        ["@value"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["@type"] = "xsd:dateTime",
    };
}
