using System.Net;
using System.Text.Json.Nodes;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Goals;
using CivicContracting.Web.Paging;
using CivicContracting.Web.Places;

namespace CivicContracting.Web.Tests;

[Collection(WebAppCollection.Name)]
public sealed class ReadApiTests(WebAppFixture app)
{
    [Fact]
    public async Task Goal_lists_are_paged_and_filter_by_parent_and_root()
    {
        var ambition = await app.Operator.DefineGoalAsync();
        var objectives = new List<string>();
        for (var i = 0; i < 5; i++)
            objectives.Add(await app.Operator.DefineGoalAsync(ambition));

        var first = await app.Public.GetAsync<Paged<GoalSummary>>($"/api/goals?parent={ambition}&page=1&pageSize=2");
        Assert.Equal(5, first.TotalItems);
        Assert.Equal(3, first.TotalPages);
        Assert.Equal(2, first.PageSize);
        Assert.Equal(objectives.Take(2), first.Items.Select(g => g.Id));
        var last = await app.Public.GetAsync<Paged<GoalSummary>>($"/api/goals?parent={ambition}&page=3&pageSize=2");
        Assert.Equal(objectives.Skip(4), last.Items.Select(g => g.Id));
        var past = await app.Public.GetAsync<Paged<GoalSummary>>($"/api/goals?parent={ambition}&page=4&pageSize=2");
        Assert.Empty(past.Items);

        // Every root goal, through all pages: other tests share this app and add roots of their own.
        var roots = new List<GoalSummary>();
        for (var page = 1; ; page++)
        {
            var rootPage = await app.Public.GetAsync<Paged<GoalSummary>>($"/api/goals?root=true&page={page}&pageSize=100");
            roots.AddRange(rootPage.Items);
            if (page >= rootPage.TotalPages)
                break;
        }
        Assert.Contains(roots, g => g.Id == ambition);
        Assert.DoesNotContain(roots, g => objectives.Contains(g.Id));

        var details = await app.Public.GetAsync<GoalDetails>($"/api/goals/{ambition}");
        Assert.Equal(objectives, details.Children.Select(c => c.Id));
        Assert.Equal(PlaceLevel.City, details.Scope.Level);
        var objective = await app.Public.GetAsync<GoalDetails>($"/api/goals/{objectives[0]}");
        Assert.Equal([objectives[0], ambition], objective.Lineage);
        Assert.Equal(ambition, objective.ParentGoalId);

        // The default page is the first 20.
        var defaults = await app.Public.GetAsync<JsonObject>("/api/goals");
        Assert.Equal(1, (int)defaults["page"]!);
        Assert.Equal(20, (int)defaults["pageSize"]!);
        Assert.NotNull(defaults["items"]);
        Assert.NotNull(defaults["totalItems"]);
        Assert.NotNull(defaults["totalPages"]);
    }

