using System.Net;
using System.Text.Json.Nodes;

namespace CivicContracting.Web.Tests.Sessions;

/// <summary>How the tests record co-creation sessions through the API.</summary>
public static class SessionsApi
{
    public const string Notes = "Two residents asked for a follow-up call about the school street.";

    /// <summary>A valid body for POST /api/sessions (and PUT /api/sessions/{id}).</summary>
    public static Dictionary<string, object?> Body(string goalId, DateTimeOffset startsAt, string? id = null, string title = "Burgerpanel Kessel-Lo, derde sessie") => new()
    {
        ["id"] = id,
        ["kind"] = "citizenPanel",
        ["title"] = title,
        ["startsAt"] = startsAt,
        ["neighbourhoodCode"] = TestApi.Neighbourhood(13),
        ["venue"] = "Zaal De Bron, Kessel-Lo",
        ["goalIds"] = new[] { goalId },
        ["attendance"] = new Dictionary<string, int> { ["resident"] = 23, ["school"] = 2 },
        ["notes"] = Notes,
    };

    /// <summary>Records a session (201) and returns its id.</summary>
    public static async Task<string> RecordAsync(HttpClient client, string goalId, DateTimeOffset startsAt)
    {
        var id = $"s-test-{Guid.NewGuid():N}";
        await (await client.PostAsync("/api/sessions", Body(goalId, startsAt, id))).ReadAsync<JsonObject>(HttpStatusCode.Created);
        return id;
    }
}
