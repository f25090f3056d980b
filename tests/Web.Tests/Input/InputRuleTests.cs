using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Tests.Accounts;
using CivicContracting.Web.Tests.Progress;

namespace CivicContracting.Web.Tests.Input;

/// <summary>
/// Issue 14, findings 5 to 7: a truncated upload is the sender's mistake (4xx, never 500), every way in follows one rule
/// set (dates, directions, neighbourhood codes, follows, report ids, deadlines), and no text is stored with control
/// characters or bidi overrides in it; user text on the pages sits in its own direction (bdi or dir="auto").
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class InputRuleTests(WebAppFixture app)
{
    /// <summary>The reproduction of the issue: a multipart body cut off in the middle of the file.</summary>
    private static readonly byte[] TruncatedUpload =
        [.. "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n"u8, 0x89, .. "PNG"u8];

    // Finding 5 -----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_truncated_multipart_upload_is_400_problem_json_and_stores_nothing()
    {
        var world = await SharedProgressWorld.GetAsync(app);
        var commitment = await world.ConfirmedAsync();
        var content = new ByteArrayContent(TruncatedUpload);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");

        using var response = await world.Owner.Client.PostAsync($"/api/commitments/{commitment}/evidence", content);

        await response.ProblemNamingAsync("$");
        Assert.Empty((await world.CommitmentAsync(commitment)).Reports);
    }

    [Fact]
    public async Task A_truncated_photo_form_is_refused_without_a_server_error_and_stores_no_report()
    {
        var world = await SharedProgressWorld.GetAsync(app);
        var commitment = await world.ConfirmedAsync();
        using var browser = People.SessionClient(app.BaseAddress);
        await (await browser.PostAsync("/api/session", new { loginName = world.Owner.LoginName, password = world.Owner.Password })).ReadAsync<JsonObject>();
        var path = $"/commitments/{commitment}/report";
        var form = await browser.GetStringAsync(path);
        var head = $"--x\r\nContent-Disposition: form-data; name=\"__RequestVerificationToken\"\r\n\r\n{AntiforgeryField().Match(form).Groups[1].Value}\r\n"
            + "--x\r\nContent-Disposition: form-data; name=\"value\"\r\n\r\n30\r\n"
            + "--x\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n";
        var content = new ByteArrayContent([.. Encoding.UTF8.GetBytes(head), 0x89, .. "PNG"u8]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");

        using var response = await browser.PostAsync(path, content);

        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"Expected a 4xx, got {status}: {await response.Content.ReadAsStringAsync()}");
        Assert.Empty((await world.CommitmentAsync(commitment)).Reports);
    }

    // Finding 6 -----------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("0002-01-01T00:00:00Z")]
    [InlineData("1900-01-01T00:00:00Z")]
    [InlineData("+23h")]
    public async Task A_report_dated_before_2000_or_more_than_5_minutes_ahead_is_refused_and_does_not_pin_the_current_value(string reportedAt)
    {
        var world = await SharedProgressWorld.GetAsync(app);
        var commitment = await world.ConfirmedAsync();
        var date = reportedAt == "+23h" ? DateTimeOffset.UtcNow.AddHours(23).ToString("O", System.Globalization.CultureInfo.InvariantCulture) : reportedAt;

        await (await app.Operator.PostAsync($"/api/commitments/{commitment}/progress", new { reportId = "r-ahead", reportedAt = date, value = 90 })).ProblemNamingAsync("reportedAt");
        await (await app.Operator.PostAsync($"/api/commitments/{commitment}/progress", new { reportId = "r-now", value = 30 })).ReadAsync<CommitmentView>();

        var read = await world.CommitmentAsync(commitment);
        Assert.Equal(30, read.CurrentValue);
        Assert.Single(read.Reports);
    }

    [Fact]
    public async Task A_metric_feed_value_dated_a_day_ahead_is_refused_as_by_the_json_api()
    {
        var world = await SharedProgressWorld.GetAsync(app);
        var commitment = await world.ConfirmedAsync();
        var ahead = DateTimeOffset.UtcNow.AddHours(23).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        using var response = await app.Operator.PostAsync($"/api/commitments/{commitment}/metrics", new { values = new[] { new { reportId = "m-ahead", measuredAt = ahead, value = 90 } } });

        await response.ProblemNamingAsync("values[0].measuredAt");
        Assert.Empty((await world.CommitmentAsync(commitment)).Reports);
    }

    [Theory]
    [InlineData("sideways")]
    [InlineData("decrease")]
    public async Task A_direction_that_is_unknown_or_contradicts_baseline_and_target_is_refused(string direction)
    {
        var (participant, goal) = await ParticipantAndGoalAsync();
        var id = $"c-dir-{Guid.NewGuid():N}";
        var response = await app.Operator.PostAsync("/api/commitments", new
        {
            id,
            participantId = participant,
            goals = new[] { new { goalId = goal, weight = 1.0 } },
            neighbourhoodCode = TestApi.Neighbourhood(3),
            terms = new
            {
                level = "result",
                title = "More bikes",
                description = "",
                target = new { metric = "bikes", unit = "#", baseline = 10, target = 20, deadline = "2030-06-30", direction },
            },
        });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("terms.target", string.Join(",", problem["errors"]!.AsObject().Select(e => e.Key)), StringComparison.Ordinal);
        Assert.Contains("direction", problem.ToJsonString(), StringComparison.Ordinal);
        await (await app.Operator.GetAsync($"/api/commitments/{id}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_direction_that_agrees_with_baseline_and_target_may_be_echoed()
    {
        var (participant, goal) = await ParticipantAndGoalAsync();
        var response = await app.Operator.PostAsync("/api/commitments", new
        {
            id = $"c-dir-{Guid.NewGuid():N}",
            participantId = participant,
            goals = new[] { new { goalId = goal, weight = 1.0 } },
            neighbourhoodCode = TestApi.Neighbourhood(3),
            terms = new
            {
                level = "result",
                title = "Fewer cars",
                description = "",
                target = new { metric = "cars", unit = "#", baseline = 20, target = 10, deadline = "2030-06-30", direction = "decrease" },
            },
        });
        await response.ReadAsync<CommitmentView>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_lowercase_neighbourhood_code_is_refused_by_every_way_in_naming_the_field()
    {
        var (participant, goal) = await ParticipantAndGoalAsync();
        await (await app.Operator.PostAsync("/api/participants", new { kind = "organisation", name = "Kleine club", neighbourhoodCode = "24062w03" }))
            .ProblemNamingAsync("neighbourhoodCode");
        await (await app.Operator.PostAsync("/api/commitments", new
        {
            id = $"c-nb-{Guid.NewGuid():N}",
            participantId = participant,
            goals = new[] { new { goalId = goal, weight = 1.0 } },
            neighbourhoodCode = "24062w03",
            terms = TestApi.PledgeTerms(),
        })).ProblemNamingAsync("neighbourhoodCode");
        await (await app.Operator.PostAsync("/api/goals", new
        {
            id = $"g-nb-{Guid.NewGuid():N}",
            title = "Green streets",
            description = "",
            scope = new { level = "neighbourhood", placeCodes = new[] { "24062w03" } },
        })).ProblemNamingAsync("scope.placeCodes[0]");
    }

    [Fact]
    public async Task Following_a_goal_that_does_not_exist_is_404_and_a_malformed_id_is_400_naming_id()
    {
        using var person = await People.SignUpAsync(app.BaseAddress);

        await (await person.Client.PostAsync("/api/me/follows", new { kind = "goal", id = $"g-missing-{Guid.NewGuid():N}" })).ProblemAsync(HttpStatusCode.NotFound);
        var problem = await (await person.Client.PostAsync("/api/me/follows", new { kind = "goal", id = "not an id!" })).ProblemNamingAsync("id");
        Assert.DoesNotContain("topic.", problem.ToJsonString(), StringComparison.Ordinal);
        var following = await person.Client.GetAsync<JsonObject>("/api/me/follows");
        Assert.DoesNotContain("g-missing", following.ToJsonString(), StringComparison.Ordinal);

        var goal = await app.Operator.DefineGoalAsync();
        await (await person.Client.PostAsync("/api/me/follows", new { kind = "goal", id = goal })).ReadAsync<JsonObject>();
    }

    [Fact]
    public async Task A_malformed_report_id_is_400_naming_reportId()
    {
        var world = await SharedProgressWorld.GetAsync(app);
        var commitment = await world.ConfirmedAsync();

        await (await app.Operator.PostAsync($"/api/commitments/{commitment}/reports/not%20an%20id/verification", new { note = "Counted at the gate." }))
            .ProblemNamingAsync("reportId");
    }

    [Fact]
    public async Task A_new_commitment_with_a_deadline_in_the_past_is_refused()
    {
        var (participant, goal) = await ParticipantAndGoalAsync();
        var id = $"c-past-{Guid.NewGuid():N}";
        await (await app.Operator.PostAsync("/api/commitments", new
        {
            id,
            participantId = participant,
            goals = new[] { new { goalId = goal, weight = 1.0 } },
            neighbourhoodCode = TestApi.Neighbourhood(3),
            terms = new
            {
                level = "result",
                title = "More bikes",
                description = "",
                target = new { metric = "bikes", unit = "#", baseline = 10, target = 20, deadline = "1999-06-30" },
            },
        })).ProblemNamingAsync("terms.target.deadline");
        await (await app.Operator.GetAsync($"/api/commitments/{id}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    // Finding 7 -----------------------------------------------------------------------------------------------------

    public static TheoryData<string> Unclean => ["nul\0here", "bell\a", "ansi \u001b[31mred\u001b[0m", "c1 \u0085 next line", "bidi \u202Egnp.exe"];

    [Theory]
    [MemberData(nameof(Unclean))]
    public async Task A_progress_note_with_control_characters_or_bidi_overrides_is_refused(string text)
    {
        var world = await SharedProgressWorld.GetAsync(app);
        var commitment = await world.ConfirmedAsync();
        await (await app.Operator.PostAsync($"/api/commitments/{commitment}/progress", new { value = 10, note = text })).ProblemNamingAsync("note");
        Assert.Empty((await world.CommitmentAsync(commitment)).Reports);
    }

    [Theory]
    [MemberData(nameof(Unclean))]
    public async Task A_withdrawal_reason_with_control_characters_is_refused_and_the_commitment_stays(string text)
    {
        var world = await SharedProgressWorld.GetAsync(app);
        var commitment = await world.ConfirmedAsync();
        await (await app.Operator.PostAsync($"/api/commitments/{commitment}/withdrawal", new { reason = text })).ProblemNamingAsync("reason");
        Assert.Null((await world.CommitmentAsync(commitment)).WithdrawalReason);
    }

    [Theory]
    [MemberData(nameof(Unclean))]
    public async Task A_confirmer_with_control_characters_is_refused_and_the_commitment_stays_a_draft(string text)
    {
        var (participant, goal) = await ParticipantAndGoalAsync();
        var draft = await app.Operator.CommitAsync(participant, TestApi.Neighbourhood(3), TestApi.PledgeTerms(), (goal, 1.0));
        var hash = (await app.Operator.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text")).TextHash;
        await (await app.Operator.PostAsync($"/api/commitments/{draft.Id}/confirmation", new { confirmedBy = text, textHash = hash })).ProblemNamingAsync("confirmedBy");
        Assert.Equal(CommitmentStatus.Draft, (await app.Operator.GetAsync<CommitmentView>($"/api/commitments/{draft.Id}")).Status);
    }

    [Fact]
    public async Task A_confirmer_on_two_lines_is_refused()
    {
        var (participant, goal) = await ParticipantAndGoalAsync();
        var draft = await app.Operator.CommitAsync(participant, TestApi.Neighbourhood(3), TestApi.PledgeTerms(), (goal, 1.0));
        var hash = (await app.Operator.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text")).TextHash;
        await (await app.Operator.PostAsync($"/api/commitments/{draft.Id}/confirmation", new { confirmedBy = "Anna\nPeeters", textHash = hash })).ProblemNamingAsync("confirmedBy");
    }

    [Theory]
    [MemberData(nameof(Unclean))]
    public async Task A_nudge_message_with_control_characters_is_refused(string text)
    {
        var world = await SharedProgressWorld.GetAsync(app);
        var commitment = await world.ConfirmedAsync();
        await (await app.Operator.PostAsync($"/api/commitments/{commitment}/nudges", new { message = text })).ProblemNamingAsync("message");
        Assert.Equal(0, (await app.Operator.GetAsync<CommitmentView>($"/api/commitments/{commitment}")).NudgeCount);
    }

    [Theory]
    [MemberData(nameof(Unclean))]
    public async Task A_support_note_with_control_characters_is_refused(string text)
    {
        var world = await SharedProgressWorld.GetAsync(app);
        var commitment = await world.ConfirmedAsync();
        await (await app.Operator.PostAsync($"/api/commitments/{commitment}/notes", new { text })).ProblemNamingAsync("text");
    }

    [Theory]
    [MemberData(nameof(Unclean))]
    public async Task Names_titles_and_descriptions_with_control_characters_are_refused(string text)
    {
        var (participant, goal) = await ParticipantAndGoalAsync();
        await (await app.Operator.PostAsync("/api/participants", new { kind = "organisation", name = text, neighbourhoodCode = TestApi.Neighbourhood(3) }))
            .ProblemNamingAsync("name");
        await (await app.Operator.PostAsync("/api/goals", new { id = $"g-cc-{Guid.NewGuid():N}", title = text, description = "", scope = new { level = "city" } }))
            .ProblemNamingAsync("title");
        await (await app.Operator.PostAsync("/api/commitments", new
        {
            id = $"c-cc-{Guid.NewGuid():N}",
            participantId = participant,
            goals = new[] { new { goalId = goal, weight = 1.0 } },
            neighbourhoodCode = TestApi.Neighbourhood(3),
            terms = new { level = "pledge", title = "A pledge", description = text },
        })).ProblemNamingAsync("terms.description");
    }

    [Fact]
    public async Task A_title_on_two_lines_is_refused_while_a_description_may_have_line_breaks()
    {
        var (participant, goal) = await ParticipantAndGoalAsync();
        await (await app.Operator.PostAsync("/api/goals", new { id = $"g-nl-{Guid.NewGuid():N}", title = "Two\nlines", description = "", scope = new { level = "city" } }))
            .ProblemNamingAsync("title");
        await app.Operator.CommitAsync(participant, TestApi.Neighbourhood(3),
            new { level = "pledge", title = "A pledge", description = "First line\r\nSecond line\twith a tab" }, (goal, 1.0));
    }

    [Fact]
    public async Task User_text_on_the_commitment_participant_and_goal_pages_sits_in_its_own_direction()
    {
        var participant = await app.Operator.RegisterAsync(ParticipantKind.Organisation, TestApi.Neighbourhood(3), "مدرسة الحي");
        var goal = await app.Operator.DefineGoalAsync();
        var draft = await app.Operator.CommitAsync(participant, TestApi.Neighbourhood(3),
            new { level = "pledge", title = "שבילי אופניים", description = "Een belofte." }, (goal, 1.0));
        await app.Operator.ConfirmAsync(draft.Id);

        var commitmentPage = await app.Public.GetStringAsync($"/commitments/{draft.Id}");
        // The site may write these letters as character references; either way they sit in their own direction.
        Assert.Matches(new Regex("<h1 dir=\"auto\">[^<]+</h1>"), commitmentPage);
        Assert.Equal("שבילי אופניים", WebUtility.HtmlDecode(Regex.Match(commitmentPage, "<h1 dir=\"auto\">([^<]+)</h1>").Groups[1].Value));
        Assert.Contains("مدرسة الحي", Regex.Matches(commitmentPage, "<bdi>([^<]+)</bdi>").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)));
        var participantPage = await app.Public.GetStringAsync($"/participants/{participant}");
        Assert.Matches(new Regex("<h1 dir=\"auto\">"), participantPage);
        var goalPage = await app.Public.GetStringAsync($"/goals/{goal}");
        Assert.Matches(new Regex("<h1 dir=\"auto\">"), goalPage);
        Assert.Matches(new Regex("<bdi>[^<]+</bdi>"), goalPage);
    }

    private async Task<(string Participant, string Goal)> ParticipantAndGoalAsync() =>
        (await app.Operator.RegisterAsync(ParticipantKind.Organisation, TestApi.Neighbourhood(3)), await app.Operator.DefineGoalAsync());

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
