using System.Text.Json.Nodes;
using CivicContracting.Participants;
using CivicContracting.Web.Tests.ReadModel;

namespace CivicContracting.Web.Tests.Changes;

/// <summary>Two web hosts, clients of one silo, written to alternately: their feeds list the same entries in the same order, and a cursor of one resumes on the other.</summary>
public sealed class FeedClientModeTests
{
    [Fact]
    public async Task Two_web_hosts_serve_the_same_feed_and_each_resumes_the_others_cursor()
    {
        await using var host = await ClientModeHost.StartAsync("feed-client-mode", ("Feed:SettleSeconds", "0"));
        var second = await host.AddWebAsync();
        using var a = TestHosts.Client(host.Address, WebAppFixture.OperatorToken);
        using var b = TestHosts.Client(TestHosts.AddressOf(second), WebAppFixture.OperatorToken);

        var participants = new[] { await a.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(3)), await b.RegisterAsync(ParticipantKind.Business, TestApi.Neighbourhood(7)) };
        var goal = await a.DefineGoalAsync();
        for (var i = 0; i < 12; i++)
        {
            var api = i % 2 == 0 ? a : b;
            var c = await api.CommitAsync(participants[i % 2], TestApi.Neighbourhood(3 + i % 5), TestApi.PledgeTerms(), (goal, 1.0));
            if (i % 3 != 0)
                await api.ConfirmAsync(c.Id);
        }
        await host.Web.Services.ListsCaughtUpAsync();
        await second.Services.ListsCaughtUpAsync();

        // The goal was defined through the first host: the second learns of it when a commitment names it.
        var fromA = await Eventually.Value(() => ReadAllAsync(a, null), e => e.Count == 14, TimeSpan.FromSeconds(15));
        var fromB = await Eventually.Value(() => ReadAllAsync(b, null), e => e.Count == 14, TimeSpan.FromSeconds(15));
        Assert.Equal(Keys(fromA), Keys(fromB));

        // A cursor from one host, half-way, resumes on the other.
        var half = JsonNode.Parse(await a.GetStringAsync("/api/feed/changes?limit=7"))!;
        var restOnB = await ReadAllAsync(b, (string)half["next"]!);
        Assert.Equal(Keys(fromA).Skip(7), Keys(restOnB));
    }

    private static List<string> Keys(List<JsonObject> entries) =>
        [.. entries.Select(e => $"{e["type"]}/{e["id"]}/{e["version"]}/{e["changedAt"]}")];

    private static async Task<List<JsonObject>> ReadAllAsync(HttpClient client, string? since)
    {
        var entries = new List<JsonObject>();
        for (var pages = 0; pages < 100; pages++)
        {
            var page = JsonNode.Parse(await client.GetStringAsync("/api/feed/changes?limit=5" + (since is null ? "" : $"&since={Uri.EscapeDataString(since)}")))!;
            entries.AddRange(page["entries"]!.AsArray().Select(e => (JsonObject)e!.DeepClone()));
            since = (string?)page["next"];
            if ((bool)page["complete"]!)
                break;
        }
        return entries;
    }
}
