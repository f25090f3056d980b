using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicContracting.Web.Changes;
using Json.Schema;

namespace CivicContracting.Web.Tests.Changes;

/// <summary>
/// The open feed's JSON Schemas (docs/open-civic-commitments/schemas): valid draft 2020-12, served as they are in the
/// repository, one per entry type, and strict: an entry with a field the schema does not name is refused, so a field
/// added to the feed without its schema fails <see cref="OpenFeedTests"/>.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class FeedSchemaTests(WebAppFixture app)
{
    private static readonly Lazy<IReadOnlyDictionary<string, JsonSchema>> Schemas = new(() =>
        Directory.GetFiles(SchemaFolder(), "*.schema.json").ToDictionary(
            f => Path.GetFileName(f)[..^ChangeFeedEndpoints.SchemaSuffix.Length],
            f => JsonSchema.FromText(File.ReadAllText(f), new BuildOptions { SchemaRegistry = new SchemaRegistry() })));

    /// <summary>Every schema of the repository, by entry type (and "page").</summary>
    public static IReadOnlyDictionary<string, JsonSchema> Load() => Schemas.Value;

    public static EvaluationResults Evaluate(string type, JsonNode instance)
    {
        using var document = JsonDocument.Parse(instance.ToJsonString());
        return Load()[type].Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
    }

    public static string Errors(EvaluationResults results) =>
        string.Join("; ", (results.Details ?? [results]).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Select(e => $"{e.Key} {e.Value}"))}"));

    [Fact]
    public async Task Every_entry_type_has_a_schema_served_as_it_is_in_the_repository()
    {
        Assert.Equal(FeedEntryTypes.All.Append(FeedEntryTypes.Page).Order(StringComparer.Ordinal), Load().Keys.Order(StringComparer.Ordinal));
        foreach (var type in Load().Keys)
        {
            using var response = await app.Public.GetAsync($"/api/feed/schemas/{type}.schema.json");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/schema+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(SchemaFolder(), $"{type}.schema.json")), await response.Content.ReadAsByteArrayAsync());
        }
        await (await app.Public.GetAsync("/api/feed/schemas/nothing.schema.json")).ProblemAsync(HttpStatusCode.NotFound);
        await (await app.Public.GetAsync("/api/feed/schemas/goal.json")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_field_the_schema_does_not_name_is_refused_and_so_is_a_draft_as_a_commitment()
    {
        // A real page: its places entry, then the same with one more field.
        var page = JsonNode.Parse(await app.Public.GetStringAsync("/api/feed/changes?limit=1"))!;
        var places = page["entries"]![0]!.AsObject();
        Assert.True(Evaluate("places", places).IsValid, Errors(Evaluate("places", places)));
        var extended = (JsonObject)places.DeepClone();
        extended["population"] = 101_000;
        Assert.False(Evaluate("places", extended).IsValid);
        var missing = (JsonObject)places.DeepClone();
        missing.Remove("changedAt");
        Assert.False(Evaluate("places", missing).IsValid);

        // A commitment entry may not carry a draft: drafts are withheld.
        var withheld = JsonNode.Parse("""{"type":"withheld","id":"c1","version":2,"changedAt":"2026-01-01T00:00:00+00:00","entity":"commitment","reason":"draft","status":"draft","confirmedAt":null,"scopes":[{"scope":"place:24062","weight":1}]}""")!;
        Assert.True(Evaluate("withheld", withheld).IsValid, Errors(Evaluate("withheld", withheld)));
        withheld["terms"] = new JsonObject { ["title"] = "A draft's title" };
        Assert.False(Evaluate("withheld", withheld).IsValid);
    }

    private static string SchemaFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var folder = Path.Combine(dir.FullName, "docs", "open-civic-commitments", "schemas");
            if (Directory.Exists(folder))
                return folder;
        }
        throw new DirectoryNotFoundException("docs/open-civic-commitments/schemas is not above the test's folder.");
    }
}
