using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Json;

namespace CivicContracting.Cluster.Tests;

/// <summary>The API's JSON dialect and the participant → goal → commitment steps the cluster tests need.</summary>
public static class Api
{
    public static JsonSerializerOptions Json { get; } = CreateOptions();

    public static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<T>(text, Json)!;
    }

    public static async Task<T> GetJsonAsync<T>(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return await response.ReadAsync<T>();
    }

    public static async Task<string> RegisterAsync(this HttpClient client, ParticipantKind kind, string neighbourhood)
    {
        using var response = await client.PostAsync("/api/participants", JsonContent(new
        {
            kind,
            name = $"{kind} {Guid.NewGuid():N}",
            neighbourhoodCode = neighbourhood,
            contactEmail = "someone@example.org",
        }));
        return (await response.ReadAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<string>();
    }

    public static async Task<string> DefineGoalAsync(this HttpClient client, string? parentGoalId = null)
    {
        using var response = await client.PostAsync("/api/goals", JsonContent(new
        {
            id = $"g-cluster-{Guid.NewGuid():N}",
            title = "Half of all trips on foot or by bike",
            description = "Cluster test goal.",
            scope = new { level = "city" },
            parentGoalId,
        }));
        return (await response.ReadAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<string>();
    }

    public static object ResultTerms(double baseline, double target) => new
    {
        level = "result",
        title = "More trips to school on foot or by bike",
        description = "Share of trips to and from school made on foot or by bike.",
        target = new { metric = "share of active trips", unit = "%", baseline, target, deadline = "2030-06-30" },
    };

    public static object ActionTerms() => new
    {
        level = "action",
        title = "Green the playground",
        description = "Concrete actions.",
        milestones = Enumerable.Range(1, 3).Select(i => new { id = $"m{i}", title = $"Action {i}", dueDate = "2031-01-01" }).ToArray(),
    };

    public static object PledgeTerms() => new { level = "pledge", title = "We carry sustainable mobility", description = "A pledge." };

    public static async Task<CommitmentView> CommitAsync(this HttpClient client, string participantId, string neighbourhood, object terms, params (string GoalId, double Weight)[] goals)
    {
        using var response = await client.PostAsync("/api/commitments", JsonContent(new
        {
            id = $"c-cluster-{Guid.NewGuid():N}",
            participantId,
            goals = goals.Select(g => new { goalId = g.GoalId, weight = g.Weight }).ToArray(),
            neighbourhoodCode = neighbourhood,
            terms,
        }));
        return await response.ReadAsync<CommitmentView>(HttpStatusCode.Created);
    }

    public static async Task ConfirmAsync(this HttpClient client, string commitmentId)
    {
        var text = await client.GetJsonAsync<CommitmentTextView>($"/api/commitments/{commitmentId}/text");
        using var response = await client.PostAsync($"/api/commitments/{commitmentId}/confirmation", JsonContent(new { confirmedBy = "Test Person", textHash = text.TextHash }));
        await response.ReadAsync<CommitmentView>();
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.Configure(options);
        return options;
    }
}
