using System.Diagnostics;
using System.Net;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Goals;
using CivicContracting.Web.Places;
using CivicContracting.Web.Tests.ReadModel;

namespace CivicContracting.Web.Tests;

[Collection(WebAppCollection.Name)]
public sealed class LiveAggregationTests(WebAppFixture app)
{
    [Fact]
    public async Task Progress_reported_through_the_API_reaches_goal_ambition_neighbourhood_district_and_city_within_one_second()
    {
        var api = app.Operator;
        var neighbourhood = TestApi.Neighbourhood(1);
        var place = PlaceCatalog.Leuven.Get(neighbourhood);
        var placeScopes = place.SelfAndAncestors; // neighbourhood, district, city
        Assert.Equal(3, placeScopes.Count);
        // Earlier tests share these places: start from aggregates that have settled.
        var before = new Dictionary<string, EngagementSnapshot>();
        foreach (var code in placeScopes)
            before[code] = await SettledAsync($"/api/places/{code}");

        var school = await api.RegisterAsync(ParticipantKind.School, neighbourhood, "De ARK");
        var ambition = await api.DefineGoalAsync();
        var objective = await api.DefineGoalAsync(parentGoalId: ambition);
        var commitment = await api.CommitAsync(school, neighbourhood, TestApi.ResultTerms(baseline: 20, target: 60), (objective, 1.0));
        await api.ConfirmAsync(commitment.Id);
        var reported = await (await api.PostAsync($"/api/commitments/{commitment.Id}/progress", new { value = 40.0, note = "Counted in May" }))
            .ReadAsync<CommitmentView>();
        Assert.Equal(0.5, reported.Progress!.Value, 9);
        var clock = Stopwatch.StartNew();

        foreach (var goal in new[] { objective, ambition })
        {
            var seen = await Eventually.Value(
                async () => (await api.GetAsync<GoalDetails>($"/api/goals/{goal}")).Engagement,
                s => s.MeanProgress is { } mean && Math.Abs(mean - 0.5) < 1e-9,
                TimeSpan.FromSeconds(1) - clock.Elapsed, $"goal {goal} seeing the report within 1 s");
            Assert.True(seen.MeanProgress is { } m && Math.Abs(m - 0.5) < 1e-9, $"Goal {goal} did not see the report within 1 s: {System.Text.Json.JsonSerializer.Serialize(seen, TestApi.Json)}");
            Assert.Equal(1, seen.Totals.Commitments);
            Assert.Equal(1, seen.Totals.EngagedByLevel.GetValueOrDefault(CommitmentLevel.Result));
            Assert.Equal(1, seen.Totals.ParticipantsByKind.GetValueOrDefault(ParticipantKind.School));
            Assert.Equal(0.5, seen.MeanProgress!.Value, 9);
        }
        foreach (var code in placeScopes)
        {
            var was = before[code];
            var seen = await Eventually.Value(
                async () => (await api.GetAsync<PlaceDetails>($"/api/places/{code}")).Engagement,
                s => Math.Abs(s.Totals.ProgressSum - (was.Totals.ProgressSum + 0.5)) < 1e-9,
                TimeSpan.FromSeconds(1) - clock.Elapsed, $"place {code} seeing the report within 1 s");
            Assert.True(Math.Abs(seen.Totals.ProgressSum - (was.Totals.ProgressSum + 0.5)) < 1e-9, $"Place {code} did not see the report within 1 s");
            Assert.Equal(was.Totals.ProgressCount + 1, seen.Totals.ProgressCount);
            Assert.Equal(was.Totals.Commitments + 1, seen.Totals.Commitments);
            Assert.Equal(was.Totals.EngagedByLevel.GetValueOrDefault(CommitmentLevel.Result) + 1, seen.Totals.EngagedByLevel.GetValueOrDefault(CommitmentLevel.Result));
            Assert.NotNull(seen.Totals.FirstEngagementAt);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"All aggregates took {clock.Elapsed.TotalMilliseconds:N0} ms");

        // The commitment is listed under its goal, its ambition and its places, with its title (the lists follow the shards'
        // deltas, which travel beside the aggregates' changes).
        await app.ListsCaughtUpAsync();
        foreach (var path in new[] { $"/api/goals/{objective}/commitments", $"/api/goals/{ambition}/commitments", $"/api/places/{neighbourhood}/commitments", $"/api/places/{PlaceCatalog.CityCode}/commitments?pageSize=100" })
        {
            var listed = await api.GetAsync<Paging.Paged<Commitments.CommitmentSummary>>(path);
            var line = Assert.Single(listed.Items, c => c.Id == commitment.Id);
            Assert.Equal("More trips to school on foot or by bike", line.Title);
            Assert.Equal(CommitmentStatus.Active, line.Status);
        }

        // The history of the neighbourhood has at least one bucket now.
        var history = await api.GetAsync<IReadOnlyList<EngagementBucket>>($"/api/places/{neighbourhood}/history");
        Assert.NotEmpty(history);
        var goalHistory = await api.GetAsync<IReadOnlyList<EngagementBucket>>($"/api/goals/{objective}/history");
        Assert.NotEmpty(goalHistory);
    }

