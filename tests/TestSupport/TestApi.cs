using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Json;
using Xunit;

namespace CivicContracting.Tests.Support;

/// <summary>
/// How the tests speak the API (tests/Web.Tests, tests/Cluster.Tests): its JSON dialect, and small steps of the participant
/// → goal → commitment flow. Request bodies are built by <c>…Terms</c>; steps that call the API end in <c>Async</c>.
/// </summary>
public static class TestApi
{
    public static JsonSerializerOptions Json { get; } = CreateOptions();

    /// <summary>A body in the API's JSON dialect, for a request a test sends itself.</summary>
    public static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");

    public static async Task<HttpResponseMessage> PostAsync(this HttpClient client, string path, object body) =>
        await client.PostAsync(path, JsonContent(body));

    public static async Task<HttpResponseMessage> PutAsync(this HttpClient client, string path, object body) =>
        await client.PutAsync(path, JsonContent(body));

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<T>(text, Json)!;
    }

    public static async Task<T> GetAsync<T>(this HttpClient client, string path) =>
        await (await client.GetAsync(path)).ReadAsync<T>();

    /// <summary>Asserts a problem+json answer with the status, and returns it.</summary>
    public static async Task<JsonObject> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)expected, (int)problem["status"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]));
        return problem;
    }

    /// <summary>Asserts a 400 problem+json whose errors name <paramref name="field"/> and whose detail helps.</summary>
    public static async Task<JsonObject> ProblemNamingAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]?.AsObject();
        Assert.True(errors is not null && errors.ContainsKey(field), $"Expected an error for '{field}' in {problem.ToJsonString()}");
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]));
        return problem;
    }

    public static string Neighbourhood(int number) => $"24062W{number:00}";

    public static async Task<string> RegisterAsync(this HttpClient client, ParticipantKind kind, string neighbourhood, string? name = null)
    {
        var response = await client.PostAsync("/api/participants", new
        {
            kind,
            name = name ?? $"{kind} {Guid.NewGuid():N}",
            neighbourhoodCode = neighbourhood,
            contactEmail = "someone@example.org",
        });
        return (await response.ReadAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<string>();
    }

    public static async Task<string> DefineGoalAsync(this HttpClient client, string? parentGoalId = null, string? id = null)
    {
        var response = await client.PostAsync("/api/goals", new
        {
            id = id ?? $"g-test-{Guid.NewGuid():N}",
            title = "Half of all trips on foot or by bike",
            description = "Test goal.",
            scope = new { level = "city" },
            parentGoalId,
        });
        return (await response.ReadAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<string>();
    }

    public static object ResultTerms(double baseline = 20, double target = 60) => new
    {
        level = "result",
        title = "More trips to school on foot or by bike",
        description = "Share of trips to and from school made on foot or by bike.",
        target = new { metric = "share of active trips", unit = "%", baseline, target, deadline = "2030-06-30" },
    };

    public static object ActionTerms(int milestones = 4) => new
    {
        level = "action",
        title = "Green the playground",
        description = "Concrete actions.",
        milestones = Enumerable.Range(1, milestones).Select(i => new { id = $"m{i}", title = $"Action {i}", dueDate = "2031-01-01" }).ToArray(),
    };

    public static object PledgeTerms() => new { level = "pledge", title = "We carry sustainable mobility", description = "A pledge." };

    public static async Task<CommitmentView> CommitAsync(this HttpClient client, string participantId, string neighbourhood, object terms,
        params (string GoalId, double Weight)[] goals)
    {
        var response = await client.PostAsync("/api/commitments", new
        {
            id = $"c-test-{Guid.NewGuid():N}",
            participantId,
            goals = goals.Select(g => new { goalId = g.GoalId, weight = g.Weight }).ToArray(),
            neighbourhoodCode = neighbourhood,
            terms,
        });
        return await response.ReadAsync<CommitmentView>(HttpStatusCode.Created);
    }

    public static async Task<CommitmentView> ConfirmAsync(this HttpClient client, string commitmentId)
    {
        var text = await client.GetAsync<CommitmentTextView>($"/api/commitments/{commitmentId}/text");
        var response = await client.PostAsync($"/api/commitments/{commitmentId}/confirmation", new { confirmedBy = "Test Person", textHash = text.TextHash });
        return await response.ReadAsync<CommitmentView>();
    }

    /// <summary>Every report of the commitment, oldest first, read through the pages of GET /api/commitments/{id}/reports.</summary>
    public static async Task<List<ProgressReport>> AllReportsAsync(this HttpClient client, string commitmentId)
    {
        var newestFirst = new List<ProgressReport>();
        for (var page = 1; ; page++)
        {
            var history = await client.GetAsync<Web.Paging.Paged<ProgressReport>>($"/api/commitments/{commitmentId}/reports?page={page}&pageSize=100");
            newestFirst.AddRange(history.Items);
            if (page >= history.TotalPages)
                break;
        }
        newestFirst.Reverse();
        return newestFirst;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.Configure(options);
        return options;
    }
}