    [Fact]
    public async Task Defining_the_same_goal_again_with_its_id_is_a_no_op_and_a_different_one_a_conflict()
    {
        var body = new { id = $"g-same-{Guid.NewGuid():N}", title = "Same", scope = new { level = "district", placeCodes = new[] { "24062C" } } };
        var created = await app.Operator.PostAsync("/api/goals", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/goals/{body.id}", created.Headers.Location!.OriginalString);
        var again = await app.Operator.PostAsync("/api/goals", body);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var different = await app.Operator.PostAsync("/api/goals", body with { title = "Different" });
        await different.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Same", (await app.Public.GetAsync<GoalDetails>($"/api/goals/{body.id}")).Title);
    }

    [Fact]
    public async Task Places_list_the_city_five_districts_and_24_neighbourhoods_with_their_aggregates()
    {
        var all = await app.Public.GetAsync<Paged<PlaceSummary>>("/api/places?pageSize=100");
        Assert.Equal(30, all.TotalItems);
        Assert.Single(all.Items, p => p.Level == PlaceLevel.City);
        Assert.Equal(5, all.Items.Count(p => p.Level == PlaceLevel.District));
        Assert.Equal(24, all.Items.Count(p => p.Level == PlaceLevel.Neighbourhood));
        Assert.All(all.Items, p => Assert.Equal($"place:{p.Code}", p.Engagement.Scope));

        var paged = await app.Public.GetAsync<Paged<PlaceSummary>>("/api/places?page=2&pageSize=20");
        Assert.Equal(10, paged.Items.Count);
        Assert.Equal(2, paged.TotalPages);

        var neighbourhoods = await app.Public.GetAsync<Paged<PlaceSummary>>("/api/places?level=neighbourhood&pageSize=100");
        Assert.Equal(24, neighbourhoods.TotalItems);
        var kesselLo = await app.Public.GetAsync<Paged<PlaceSummary>>("/api/places?parent=24062C&pageSize=100");
        Assert.All(kesselLo.Items, p => Assert.Equal("24062C", p.ParentCode));

        var district = await app.Public.GetAsync<PlaceDetails>("/api/places/24062C");
        Assert.Equal("Kessel-Lo", district.Name);
        Assert.Equal(kesselLo.Items.Select(p => p.Code), district.Children.Select(c => c.Code));
        Assert.Equal(PlaceCatalog.CityCode, Assert.Single(district.Ancestors).Code);
    }

    [Fact]
    public async Task The_map_is_GeoJSON_of_24_neighbourhoods_with_live_engagement_and_attribution()
    {
        var neighbourhood = TestApi.Neighbourhood(5);
        var resident = await app.Operator.RegisterAsync(ParticipantKind.Resident, neighbourhood);
        var goal = await app.Operator.DefineGoalAsync();
        var commitment = await app.Operator.CommitAsync(resident, neighbourhood, TestApi.PledgeTerms(), (goal, 1.0));
        await app.Operator.ConfirmAsync(commitment.Id);

        var feature = await Eventually.Value(async () =>
        {
            var response = await app.Public.GetAsync("/api/map");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
            var map = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            Assert.Equal("FeatureCollection", (string)map["type"]!);
            var features = map["features"]!.AsArray();
            Assert.Equal(24, features.Count);
            Assert.Contains("Wijken voor omgevingsanalyse", map["attribution"]!.ToJsonString(), StringComparison.Ordinal);
            Assert.Contains("Statbel", map["attribution"]!.ToJsonString(), StringComparison.Ordinal);
            foreach (var f in features)
            {
                Assert.Equal("Feature", (string)f!["type"]!);
                Assert.NotNull(f["geometry"]!["coordinates"]);
                var p = f["properties"]!.AsObject();
                foreach (var key in new[] { "code", "name", "district", "engagedCommitments", "participants", "participantsByKind", "distinctKinds", "shannonIndex", "meanProgress", "firstEngagementAt", "byLevel" })
                    Assert.True(p.ContainsKey(key), $"Feature {(string?)p["code"]} lacks '{key}'");
            }
            return features.Single(f => (string)f!["properties"]!["code"]! == neighbourhood)!["properties"]!.AsObject();
        }, p => (int)p["engagedCommitments"]! >= 1, TimeSpan.FromSeconds(5));

        Assert.True((int)feature["engagedCommitments"]! >= 1);
        Assert.True((int)feature["participantsByKind"]!["resident"]! >= 1);
        Assert.True((int)feature["byLevel"]!["pledge"]! >= 1);
        Assert.Equal(PlaceCatalog.Leuven.Get(neighbourhood).ParentCode, (string)feature["district"]!);
        Assert.NotNull(feature["firstEngagementAt"]);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_API()
    {
        var document = await app.Public.GetAsync<JsonObject>("/openapi/v1.json");
        Assert.StartsWith("3.", (string)document["openapi"]!, StringComparison.Ordinal);
        var paths = document["paths"]!.AsObject();
        foreach (var path in new[] { "/api/goals", "/api/goals/{id}", "/api/goals/{id}/commitments", "/api/places", "/api/places/{code}", "/api/participants", "/api/participants/{id}", "/api/commitments", "/api/commitments/{id}", "/api/commitments/{id}/confirmation", "/api/commitments/{id}/progress", "/api/map" })
            Assert.True(paths.ContainsKey(path), $"The document lacks {path}");
        Assert.Equal("CreateCommitment", (string)paths["/api/commitments"]!["post"]!["operationId"]!);
        Assert.NotNull(paths["/api/commitments"]!["post"]!["security"]);
        Assert.NotNull(paths["/api/commitments"]!["post"]!["requestBody"]);
        var text = document.ToJsonString();
        Assert.Contains("\"knowledgeInstitution\"", text, StringComparison.Ordinal);
        Assert.Contains("\"result\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_index_and_health_endpoints_answer()
    {
        var index = await app.Public.GetAsync<JsonObject>("/api/meta");
        Assert.Equal("/api/goals", (string)index["links"]!["goals"]!);
        Assert.Equal("CoHosted", (string)index["orleansMode"]!);
        Assert.Equal(HttpStatusCode.OK, (await app.Public.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Public.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Public.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Every_link_of_the_index_that_is_not_a_template_answers()
    {
        var links = (await app.Public.GetAsync<JsonObject>("/api"))["links"]!.AsObject();
        Assert.Contains("changes", links.Select(l => l.Key));
        Assert.Contains("search", links.Select(l => l.Key));
        foreach (var (name, link) in links)
        {
            var path = (string)link!;
            if (path.Contains('{'))
                continue;
            var response = await app.Public.GetAsync(path);
            Assert.True(response.IsSuccessStatusCode, $"The index's link {name} ({path}) answered {(int)response.StatusCode}.");
        }
    }

    [Fact]
    public async Task Enums_are_written_as_camelCase_strings()
    {
        var school = await app.Operator.RegisterAsync(ParticipantKind.KnowledgeInstitution, TestApi.Neighbourhood(9));
        var profile = await app.Public.GetAsync<JsonObject>($"/api/participants/{school}");
        Assert.Equal("knowledgeInstitution", (string)profile["kind"]!);
        var goal = await app.Operator.DefineGoalAsync();
        var commitment = await app.Operator.CommitAsync(school, TestApi.Neighbourhood(9), TestApi.ResultTerms(), (goal, 2.0));
        var view = await app.Public.GetAsync<JsonObject>($"/api/commitments/{commitment.Id}");
        Assert.Equal("result", (string)view["terms"]!["level"]!);
        Assert.Equal("draft", (string)view["status"]!);
        Assert.Equal("increase", (string)view["terms"]!["target"]!["direction"]!);
    }
}
