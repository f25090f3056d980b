using System.Net;
using System.Text.RegularExpressions;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Paging;

namespace CivicContracting.Web.Tests.Goals;

/// <summary>
/// GET /api/goals/{id}/commitments filters by level, kind, status and neighbourhood as the goal's page does
/// (/goals/{id}?level=…): each filter changes the result, admits exactly the commitments whose fields match, and (drafts
/// aside, which only the API lists) the same commitments as the page. A value it does not know is a 400 naming it.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class GoalCommitmentFilterTests(WebAppFixture app)
{
    private static readonly string W01 = TestApi.Neighbourhood(1);
    private static readonly string W02 = TestApi.Neighbourhood(2);
    private static readonly string W03 = TestApi.Neighbourhood(3);

    [Fact]
    public async Task Each_filter_keeps_the_matching_commitments_and_the_same_ones_as_the_goal_page()
    {
        var api = app.Operator;
        var goal = await api.DefineGoalAsync();
        var resident = await api.RegisterAsync(ParticipantKind.Resident, W01);
        var school = await api.RegisterAsync(ParticipantKind.School, W02);
        var business = await api.RegisterAsync(ParticipantKind.Business, W03);

        var pledge = await api.CommitAsync(resident, W01, TestApi.PledgeTerms(), (goal, 1));
        await api.ConfirmAsync(pledge.Id);
        var result = await api.CommitAsync(school, W02, TestApi.ResultTerms(), (goal, 1));
        await api.ConfirmAsync(result.Id);
        var draft = await api.CommitAsync(business, W03, TestApi.ActionTerms(), (goal, 1));
        var withdrawn = await api.CommitAsync(school, W01, TestApi.ActionTerms(), (goal, 1));
        await api.ConfirmAsync(withdrawn.Id);
        await (await api.PostAsync($"/api/commitments/{withdrawn.Id}/withdrawal", new { reason = "Changed plans." })).ReadAsync<CommitmentView>();

        // The list is this web host's index, kept current by the shards' deltas.
        var all = await Eventually.Value(
            () => api.GetAsync<Paged<CommitmentSummary>>($"/api/goals/{goal}/commitments?pageSize=100"),
            l => l.TotalItems == 4 && l.Items.Any(c => c.Id == withdrawn.Id && c.Status == CommitmentStatus.Withdrawn));

        (string Query, Func<CommitmentSummary, bool> Admits)[] filters =
        [
            ("level=pledge", c => c.Level == CommitmentLevel.Pledge),
            ("level=Action", c => c.Level == CommitmentLevel.Action),
            ("kind=school", c => c.ParticipantKind == ParticipantKind.School),
            ("status=draft", c => c.Status == CommitmentStatus.Draft),
            ("status=withdrawn", c => c.Status == CommitmentStatus.Withdrawn),
            ($"neighbourhood={W01}", c => c.NeighbourhoodCode == W01),
            ($"kind=school&neighbourhood={W01}", c => c.ParticipantKind == ParticipantKind.School && c.NeighbourhoodCode == W01),
            ($"level=result&kind=resident", _ => false),
        ];
        foreach (var (query, admits) in filters)
        {
            var filtered = await api.GetAsync<Paged<CommitmentSummary>>($"/api/goals/{goal}/commitments?{query}&pageSize=100");
            var expected = all.Items.Where(admits).Select(c => c.Id).Order().ToList();
            Assert.True(expected.Count < all.TotalItems, $"{query} should leave some out");
            Assert.Equal(expected, filtered.Items.Select(c => c.Id).Order().ToList());
            Assert.Equal(expected.Count, filtered.TotalItems);

            // The goal's page lists the public ones (no drafts) through the same filter.
            var html = await (await app.Public.GetAsync(new Uri($"/goals/{goal}?{query}", UriKind.Relative))).Content.ReadAsStringAsync();
            var onPage = CommitmentLink().Matches(html).Select(m => m.Groups[1].Value).Distinct().Order().ToList();
            Assert.Equal(filtered.Items.Where(c => c.Status != CommitmentStatus.Draft).Select(c => c.Id).Order().ToList(), onPage);
        }

        // Pages of a filtered list.
        var first = await api.GetAsync<Paged<CommitmentSummary>>($"/api/goals/{goal}/commitments?kind=school&pageSize=1");
        var second = await api.GetAsync<Paged<CommitmentSummary>>($"/api/goals/{goal}/commitments?kind=school&pageSize=1&page=2");
        Assert.Equal(2, first.TotalItems);
        Assert.Equal(2, first.TotalPages);
        Assert.Equal(new[] { result.Id, withdrawn.Id }.Order(), first.Items.Concat(second.Items).Select(c => c.Id).Order());
    }

    [Theory]
    [InlineData("level=promise", "level")]
    [InlineData("kind=robot", "kind")]
    [InlineData("status=1", "status")]
    [InlineData("neighbourhood=24062", "neighbourhood")]
    [InlineData("neighbourhood=nowhere", "neighbourhood")]
    public async Task An_unknown_filter_value_is_a_problem_naming_the_parameter(string query, string parameter)
    {
        var goal = await app.Operator.DefineGoalAsync();
        var response = await app.Public.GetAsync(new Uri($"/api/goals/{goal}/commitments?{query}", UriKind.Relative));
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ProblemNamingAsync(parameter);
        Assert.Equal(400, (int)problem["status"]!);
    }

    [Fact]
    public async Task An_empty_filter_value_filters_nothing()
    {
        var goal = await app.Operator.DefineGoalAsync();
        var response = await app.Public.GetAsync(new Uri($"/api/goals/{goal}/commitments?level=&kind=%20&status=&neighbourhood=", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [GeneratedRegex("href=\"/commitments/(c-test-[0-9a-f]{32})\"")]
    private static partial Regex CommitmentLink();
}
