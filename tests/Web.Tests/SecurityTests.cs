using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CivicContracting.Participants;

namespace CivicContracting.Web.Tests;

[Collection(WebAppCollection.Name)]
public sealed class SecurityTests(WebAppFixture app)
{
    public static TheoryData<string, string> Writes => new()
    {
        { "/api/participants", """{"kind":"resident","name":"A","neighbourhoodCode":"24062W01"}""" },
        { "/api/goals", """{"title":"A goal","scope":{"level":"city"}}""" },
        { "/api/commitments", """{"participantId":"p-1","goals":[{"goalId":"g-1"}],"neighbourhoodCode":"24062W01","terms":{"level":"pledge","title":"t","description":""}}""" },
        { "/api/commitments/c-1/confirmation", """{"confirmedBy":"A","textHash":"00"}""" },
        { "/api/commitments/c-1/upgrade", "{}" },
        { "/api/commitments/c-1/progress", """{"note":"n"}""" },
        { "/api/commitments/c-1/withdrawal", """{"reason":"r"}""" },
        { "/api/commitments/c-1/closure", """{"outcome":"achieved"}""" },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Every_write_without_the_operator_token_gets_401_problem_json(string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        var response = await app.Public.SendAsync(request);
        await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer wrong-token-wrong-token-000")]
    [InlineData("Bearer ")]
    [InlineData("Basic dGVzdDp0ZXN0")]
    [InlineData("Bearer test-operator-token-0123456789x")]
    public async Task A_wrong_token_gets_401_and_nothing_is_stored(string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/goals")
        {
            Content = new StringContent("""{"id":"g-unauthorised","title":"A goal","scope":{"level":"city"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var response = await app.Public.SendAsync(request);
        await response.ProblemAsync(HttpStatusCode.Unauthorized);
        await (await app.Public.GetAsync("/api/goals/g-unauthorised")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Private_name_and_contact_data_never_appear_in_public_reads()
    {
        var neighbourhood = TestApi.Neighbourhood(3);
        var secretName = $"Jana Secret-{Guid.NewGuid():N}";
        var response = await app.Operator.PostAsync("/api/participants", new
        {
            kind = "resident",
            name = secretName,
            neighbourhoodCode = neighbourhood,
            pseudonym = "Cyclist of Kessel-Lo",
            contactEmail = "jana.secret@example.org",
            contactPhone = "+32 470 00 00 00",
        });
        var created = await response.ReadAsync<JsonObject>(HttpStatusCode.Created);
        var id = (string)created["id"]!;
        Assert.StartsWith("/api/participants/", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        AssertNoSecrets(created.ToJsonString());

        var goal = await app.Operator.DefineGoalAsync();
        var commitment = await app.Operator.CommitAsync(id, neighbourhood, TestApi.PledgeTerms(), (goal, 1.0));
        await app.Operator.ConfirmAsync(commitment.Id);

        foreach (var path in new[] { $"/api/participants/{id}", $"/api/commitments/{commitment.Id}", $"/api/goals/{goal}/commitments", $"/api/places/{neighbourhood}/commitments?pageSize=100", "/api/map" })
        {
            var text = await (await app.Public.GetAsync(path)).Content.ReadAsStringAsync();
            AssertNoSecrets(text);
        }
        var profile = await app.Public.GetAsync<ParticipantProfile>($"/api/participants/{id}");
        Assert.Equal("Cyclist of Kessel-Lo", profile.DisplayName);
        Assert.Equal(ParticipantKind.Resident, profile.Kind);

        // The private details are there, for operators only.
        await (await app.Public.GetAsync($"/api/participants/{id}/private")).ProblemAsync(HttpStatusCode.Unauthorized);
        var details = await app.Operator.GetAsync<JsonObject>($"/api/participants/{id}/private");
        Assert.Equal(secretName, (string)details["name"]!);
        Assert.Equal("jana.secret@example.org", (string)details["contactEmail"]!);

        void AssertNoSecrets(string json)
        {
            Assert.DoesNotContain(secretName, json, StringComparison.Ordinal);
            Assert.DoesNotContain("jana.secret@example.org", json, StringComparison.Ordinal);
            Assert.DoesNotContain("+32 470", json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Reads_are_public()
    {
        foreach (var path in new[] { "/api/goals", "/api/places", "/api/map", "/api/meta", "/", "/openapi/v1.json", "/health/live", "/health/ready" })
        {
            var response = await app.Public.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
