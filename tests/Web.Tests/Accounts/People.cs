using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>A person using the API from a browser-like client: a cookie session, and the antiforgery header on writes.</summary>
public sealed record Person(HttpClient Client, string AccountId, string LoginName, string Password) : IDisposable
{
    public string? ParticipantId { get; init; }

    public void Dispose() => Client.Dispose();
}

public static class People
{
    public const string Password = "a long enough test password";

    /// <summary>Signs up a new person (with their own resident participant when <paramref name="neighbourhood"/> is given), signed in.</summary>
    public static async Task<Person> SignUpAsync(Uri baseAddress, string? neighbourhood = null, string? displayName = null)
    {
        var client = SessionClient(baseAddress);
        var login = $"person-{Guid.NewGuid():N}@example.org";
        var response = await client.PostAsync("/api/accounts", new
        {
            displayName = displayName ?? "Test Person",
            loginName = login,
            password = Password,
            email = login,
            neighbourhoodCode = neighbourhood,
        });
        var account = await response.ReadAsync<JsonObject>(HttpStatusCode.Created);
        await AddAntiforgeryHeaderAsync(client);
        return new Person(client, (string)account["id"]!, login, Password) { ParticipantId = (string?)account["participantId"] };
    }

    /// <summary>A client that keeps cookies, like a browser.</summary>
    public static HttpClient SessionClient(Uri baseAddress) =>
        new(new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Reads the antiforgery token of this session and sends it with every later request.</summary>
    public static async Task AddAntiforgeryHeaderAsync(HttpClient client)
    {
        var token = await client.GetAsync<JsonObject>("/api/session/antiforgery");
        client.DefaultRequestHeaders.Remove((string)token["headerName"]!);
        client.DefaultRequestHeaders.Add((string)token["headerName"]!, (string)token["token"]!);
    }

    /// <summary>Creates a personal access token for the person and returns a client that sends it.</summary>
    public static async Task<HttpClient> TokenClientAsync(this Person person, Uri baseAddress, params string[] scopes)
    {
        var created = await (await person.Client.PostAsync("/api/me/tokens", new { name = "test integration", scopes })).ReadAsync<JsonObject>(HttpStatusCode.Created);
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)created["token"]!);
        return client;
    }

    public static async Task GrantAsync(HttpClient operatorClient, string accountId, string role) =>
        await (await operatorClient.PostAsync($"/api/accounts/{accountId}/roles", new { role })).ReadAsync<JsonObject>();
}
