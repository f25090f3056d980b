using System.Diagnostics;
using System.Text.Json.Nodes;
using CivicContracting.Aggregation;
using CivicContracting.Participants;
using CivicContracting.Web.Live;
using CivicContracting.Web.Places;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.Live;

[Collection(WebAppCollection.Name)]
public sealed class LiveEndpointTests(WebAppFixture app)
{
    [Fact]
    public async Task A_progress_report_reaches_two_live_clients_as_a_change_of_its_goal_and_neighbourhood_within_two_seconds()
    {
        var api = app.Operator;
        var neighbourhood = TestApi.Neighbourhood(7);
        var goal = await api.DefineGoalAsync();
        var goalScope = AggregateScope.Goal(goal);
        var placeScope = AggregateScope.Place(neighbourhood);

        await using var everything = await LiveStream.OpenAsync(app.BaseAddress, "/api/live");
        await using var oneGoal = await LiveStream.OpenAsync(app.BaseAddress, $"/api/live?scope={Uri.EscapeDataString(goalScope)}");
        Assert.Equal("text/event-stream", everything.Response.Content.Headers.ContentType?.MediaType);

        var participant = await api.RegisterAsync(ParticipantKind.School, neighbourhood, "Sint-Jan");
        var commitment = await api.CommitAsync(participant, neighbourhood, TestApi.ResultTerms(baseline: 20, target: 60), (goal, 1.0));
        await api.ConfirmAsync(commitment.Id);
        var previousPlaceSum = (await api.GetAsync<PlaceDetails>($"/api/places/{neighbourhood}")).Engagement.Totals.ProgressSum;
        var reported = await api.PostAsync($"/api/commitments/{commitment.Id}/progress", new { value = 40.0, note = "Counted in June" });
        reported.EnsureSuccessStatusCode();
        var clock = Stopwatch.StartNew();

        static bool HalfWay(JsonObject c, string scope) =>
            (string?)c["scope"] == scope && c["snapshot"]?["meanProgress"]?.GetValue<double>() is { } mean && Math.Abs(mean - 0.5) < 1e-9;

        foreach (var stream in new[] { everything, oneGoal })
        {
            var change = await stream.ChangeAsync(c => HalfWay(c, goalScope), TimeSpan.FromSeconds(2) - clock.Elapsed);
            Assert.Equal(1, change["snapshot"]!["totals"]!["commitments"]!.GetValue<int>());
            Assert.Equal(change["version"]!.GetValue<long>(), change["snapshot"]!["version"]!.GetValue<long>());
        }
        var place = await everything.ChangeAsync(
            c => (string?)c["scope"] == placeScope && c["snapshot"]?["totals"]?["progressSum"]?.GetValue<double>() >= previousPlaceSum + 0.5 - 1e-9,
            TimeSpan.FromSeconds(2) - clock.Elapsed);
        Assert.NotNull(place["snapshot"]!["totals"]!["firstEngagementAt"]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"The live changes took {clock.Elapsed.TotalMilliseconds:N0} ms");

        // The filtered client got only its scope.
        await Assert.ThrowsAsync<TimeoutException>(() => oneGoal.ChangeAsync(c => (string?)c["scope"] != goalScope, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task A_new_live_client_gets_the_current_snapshot_from_the_web_hosts_memory()
    {
        var api = app.Operator;
        var neighbourhood = TestApi.Neighbourhood(8);
        var goal = await api.DefineGoalAsync();
        var participant = await api.RegisterAsync(ParticipantKind.Resident, neighbourhood);
        var commitment = await api.CommitAsync(participant, neighbourhood, TestApi.ResultTerms(baseline: 20, target: 60), (goal, 1.0));
        await api.ConfirmAsync(commitment.Id);
        (await api.PostAsync($"/api/commitments/{commitment.Id}/progress", new { value = 60.0 })).EnsureSuccessStatusCode();
        var goalScope = AggregateScope.Goal(goal);
        var feed = app.Services.GetRequiredService<LiveFeed>();
        await Eventually.Value(
            () => Task.FromResult(feed.Snapshot.FirstOrDefault(c => c.Scope == goalScope)),
            c => c?.Snapshot.MeanProgress is 1.0,
            TimeSpan.FromSeconds(5));

        var opened = feed.OpenConnections;
        await using var late = await LiveStream.OpenAsync(app.BaseAddress, $"/api/live?scope={Uri.EscapeDataString(goalScope)}");
        var change = await late.ChangeAsync(c => (string?)c["scope"] == goalScope, TimeSpan.Zero);
        Assert.Equal(1.0, change["snapshot"]!["meanProgress"]!.GetValue<double>(), 9);
        Assert.Equal(opened + 1, feed.OpenConnections);
    }
}
