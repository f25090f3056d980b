using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CivicContracting.Commitments;
using CivicContracting.Web.Goals;
using CivicContracting.Web.Progress;

namespace CivicContracting.Web.Tests.Progress;

/// <summary>POST /api/participants/{id}/progress.csv: an organisation's measured values, all checked before any is stored, never stored twice.</summary>
[Collection(WebAppCollection.Name)]
public sealed class CsvImportTests(WebAppFixture app)
{
    [Fact]
    public async Task A_csv_of_values_becomes_reports_on_each_commitment_and_flows_into_the_goal_aggregate()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var a = await world.ConfirmedAsync();
        var b = await world.ConfirmedAsync();
        var csv = $"""
            commitmentId,value,reportedAt,note
            {a},20,2025-03-01,"Counted at the gate, morning"
            {a},40,2025-04-01T08:00:00+02:00,"Said ""forty""
            on two lines"
            {b},60,,
            """;

        var summary = await PostCsvAsync(world.Owner.Client, world.OrganisationId, csv, key: Guid.NewGuid().ToString())
            .ReadAsync<ProgressImportSummary>();

        Assert.Equal(new ProgressImportSummary(world.OrganisationId, 3, 3, 0), summary);
        var first = await world.CommitmentAsync(a);
        Assert.Equal(2, first.Reports.Count);
        Assert.Equal(["Counted at the gate, morning", "Said \"forty\"\non two lines"], first.Reports.Select(r => r.Note?.ReplaceLineEndings("\n")));
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), first.Reports[0].ReportedAt);
        Assert.Equal(new DateTimeOffset(2025, 4, 1, 6, 0, 0, TimeSpan.Zero), first.Reports[1].ReportedAt);
        Assert.All(first.Reports, r => Assert.StartsWith("k-", r.ReportId, StringComparison.Ordinal));
        Assert.Equal(40, first.CurrentValue);
        Assert.Equal(0.4, first.Progress!.Value, 9);
        Assert.Equal(CommitmentStatus.Active, first.Status);
        var second = await world.CommitmentAsync(b);
        Assert.Equal(60, Assert.Single(second.Reports).Value);
        Assert.Equal(0.6, second.Progress!.Value, 9);

        // The goal's aggregate follows: the mean of 0.4 and 0.6.
        var engagement = await Eventually.Value(
            async () => (await app.Public.GetAsync<GoalDetails>($"/api/goals/{world.GoalId}")).Engagement,
            e => e.MeanProgress is { } mean && Math.Abs(mean - 0.5) < 1e-9,
            TimeSpan.FromSeconds(10));
        Assert.True(engagement.MeanProgress is { } m && Math.Abs(m - 0.5) < 1e-9, $"Goal mean progress: {engagement.MeanProgress}");
        Assert.Equal(2, engagement.Totals.Commitments);
    }

    [Fact]
    public async Task One_bad_row_refuses_the_whole_file_with_400_naming_that_row_and_nothing_is_stored()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var a = await world.ConfirmedAsync();
        var b = await world.ConfirmedAsync();
        var before = await VersionsAsync(world, a, b);

        var csv = $"commitmentId,value\n{a},20\n{b},\"1.234,5\"\n{a},30\n";
        var problem = await PostCsvAsync(world.Owner.Client, world.OrganisationId, csv, key: Guid.NewGuid().ToString()).ProblemNamingAsync("rows[2].value");

        Assert.Single(problem["errors"]!.AsObject());
        Assert.Contains("one decimal separator", problem["errors"]!["rows[2].value"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("rows[2].value", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Contains("Nothing was stored", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(before, await VersionsAsync(world, a, b));
    }

    [Fact]
    public async Task Every_bad_row_is_listed_by_row_and_field_unknown_foreign_non_result_inactive_future_malformed_and_duplicate()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var good = await world.ConfirmedAsync();
        var action = await world.ConfirmedAsync(TestApi.ActionTerms());
        var draft = (await app.Operator.CommitAsync(world.OrganisationId, ProgressWorld.Neighbourhood, TestApi.ResultTerms(), (world.GoalId, 1))).Id;
        var otherOrganisation = await app.Operator.RegisterAsync(CivicContracting.Participants.ParticipantKind.Business, ProgressWorld.Neighbourhood);
        var foreign = await world.ConfirmedAsync(participantId: otherOrganisation);
        var before = await VersionsAsync(world, good, action, draft, foreign);
        var future = DateTimeOffset.UtcNow.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var csv = string.Join("\r\n",
            "commitmentId,value,reportedAt,note,reportId",
            $"{good},10,2025-01-01,fine,r-1",                 // 1: good
            $"c-none-{Guid.NewGuid():N},10,,,r-2",           // 2: unknown commitment
            $"{foreign},10,,,r-3",                           // 3: another participant's
            $"{action},10,,,r-4",                            // 4: not a result commitment
            $"{draft},10,,,r-5",                             // 5: not confirmed
            $"{good},10,{future},,r-6",                      // 6: in the future
            $"{good},10,31/01/2025,,r-7",                    // 7: not ISO 8601
            $"{good},ten,,,r-8",                             // 8: not a number
            $"{good},10,,,r-1",                              // 9: the id of row 1 again
            $"{good},10,,",                                  // 10: four fields for five columns
            $"{good},NaN,,,r 11",                            // 11: not finite, and an id with a space
            "");
        var problem = await PostCsvAsync(world.Owner.Client, world.OrganisationId, csv, key: Guid.NewGuid().ToString()).ProblemAsync(HttpStatusCode.BadRequest);

        var errors = problem["errors"]!.AsObject();
        string[] expected =
        [
            "rows[2].commitmentId", "rows[3].commitmentId", "rows[4].commitmentId", "rows[5].commitmentId", "rows[6].reportedAt",
            "rows[7].reportedAt", "rows[8].value", "rows[9].reportId", "rows[10]", "rows[11].value", "rows[11].reportId",
        ];
        Assert.Equal(expected.Order(), errors.Select(e => e.Key).Order());
        Assert.Contains("10 of 11 rows", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(before, await VersionsAsync(world, good, action, draft, foreign));
    }

    [Fact]
    public async Task A_retried_upload_with_the_same_Idempotency_Key_stores_nothing_twice_and_a_new_key_stores_again()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var a = await world.ConfirmedAsync();
        var b = await world.ConfirmedAsync();
        // No reportedAt: each row is dated when it arrives, so a retry differs in its date alone.
        var csv = $"commitmentId,value,note\n{a},25,first\n{b},35,second\n";
        var key = Guid.NewGuid().ToString();

        Assert.Equal(new ProgressImportSummary(world.OrganisationId, 2, 2, 0),
            await PostCsvAsync(world.Owner.Client, world.OrganisationId, csv, key).ReadAsync<ProgressImportSummary>());
        var stored = await VersionsAsync(world, a, b);
        Assert.Equal(new ProgressImportSummary(world.OrganisationId, 2, 0, 2),
            await PostCsvAsync(world.Owner.Client, world.OrganisationId, csv, key).ReadAsync<ProgressImportSummary>());
        Assert.Equal(stored, await VersionsAsync(world, a, b));
        Assert.Single((await world.CommitmentAsync(a)).Reports);

        // The same key with other data is a mistake, refused whole.
        await PostCsvAsync(world.Owner.Client, world.OrganisationId, $"commitmentId,value,note\n{a},26,first\n{b},35,second\n", key).ProblemNamingAsync("rows[1]");
        Assert.Equal(stored, await VersionsAsync(world, a, b));

        // A new key is a new upload.
        Assert.Equal(new ProgressImportSummary(world.OrganisationId, 2, 2, 0),
            await PostCsvAsync(world.Owner.Client, world.OrganisationId, csv, Guid.NewGuid().ToString()).ReadAsync<ProgressImportSummary>());
        Assert.Equal(2, (await world.CommitmentAsync(a)).Reports.Count);
    }

    [Fact]
    public async Task Without_an_Idempotency_Key_every_row_needs_a_reportId_which_makes_the_file_idempotent_on_its_own()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var a = await world.ConfirmedAsync();

        await PostCsvAsync(world.Owner.Client, world.OrganisationId, $"commitmentId,value\n{a},10\n", key: null).ProblemNamingAsync(IdempotencyKeys.HeaderName);
        await PostCsvAsync(world.Owner.Client, world.OrganisationId, $"commitmentId,value,reportId\n{a},10,r-1\n{a},11,\n", key: null).ProblemNamingAsync(IdempotencyKeys.HeaderName);
        Assert.Empty((await world.CommitmentAsync(a)).Reports);

        var csv = $"commitmentId,value,reportId\n{a},10,meter-2025-05\n{a},12,meter-2025-06\n";
        Assert.Equal(new ProgressImportSummary(world.OrganisationId, 2, 2, 0),
            await PostCsvAsync(world.Owner.Client, world.OrganisationId, csv, key: null).ReadAsync<ProgressImportSummary>());
        Assert.Equal(new ProgressImportSummary(world.OrganisationId, 2, 0, 2),
            await PostCsvAsync(world.Owner.Client, world.OrganisationId, csv, key: null).ReadAsync<ProgressImportSummary>());
        Assert.Equal(["meter-2025-05", "meter-2025-06"], (await world.CommitmentAsync(a)).Reports.Select(r => r.ReportId).Order());
    }

    [Fact]
    public async Task Spreadsheet_csv_with_semicolons_a_byte_order_mark_and_CRLF_is_read_and_malformed_files_are_refused_whole()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var a = await world.ConfirmedAsync();
        var client = world.Owner.Client;
        var path = $"/api/participants/{world.OrganisationId}/progress.csv";

        var excel = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes($"CommitmentId;Value;Note\r\n{a};15;\"Telling; with a semicolon\"\r\n;;\r\n")).ToArray();
        using (var body = new ByteArrayContent(excel))
        {
            body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body };
            request.Headers.Add(IdempotencyKeys.HeaderName, Guid.NewGuid().ToString());
            Assert.Equal(new ProgressImportSummary(world.OrganisationId, 1, 1, 0), await (await client.SendAsync(request)).ReadAsync<ProgressImportSummary>());
        }
        Assert.Equal("Telling; with a semicolon", Assert.Single((await world.CommitmentAsync(a)).Reports).Note);
        var version = (await world.CommitmentAsync(a)).Version;

        var key = Guid.NewGuid().ToString();
        await PostCsvAsync(client, world.OrganisationId, $"commitmentId,value,note\n{a},1,\"unclosed\n", key).ProblemNamingAsync("$");
        await PostCsvAsync(client, world.OrganisationId, $"commitmentId,value,note\n{a},1,say \"hi\"\n", key).ProblemNamingAsync("$");
        await PostCsvAsync(client, world.OrganisationId, $"commitmentId,amount\n{a},1\n", key).ProblemNamingAsync("header");
        await PostCsvAsync(client, world.OrganisationId, "commitmentId,value\n", key).ProblemNamingAsync("$");
        await PostCsvAsync(client, world.OrganisationId, "", key).ProblemNamingAsync("header");
        var tooMany = "commitmentId,value\n" + string.Concat(Enumerable.Repeat($"{a},1\n", 5_001));
        var rows = await PostCsvAsync(client, world.OrganisationId, tooMany, key).ProblemNamingAsync("$");
        Assert.Contains("Progress:MaxCsvRows", (string?)rows["detail"], StringComparison.Ordinal);
        using (var json = new StringContent($"commitmentId,value\n{a},1\n", Encoding.UTF8, "application/json"))
            await (await client.PostAsync(path, json)).ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await PostCsvAsync(app.Operator, $"p-none-{Guid.NewGuid():N}", $"commitmentId,value\n{a},1\n", key).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(version, (await world.CommitmentAsync(a)).Version);
    }

    [Fact]
    public async Task The_largest_allowed_file_is_stored_whole_with_one_write_per_commitment_and_the_newest_value_by_date_wins()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitments = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => world.ConfirmedAsync()));
        var versions = (await Task.WhenAll(commitments.Select(world.CommitmentAsync))).Select(v => v.Version).ToArray();
        var start = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var csv = new StringBuilder("commitmentId,value,reportedAt\n");
        for (var row = 0; row < 5_000; row++)
        {
            // Each commitment's rows in reverse date order: its first row (value 80) is dated last, so 80 stays current.
            var day = start.AddDays(1_250 - row / 4).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            csv.Append(Invariant($"{commitments[row % 4]},{(row < 4 ? 80 : row % 50)},{day}\n"));
        }

        var summary = await PostCsvAsync(world.Owner.Client, world.OrganisationId, csv.ToString(), Guid.NewGuid().ToString()).ReadAsync<ProgressImportSummary>();

        Assert.Equal(new ProgressImportSummary(world.OrganisationId, 5_000, 5_000, 0), summary);
        for (var i = 0; i < commitments.Length; i++)
        {
            var view = await world.CommitmentAsync(commitments[i]);
            Assert.Equal(1_250, view.ReportCount);
            Assert.Equal(ReportHistory.NewestInView, view.Reports.Count); // the newest; the rest in GET …/reports
            Assert.Equal(versions[i] + 2, view.Version); // 1,250 reports: two calls of at most 1,000
            Assert.Equal(80, view.CurrentValue);
        }
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    public static async Task<HttpResponseMessage> PostCsvAsync(HttpClient client, string participantId, string csv, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/participants/{participantId}/progress.csv")
        {
            Content = new StringContent(csv, Encoding.UTF8, "text/csv"),
        };
        if (key is not null)
            request.Headers.Add(IdempotencyKeys.HeaderName, key);
        return await client.SendAsync(request);
    }

    private static async Task<string> VersionsAsync(ProgressWorld world, params string[] ids)
    {
        var views = await Task.WhenAll(ids.Select(world.CommitmentAsync));
        return string.Join(",", views.Select(v => $"{v.Id}:{v.Version}:{v.Reports.Count}"));
    }
}
