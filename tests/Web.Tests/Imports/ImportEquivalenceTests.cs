using System.Net;
using System.Text.Json.Nodes;
using CivicContracting.Places;

namespace CivicContracting.Web.Tests.Imports;

/// <summary>
/// The same city made twice, on two apps of their own: once by importing a file, once through the API (register, define,
/// create, confirm with the signing date). Every goal's and place's aggregate must be the same.
/// </summary>
public sealed class ImportEquivalenceTests : IAsyncLifetime
{
    private TestApp _imported = null!;
    private TestApp _throughApi = null!;

    public async Task InitializeAsync()
    {
        _imported = await TestApp.StartAsync("import-equivalence-a");
        _throughApi = await TestApp.StartAsync("import-equivalence-b");
    }

    public async Task DisposeAsync()
    {
        await _imported.DisposeAsync();
        await _throughApi.DisposeAsync();
    }

    [Fact]
    public async Task Importing_a_city_gives_every_goal_and_place_the_aggregate_that_making_it_through_the_API_gives()
    {
        const int participants = 9, commitments = 45;
        var city = ImportFiles.City("same", participants, commitments);
        using var importer = TestHosts.Client(_imported.BaseAddress, WebAppFixture.OperatorToken);
        using var api = TestHosts.Client(_throughApi.BaseAddress, WebAppFixture.OperatorToken);

        var summary = await (await importer.PostImportAsync(city.Body)).ReadAsync<JsonObject>();
        Assert.Equal(commitments, (int)summary["commitments"]!["created"]!);

        // The same records, through the API one by one.
        foreach (var line in city.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var record = JsonNode.Parse(line)!.AsObject();
            var type = (string)record["type"]!;
            record.Remove("type");
            switch (type)
            {
                case "goal":
                    await (await api.PostAsync("/api/goals", record)).ReadAsync<JsonObject>(HttpStatusCode.Created);
                    break;
                case "participant":
                    await (await api.PostAsync("/api/participants", record)).ReadAsync<JsonObject>(HttpStatusCode.Created);
                    break;
                default:
                    var confirmation = record["confirmation"]?.DeepClone();
                    record.Remove("confirmation");
                    var id = (string)record["id"]!;
                    await (await api.PostAsync("/api/commitments", record)).ReadAsync<JsonObject>(HttpStatusCode.Created);
                    if (confirmation is JsonObject signed)
                    {
                        var text = await api.GetAsync<JsonObject>($"/api/commitments/{id}/text");
                        signed["textHash"] = (string)text["textHash"]!;
                        await (await api.PostAsync($"/api/commitments/{id}/confirmation", signed)).ReadAsync<JsonObject>();
                    }
                    break;
            }
        }

        var scopes = new List<string> { $"/api/goals/{city.Ambition}", $"/api/goals/{city.Objective}" };
        scopes.AddRange(PlaceCatalog.Leuven.All.Select(p => $"/api/places/{p.Code}"));
        foreach (var scope in scopes)
        {
            var (expected, actual) = await Eventually.Value(async () =>
            (
                Expected: CityImportTests.Comparable((await api.GetAsync<JsonObject>(scope))["engagement"]!.AsObject()),
                Actual: CityImportTests.Comparable((await importer.GetAsync<JsonObject>(scope))["engagement"]!.AsObject())
            ), both => both.Expected == both.Actual, TimeSpan.FromSeconds(20), $"{scope} the same on both hosts");
            Assert.Equal(expected, actual);
        }
        var city24062 = await importer.GetAsync<JsonObject>("/api/places/24062");
        Assert.Equal(commitments, (int)city24062["engagement"]!["totals"]!["commitments"]!);
    }
}
