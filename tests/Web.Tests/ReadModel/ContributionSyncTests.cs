using System.Text.Json.Nodes;
using CivicContracting.Aggregation;
using CivicContracting.Live;
using CivicContracting.Participants;
using CivicContracting.Web.ReadModel;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.ReadModel;

/// <summary>
/// The real app: the web host's lists follow the shards' contribution deltas, without reading any shard again, and a gap
/// in one shard's numbers is filled from that shard's recent changes, reading no shard whole.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class ContributionSyncTests(WebAppFixture app)
{
    private static readonly TimeSpan PushLatency = TimeSpan.FromSeconds(5);

    private ContributionSync Sync => app.Services.GetRequiredService<ContributionSync>();

    [Fact]
    public async Task A_report_reaches_the_goal_page_and_the_API_list_by_deltas_without_reading_any_shard_again()
    {
        await app.ListsCaughtUpAsync();
        var api = app.Operator;
        var neighbourhood = TestApi.Neighbourhood(11);
        var goal = await api.DefineGoalAsync();
        var school = await api.RegisterAsync(ParticipantKind.School, neighbourhood);
        var before = Sync.Status;

        var commitment = await api.CommitAsync(school, neighbourhood, TestApi.ResultTerms(baseline: 0, target: 100), (goal, 1.0));
        await api.ConfirmAsync(commitment.Id);
        var listed = await Eventually.Value(() => app.Public.GetAsync<JsonObject>($"/api/goals/{goal}/commitments"),
            l => Status(l, commitment.Id) == "confirmed", PushLatency);
        Assert.Equal("confirmed", Status(listed, commitment.Id));

        (await api.PostAsync($"/api/commitments/{commitment.Id}/progress", new { value = 50.0 })).EnsureSuccessStatusCode();
        listed = await Eventually.Value(() => app.Public.GetAsync<JsonObject>($"/api/goals/{goal}/commitments"),
            l => Status(l, commitment.Id) == "active", PushLatency);
        Assert.Equal("active", Status(listed, commitment.Id));
        Assert.Equal(0.5, (double)listed["items"]!.AsArray().Single(i => (string)i!["id"]! == commitment.Id)!["progress"]!, 9);
        Assert.Equal(1, (int)listed["totalItems"]!);

        // The goal's page lists it too (public lists leave drafts out; this one is active).
        var page = await app.Public.GetStringAsync($"/goals/{goal}");
        Assert.Contains($"/commitments/{commitment.Id}", page, StringComparison.Ordinal);

        // All of it came by deltas: no shard was read again.
        var after = Sync.Status;
        Assert.True(after.ListsLoaded);
        Assert.Equal(before.Shards.Select(s => s.Reads), after.Shards.Select(s => s.Reads));
        Assert.True(after.ContributionsApplied >= before.ContributionsApplied + 3, $"{after.ContributionsApplied - before.ContributionsApplied} contributions applied");
        Assert.Equal(commitment.Id, app.Services.GetRequiredService<SiteData>().Contributions.Get(commitment.Id)?.CommitmentId);
    }

    [Fact]
    public async Task A_gap_in_a_shards_numbers_is_filled_from_that_shards_recent_changes_without_reading_any_shard_whole()
    {
        await app.ListsCaughtUpAsync();
        const int shard = 5;
        var before = Sync.Status;
        var held = before.Shards[shard].Sequence;

        // A delta that skips one number, as if the one before it was lost on the way.
        Sync.Receive([new ContributionDelta(shard, held + 2, held + 2, [])]);

        var after = await Eventually.Value(() => Task.FromResult(Sync.Status),
            s => s.Shards[shard].CatchUps > before.Shards[shard].CatchUps && !s.Shards[shard].Reading, TimeSpan.FromSeconds(30));
        Assert.Equal(before.Shards[shard].CatchUps + 1, after.Shards[shard].CatchUps);
        Assert.Equal(before.Shards[shard].Gaps + 1, after.Shards[shard].Gaps);
        Assert.Equal(before.Shards.Select(s => s.Reads), after.Shards.Select(s => s.Reads));

        // The made-up number is forgotten (the shard had not reached it when asked): the host holds what the shard holds, and
        // no gap is left to catch up for.
        var actual = await app.Services.GetRequiredService<IClusterClient>().GetGrain<IContributionShardGrain>(shard).GetStatus();
        Assert.Equal(actual.Sequence, after.Shards[shard].Sequence);
        Assert.Equal(0, after.Shards[shard].RangesAhead);
    }

    private static string? Status(JsonObject list, string id) =>
        list["items"]!.AsArray().FirstOrDefault(i => (string)i!["id"]! == id)?["status"]?.GetValue<string>();
}
