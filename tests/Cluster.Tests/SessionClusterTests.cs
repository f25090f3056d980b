using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CivicContracting.Cluster.Tests;

/// <summary>
/// Sessions across the web tier: a cookie and an antiforgery token issued by one web process are honoured by the other,
/// because the Data Protection key ring is grain state shared through the cluster, not a file on one host.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SessionClusterTests(ClusterFixture cluster) : IAsyncLifetime
{
    public Task InitializeAsync() => cluster.EnsureAllRunningAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_person_signed_in_on_one_web_host_is_signed_in_on_the_other_and_may_write_there()
    {
        var cookies = new CookieContainer();
        HttpClient Through(int web) => new(new SocketsHttpHandler { CookieContainer = cookies, UseCookies = true })
        {
            BaseAddress = cluster.WebAddresses[web],
            Timeout = TimeSpan.FromSeconds(60),
        };
        using var first = Through(0);
        using var second = Through(1);

        var login = $"cluster-{Guid.NewGuid():N}@example.org";
        var signUp = await first.PostAsJsonAsync("/api/accounts", new { displayName = "Cluster Person", loginName = login, password = "a long enough password", neighbourhoodCode = "24062W13" });
        Assert.Equal(HttpStatusCode.Created, signUp.StatusCode);
        var account = (await signUp.Content.ReadFromJsonAsync<JsonObject>())!;

        // The cookie the first host set, read by the second.
        var me = await second.GetAsync("/api/me");
        Assert.True(me.StatusCode == HttpStatusCode.OK, $"The second web host did not accept the first one's session: {(int)me.StatusCode} {await me.Content.ReadAsStringAsync()}");
        Assert.Equal((string)account["id"]!, (string)(await me.Content.ReadFromJsonAsync<JsonObject>())!["id"]!);

        // An antiforgery token from the first host, accepted on a write through the second.
        var token = (await first.GetFromJsonAsync<JsonObject>("/api/session/antiforgery"))!;
        using var write = new HttpRequestMessage(HttpMethod.Post, "/api/me/organisations")
        {
            Content = JsonContent.Create(new { kind = "school", name = "Basisschool Cluster", neighbourhoodCode = "24062W13" }),
        };
        write.Headers.Add((string)token["headerName"]!, (string)token["token"]!);
        var created = await second.SendAsync(write);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
    }
}