    private async Task<EngagementSnapshot> SettledAsync(string path)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        var last = (await app.Public.GetAsync<PlaceDetails>(path)).Engagement;
        while (DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var now = (await app.Public.GetAsync<PlaceDetails>(path)).Engagement;
            if (now.Version == last.Version)
                return now;
            last = now;
        }
        return last;
    }

    [Fact]
    public async Task A_commitment_can_be_upgraded_withdrawn_and_closed_and_keeps_its_earlier_versions()
    {
        var api = app.Operator;
        var neighbourhood = TestApi.Neighbourhood(7);
        var shop = await api.RegisterAsync(ParticipantKind.Business, neighbourhood);
        var goal = await api.DefineGoalAsync();
        var pledge = await api.CommitAsync(shop, neighbourhood, TestApi.PledgeTerms(), (goal, 1.0));
        Assert.Equal(CommitmentStatus.Draft, pledge.Status);
        await api.ConfirmAsync(pledge.Id);

        var newTerms = TestApi.ResultTerms(baseline: 100, target: 50);
        var hash = CommitmentText.Hash(System.Text.Json.JsonSerializer.Deserialize<CommitmentTerms>(System.Text.Json.JsonSerializer.Serialize(newTerms, TestApi.Json), TestApi.Json)!);
        var upgraded = await (await api.PostAsync($"/api/commitments/{pledge.Id}/upgrade", new { terms = newTerms, confirmedBy = "Shop owner", textHash = hash, language = "nl" }))
            .ReadAsync<CommitmentView>();
        Assert.Equal(CommitmentLevel.Result, upgraded.Terms.Level);
        Assert.Equal(2, upgraded.TermsVersion);
        var earlier = Assert.Single(upgraded.EarlierVersions);
        Assert.Equal(CommitmentLevel.Pledge, earlier.Terms.Level);

        // A decreasing target: from 100 down to 50, now at 75, is halfway.
        var reported = await (await api.PostAsync($"/api/commitments/{pledge.Id}/progress", new { value = 75.0 })).ReadAsync<CommitmentView>();
        Assert.Equal(0.5, reported.Progress!.Value, 9);

        var closed = await (await api.PostAsync($"/api/commitments/{pledge.Id}/closure", new { outcome = "achieved" })).ReadAsync<CommitmentView>();
        Assert.Equal(CommitmentStatus.Achieved, closed.Status);
        var conflict = await api.PostAsync($"/api/commitments/{pledge.Id}/withdrawal", new { reason = "Too late" });
        await conflict.ProblemAsync(HttpStatusCode.Conflict);

        var other = await api.CommitAsync(shop, neighbourhood, TestApi.ActionTerms(2), (goal, 1.0));
        await api.ConfirmAsync(other.Id);
        var withdrawn = await (await api.PostAsync($"/api/commitments/{other.Id}/withdrawal", new { reason = "The shop moved." })).ReadAsync<CommitmentView>();
        Assert.Equal(CommitmentStatus.Withdrawn, withdrawn.Status);
        Assert.Equal("The shop moved.", withdrawn.WithdrawalReason);

        var read = await api.GetAsync<CommitmentView>($"/api/commitments/{pledge.Id}");
        Assert.Single(read.Reports);
        Assert.Single(read.EarlierVersions);
        Assert.NotNull(read.Confirmation);
    }

    [Fact]
    public async Task A_retried_progress_report_with_the_same_report_id_is_stored_once()
    {
        var api = app.Operator;
        var neighbourhood = TestApi.Neighbourhood(12);
        var resident = await api.RegisterAsync(ParticipantKind.Resident, neighbourhood);
        var goal = await api.DefineGoalAsync();
        var commitment = await api.CommitAsync(resident, neighbourhood, TestApi.ActionTerms(4), (goal, 1.0));
        await api.ConfirmAsync(commitment.Id);

        var report = new { reportId = "r-retry-1", reportedAt = "2025-01-15T10:00:00Z", completedMilestoneId = "m1", note = "Planted" };
        var first = await (await api.PostAsync($"/api/commitments/{commitment.Id}/progress", report)).ReadAsync<CommitmentView>();
        var second = await (await api.PostAsync($"/api/commitments/{commitment.Id}/progress", report)).ReadAsync<CommitmentView>();
        Assert.Single(second.Reports);
        Assert.Equal(0.25, second.Progress!.Value, 9);
        Assert.Equal(first.Version, second.Version);

        // Without a reportId the server makes one: each such post is a new report.
        await (await api.PostAsync($"/api/commitments/{commitment.Id}/progress", new { note = "Still going" })).ReadAsync<CommitmentView>();
        var read = await api.GetAsync<CommitmentView>($"/api/commitments/{commitment.Id}");
        Assert.Equal(2, read.Reports.Count);
        Assert.All(read.Reports, r => Assert.False(string.IsNullOrWhiteSpace(r.ReportId)));
    }
}
