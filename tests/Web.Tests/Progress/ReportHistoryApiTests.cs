using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Commitments;
using CivicContracting.Web.Paging;
using CivicContracting.Web.Progress;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Progress;

/// <summary>
/// A commitment's report history over HTTP: a commitment carries its newest reports, GET /api/commitments/{id}/reports
/// reads all of them in pages (redacted for the public like the commitment), retries of old reports are recognised, and
/// the commitment page pages its timeline and charts every value.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class ReportHistoryApiTests(WebAppFixture app)
{
    private static readonly DateTimeOffset Start = new(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-30), TimeSpan.Zero);

    /// <summary>A CSV import of measurements 0 to <paramref name="reports"/> − 1: an hour apart, each with a note that names it.</summary>
    private static string Csv(string commitment, int reports) => "commitmentId,value,reportedAt,note,reportId\n"
        + string.Concat(Enumerable.Range(0, reports).Select(i => FormattableString.Invariant($"{commitment},{i % 100},{Start.AddHours(i):O},Meting {i}.,m-{i:D3}\n")));

    private async Task<(ProgressWorld World, string Commitment)> CommitmentWithHistoryAsync(int reports)
    {
        var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        var summary = await (await CsvImportTests.PostCsvAsync(world.Owner.Client, world.OrganisationId, Csv(commitment, reports), key: null)).ReadAsync<ProgressImportSummary>();
        Assert.Equal(reports, summary.Applied);
        return (world, commitment);
    }

    [Fact]
    public async Task The_history_reads_in_pages_newest_first_and_bad_paging_is_a_problem_naming_the_field()
    {
        var (world, id) = await CommitmentWithHistoryAsync(130);
        using var _ = world;

        var view = await world.CommitmentAsync(id);
        Assert.Equal(130, view.ReportCount);
        Assert.Equal(Enumerable.Range(110, 20).Select(i => $"m-{i:D3}"), view.Reports.Select(r => r.ReportId));

        var first = await app.Public.GetAsync<Paged<ProgressReport>>($"/api/commitments/{id}/reports");
        Assert.Equal((1, 20, 130, 7), (first.Page, first.PageSize, first.TotalItems, first.TotalPages));
        Assert.Equal(Enumerable.Range(110, 20).Reverse().Select(i => $"m-{i:D3}"), first.Items.Select(r => r.ReportId));
        var all = new List<ProgressReport>();
        for (var page = 1; page <= 3; page++)
            all.AddRange((await app.Public.GetAsync<Paged<ProgressReport>>($"/api/commitments/{id}/reports?page={page}&pageSize=50")).Items);
        Assert.Equal(Enumerable.Range(0, 130).Reverse().Select(i => $"m-{i:D3}"), all.Select(r => r.ReportId));
        Assert.Equal(Start.AddHours(3), all[^4].ReportedAt);
        Assert.Empty((await app.Public.GetAsync<Paged<ProgressReport>>($"/api/commitments/{id}/reports?page=4&pageSize=50")).Items);

        await (await app.Public.GetAsync($"/api/commitments/{id}/reports?page=0")).ProblemNamingAsync("page");
        await (await app.Public.GetAsync($"/api/commitments/{id}/reports?pageSize=101")).ProblemNamingAsync("pageSize");
        await (await app.Public.GetAsync($"/api/commitments/{id}/reports?pageSize=0")).ProblemNamingAsync("pageSize");
        await (await app.Public.GetAsync($"/api/commitments/{id}/reports?page=abc")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await app.Public.GetAsync($"/api/commitments/c-none-{Guid.NewGuid():N}/reports")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Retries_of_reports_older_than_the_newest_are_recognised_by_every_entrance()
    {
        var (world, id) = await CommitmentWithHistoryAsync(130);
        using var _ = world;
        var version = (await world.CommitmentAsync(id)).Version;

        // The file re-sent whole: every row counted as stored.
        var again = await (await CsvImportTests.PostCsvAsync(world.Owner.Client, world.OrganisationId, Csv(id, 130), key: null)).ReadAsync<ProgressImportSummary>();
        Assert.Equal((0, 130), (again.Applied, again.AlreadyApplied));
        var changed = Csv(id, 130).Replace($"{id},5,", $"{id},6,", StringComparison.Ordinal); // row 6 (m-005) with another value
        await (await CsvImportTests.PostCsvAsync(world.Owner.Client, world.OrganisationId, changed, key: null)).ProblemNamingAsync("rows[6].reportId");

        // The oldest report retried without its date (dated on arrival: only the date differs) is the same report; with
        // another value it is a conflict.
        var retried = await (await app.Operator.PostAsync($"/api/commitments/{id}/progress", new { reportId = "m-000", value = 0, note = "Meting 0." })).ReadAsync<CommitmentView>();
        Assert.Equal((version, 130), (retried.Version, retried.ReportCount));
        await (await app.Operator.PostAsync($"/api/commitments/{id}/progress", new { reportId = "m-000", value = 5, note = "Meting 0." })).ProblemAsync(HttpStatusCode.Conflict);
        await (await app.Operator.PostAsync($"/api/commitments/{id}/progress", new { reportId = "m-001", reportedAt = Start, value = 1 })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(version, (await world.CommitmentAsync(id)).Version);
    }

    [Fact]
    public async Task A_hidden_old_report_is_redacted_in_the_pages_for_the_public_and_read_whole_by_the_support_team()
    {
        var (world, id) = await CommitmentWithHistoryAsync(101);
        using var _ = world;
        var resident = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        var moderator = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(app.Operator, moderator.AccountId, "moderator");

        // m-001 is far older than the newest reports a commitment carries: it is flagged and hidden all the same.
        await (await resident.Client.PostAsync($"/api/commitments/{id}/flags", new { target = "report", reportId = "m-001", reason = "Persoonsgegevens in de notitie" }))
            .ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        await (await resident.Client.PostAsync($"/api/commitments/{id}/flags", new { target = "report", reportId = "m-999", reason = "Bestaat niet" }))
            .ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("Meting 1.", await moderator.Client.GetStringAsync("/moderation"), StringComparison.Ordinal); // the flagged report as stored
        await (await moderator.Client.PostAsync($"/api/commitments/{id}/moderation", new { action = "hide", target = "report", reportId = "m-001", publicReason = "Persoonsgegevens" }))
            .ReadAsync<JsonObject>();

        var forThePublic = await app.Public.GetAsync<Paged<ProgressReport>>($"/api/commitments/{id}/reports?page=1&pageSize=100"); // m-100 to m-001
        var hidden = forThePublic.Items.Single(r => r.ReportId == "m-001");
        Assert.Equal((1.0, null, null), (hidden.Value, hidden.Note, hidden.EvidenceUrl));
        Assert.Equal("Meting 2.", forThePublic.Items.Single(r => r.ReportId == "m-002").Note);
        var forTheTeam = await moderator.Client.GetAsync<Paged<ProgressReport>>($"/api/commitments/{id}/reports?page=1&pageSize=100");
        Assert.Equal("Meting 1.", forTheTeam.Items.Single(r => r.ReportId == "m-001").Note);

        // The page: the newest reports first, older ones on later pages; the hidden note is the moderators' to read.
        var newest = await app.Public.GetStringAsync($"/commitments/{id}");
        Assert.Contains("data-timeline-pages=\"6\"", newest, StringComparison.Ordinal);
        Assert.Contains("Meting 100.", newest, StringComparison.Ordinal);
        Assert.DoesNotContain("Meting 80.", newest, StringComparison.Ordinal);
        Assert.Contains($"/commitments/{id}?reports=2", newest, StringComparison.Ordinal);
        // The chart's line runs through the baseline and every value of the history (its dots mark the newest 40).
        Assert.Equal(1 + 101, ChartLine().Match(newest).Groups["d"].Value.Count(c => c is 'M' or 'L'));
        var second = await app.Public.GetStringAsync($"/commitments/{id}?reports=2");
        Assert.Contains("Meting 80.", second, StringComparison.Ordinal);
        Assert.DoesNotContain("Meting 81.", second, StringComparison.Ordinal);
        var fifth = await app.Public.GetStringAsync($"/commitments/{id}?reports=5"); // m-020 to m-001
        Assert.Contains("Meting 2.", fifth, StringComparison.Ordinal);
        Assert.Contains("data-report-hidden=\"m-001\"", fifth, StringComparison.Ordinal);
        Assert.DoesNotContain("Meting 1.", fifth, StringComparison.Ordinal);
        Assert.Contains("Meting 1.", await moderator.Client.GetStringAsync($"/commitments/{id}?reports=5"), StringComparison.Ordinal);
        var pastTheEnd = await app.Public.GetStringAsync($"/commitments/{id}?reports=60"); // the last page: m-000
        Assert.Contains("data-timeline-page=\"6\"", pastTheEnd, StringComparison.Ordinal);
        Assert.Contains("Meting 0.", pastTheEnd, StringComparison.Ordinal);
        Assert.DoesNotContain("Meting 2.", pastTheEnd, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_coach_verifies_an_old_claim_with_the_form_on_its_timeline_page_and_comes_back_to_that_page()
    {
        var (world, id) = await CommitmentWithHistoryAsync(101);
        using var _ = world;
        using var coach = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(app.Operator, coach.AccountId, "coach");

        // The claims listed are those of the timeline page: m-001 is on page 5.
        Assert.DoesNotContain("data-verify-report=\"m-001\"", await coach.Client.GetStringAsync($"/commitments/{id}"), StringComparison.Ordinal);
        var form = Regex.Match(await coach.Client.GetStringAsync($"/commitments/{id}?reports=5"), "<form[^>]*data-verify-report=\"m-001\"[^>]*>.*?</form>", RegexOptions.Singleline);
        Assert.True(form.Success, "No verify form for m-001 on page 5.");
        var fields = HiddenField().Matches(form.Value).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["Note"] = "Counted on site.";
        var done = await coach.Client.PostAsync(WebUtility.HtmlDecode(FormAction().Match(form.Value).Groups[1].Value), new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("reports=5", done.RequestMessage!.RequestUri!.Query, StringComparison.Ordinal);
        Assert.Contains("data-claim=\"m-001\" data-claim-tier=\"verified\"", await done.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var view = await world.CommitmentAsync(id);
        Assert.Equal("m-001", Assert.Single(view.Verifications!).ReportId);
    }

    [GeneratedRegex("<input (?=[^>]*type=\"hidden\")[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenField();

    [GeneratedRegex("action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("id=\"chart-target\".*?<path class=\"chart-line\" d=\"(?<d>[^\"]*)\"", RegexOptions.Singleline)]
    private static partial Regex ChartLine();
}
