using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Participants;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Moderation;

/// <summary>
/// Flags and moderation through the API and on the site: a resident flags, a moderator reads the flag and hides the text
/// with a public reason; the public reads the reason instead (API and page) while the support team reads the original;
/// a resident cannot hide; unhiding restores; a dismissal settles flags without hiding. Also a draft's help request.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class ModerationApiTests(WebAppFixture app)
{
    private const string HiddenTitle = "Verborgen door moderatie";

    [Fact]
    public async Task A_flagged_text_hidden_by_a_moderator_reads_as_its_public_reason_for_the_public_and_as_written_for_the_support_team()
    {
        var (resident, moderator, coach) = await PeopleAsync();
        var title = $"Weg met de buren {Guid.NewGuid():N}";
        var id = await ConfirmedAsync(title);

        // A resident flags the text; flagging again is a no-op.
        var receipt = await (await resident.Client.PostAsync($"/api/commitments/{id}/flags", new { target = "text", reason = "Beledigende taal in de titel" }))
            .ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        Assert.Equal(id, (string)receipt["commitmentId"]!);
        await (await resident.Client.PostAsync($"/api/commitments/{id}/flags", new { target = "text", reason = "Nog eens" })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);

        // The moderator reads it; others may not.
        var item = await OpenFlagAsync(moderator, id, "text");
        var flag = Assert.Single(item!["flags"]!.AsArray());
        Assert.Equal((resident.AccountId, "Beledigende taal in de titel"), ((string)flag!["accountId"]!, (string)flag["reason"]!));
        await (await resident.Client.GetAsync("/api/moderation/flags")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await app.Public.GetAsync("/api/moderation/flags")).ProblemAsync(HttpStatusCode.Unauthorized);

        // On the site: signed-in people get the flag form, moderators the hide form; the moderation page lists the flag for moderators only.
        Assert.Contains("Deze tekst melden", await resident.Client.GetStringAsync($"/commitments/{id}"), StringComparison.Ordinal);
        Assert.DoesNotContain("Deze tekst melden", await app.Public.GetStringAsync($"/commitments/{id}"), StringComparison.Ordinal);
        Assert.Contains("Tekst verbergen", await moderator.Client.GetStringAsync($"/commitments/{id}"), StringComparison.Ordinal);
        var queuePage = await moderator.Client.GetStringAsync("/moderation");
        Assert.Contains(title, queuePage, StringComparison.Ordinal);
        Assert.Contains("Beledigende taal in de titel", queuePage, StringComparison.Ordinal);
        var refusedPage = await resident.Client.GetAsync("/moderation");
        Assert.DoesNotContain(title, await refusedPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("/error/403", refusedPage.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Forbidden, refusedPage.StatusCode);

        // A resident cannot hide: 403, and nothing changed.
        var before = await app.Public.GetAsync<JsonObject>($"/api/commitments/{id}");
        await (await resident.Client.PostAsync($"/api/commitments/{id}/moderation", new { action = "hide", target = "text", publicReason = "Ik wil het weg" }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        var unchanged = await app.Public.GetAsync<JsonObject>($"/api/commitments/{id}");
        Assert.Equal(((long)before["version"]!, title), ((long)unchanged["version"]!, (string)unchanged["terms"]!["title"]!));
        Assert.False((bool)unchanged["textHidden"]!);

        // The moderator hides it with a public reason: the flag is settled.
        var hidden = await (await moderator.Client.PostAsync($"/api/commitments/{id}/moderation", new { action = "hide", target = "text", publicReason = "Beledigende taal" }))
            .ReadAsync<JsonObject>();
        Assert.True((bool)hidden["textHidden"]!);
        Assert.Equal(title, (string)hidden["terms"]!["title"]!); // the moderator reads what they hid
        Assert.Null(await OpenFlagAsync(moderator, id, "text"));

        // The public reads the reason instead; the commitment keeps its status and progress.
        var seen = await app.Public.GetAsync<JsonObject>($"/api/commitments/{id}");
        Assert.Equal((HiddenTitle, "Beledigende taal"), ((string)seen["terms"]!["title"]!, (string)seen["terms"]!["description"]!));
        Assert.True((bool)seen["textHidden"]!);
        var step = Assert.Single(seen["moderation"]!.AsArray())!;
        Assert.Equal(("text", true, "Beledigende taal", "moderator"), ((string)step["target"]!, (bool)step["hidden"]!, (string)step["publicReason"]!, (string)step["by"]!));
        Assert.Equal(((string)before["status"]!, (double?)before["progress"]), ((string)seen["status"]!, (double?)seen["progress"]));
        Assert.DoesNotContain(title, await app.Public.GetStringAsync($"/api/commitments/{id}/text"), StringComparison.Ordinal);
        Assert.DoesNotContain(title, await resident.Client.GetStringAsync($"/api/commitments/{id}"), StringComparison.Ordinal);

        // The support team reads the original.
        var forCoach = await coach.Client.GetAsync<JsonObject>($"/api/commitments/{id}");
        Assert.Equal(title, (string)forCoach["terms"]!["title"]!);
        Assert.Equal(moderator.AccountId, (string)forCoach["moderation"]![0]!["by"]!);

        // The public page shows neither the title nor the description, but the reason; the coach's page marks what is hidden.
        var page = await Eventually.Value(() => app.Public.GetStringAsync($"/commitments/{id}"), html => !html.Contains(title, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(title, page, StringComparison.Ordinal);
        Assert.DoesNotContain("Een tekst om te verbergen", page, StringComparison.Ordinal);
        Assert.Contains(HiddenTitle, page, StringComparison.Ordinal);
        Assert.Contains("Beledigende taal", page, StringComparison.Ordinal);
        var coachPage = await coach.Client.GetStringAsync($"/commitments/{id}");
        Assert.Contains(title, coachPage, StringComparison.Ordinal);
        Assert.Contains("Verborgen voor het publiek: Beledigende taal", coachPage, StringComparison.Ordinal);

        // Showing it again restores it for the public.
        await (await moderator.Client.PostAsync($"/api/commitments/{id}/moderation", new { action = "unhide", target = "text", publicReason = "Na bezwaar hersteld" }))
            .ReadAsync<JsonObject>();
        var restored = await app.Public.GetAsync<JsonObject>($"/api/commitments/{id}");
        Assert.Equal(title, (string)restored["terms"]!["title"]!);
        Assert.False((bool)restored["textHidden"]!);
        Assert.Equal(2, restored["moderation"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_hidden_report_loses_its_note_and_evidence_for_the_public_but_keeps_its_value_and_a_dismissal_settles_flags_without_hiding()
    {
        var (resident, moderator, coach) = await PeopleAsync();
        var id = await ConfirmedAsync($"Fietsen naar school {Guid.NewGuid():N}");
        await (await app.Operator.PostAsync($"/api/commitments/{id}/progress", new { reportId = "r-1", value = 40, note = "Namen van kinderen: ...", evidenceUrl = "https://example.org/klaslijst" }))
            .ReadAsync<JsonObject>();
        await (await app.Operator.PostAsync($"/api/commitments/{id}/progress", new { reportId = "r-2", value = 45, note = "Een gewone notitie" }))
            .ReadAsync<JsonObject>();

        // Flags on an unknown report or commitment are not found; a short reason is refused; the operator token has no account to flag with.
        await (await resident.Client.PostAsync($"/api/commitments/{id}/flags", new { target = "report", reportId = "r-unknown", reason = "Privé" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await resident.Client.PostAsync("/api/commitments/c-unknown-commitment/flags", new { target = "text", reason = "Privé" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await resident.Client.PostAsync($"/api/commitments/{id}/flags", new { target = "report", reportId = "r-1", reason = "x" })).ProblemNamingAsync("reason");
        await (await resident.Client.PostAsync($"/api/commitments/{id}/flags", new { target = "report", reason = "Privé" })).ProblemNamingAsync("reportId");
        await (await app.Operator.PostAsync($"/api/commitments/{id}/flags", new { target = "text", reason = "Privé" })).ProblemAsync(HttpStatusCode.Forbidden);

        await (await resident.Client.PostAsync($"/api/commitments/{id}/flags", new { target = "report", reportId = "r-1", reason = "Namen van kinderen" })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        await (await resident.Client.PostAsync($"/api/commitments/{id}/flags", new { target = "report", reportId = "r-2", reason = "Ik vind het niet juist" })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        Assert.NotNull(await OpenFlagAsync(moderator, id, "report", "r-1"));
        Assert.NotNull(await OpenFlagAsync(moderator, id, "report", "r-2"));

        await (await moderator.Client.PostAsync($"/api/commitments/{id}/moderation", new { action = "hide", target = "report", reportId = "r-1", publicReason = "Persoonsgegevens" }))
            .ReadAsync<JsonObject>();
        var seen = await app.Public.GetAsync<JsonObject>($"/api/commitments/{id}");
        var report = seen["reports"]!.AsArray().Single(r => (string)r!["reportId"]! == "r-1")!;
        Assert.Equal(40, (double)report["value"]!);
        Assert.Null(report["note"]);
        Assert.Null(report["evidenceUrl"]);
        Assert.Equal("Een gewone notitie", (string)seen["reports"]!.AsArray().Single(r => (string)r!["reportId"]! == "r-2")!["note"]!);
        Assert.Equal(45, (double)seen["currentValue"]!);
        Assert.False((bool)seen["textHidden"]!);
        var forCoach = await coach.Client.GetAsync<JsonObject>($"/api/commitments/{id}");
        Assert.Equal("Namen van kinderen: ...", (string)forCoach["reports"]!.AsArray().Single(r => (string)r!["reportId"]! == "r-1")!["note"]!);
        Assert.Null(await OpenFlagAsync(moderator, id, "report", "r-1"));

        // The other flag is dismissed: settled, nothing hidden; a second dismissal finds nothing open.
        var versionBefore = (long)seen["version"]!;
        await (await resident.Client.PostAsync("/api/moderation/flags/dismissal", new { commitmentId = id, target = "report", reportId = "r-2" })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.NotNull(await OpenFlagAsync(moderator, id, "report", "r-2"));
        var dismissed = await (await moderator.Client.PostAsync("/api/moderation/flags/dismissal", new { commitmentId = id, target = "report", reportId = "r-2" })).ReadAsync<JsonObject>();
        Assert.Equal(("dismissed", 1), ((string)dismissed["resolution"]!, (int)dismissed["flagCount"]!));
        Assert.Null(await OpenFlagAsync(moderator, id, "report", "r-2"));
        await (await moderator.Client.PostAsync("/api/moderation/flags/dismissal", new { commitmentId = id, target = "report", reportId = "r-2" })).ProblemAsync(HttpStatusCode.NotFound);
        var after = await app.Public.GetAsync<JsonObject>($"/api/commitments/{id}");
        Assert.Equal(versionBefore, (long)after["version"]!);
        Assert.Equal("Een gewone notitie", (string)after["reports"]!.AsArray().Single(r => (string)r!["reportId"]! == "r-2")!["note"]!);
    }

    [Fact]
    public async Task A_draft_asks_a_coach_for_help_the_public_sees_when_but_not_what_and_a_coach_marks_it_given()
    {
        var (resident, _, coach) = await PeopleAsync();
        var goal = await app.Operator.DefineGoalAsync();
        var draft = await resident.Client.CommitAsync(resident.ParticipantId!, TestApi.Neighbourhood(13), TestApi.PledgeTerms(), (goal, 1));

        await (await coach.Client.PostAsync($"/api/commitments/{draft.Id}/help-request", new { message = "x" })).ProblemNamingAsync("message");
        var asked = await (await resident.Client.PostAsync($"/api/commitments/{draft.Id}/help-request", new { message = "Hoe maak ik dit meetbaar?" })).ReadAsync<JsonObject>();
        Assert.NotNull(asked["helpRequestedAt"]);
        Assert.Equal("Hoe maak ik dit meetbaar?", (string)asked["helpRequest"]!);
        var seen = await app.Public.GetAsync<JsonObject>($"/api/commitments/{draft.Id}");
        Assert.NotNull(seen["helpRequestedAt"]);
        Assert.Null(seen["helpRequest"]);
        Assert.Equal("Hoe maak ik dit meetbaar?", (string)(await coach.Client.GetAsync<JsonObject>($"/api/commitments/{draft.Id}"))["helpRequest"]!);
        Assert.Contains("Hulp gevraagd op", await resident.Client.GetStringAsync($"/commitments/{draft.Id}/confirm"), StringComparison.Ordinal);

        await (await resident.Client.DeleteAsync($"/api/commitments/{draft.Id}/help-request")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.NotNull((await app.Public.GetAsync<JsonObject>($"/api/commitments/{draft.Id}"))["helpRequestedAt"]);
        var given = await (await coach.Client.DeleteAsync($"/api/commitments/{draft.Id}/help-request")).ReadAsync<JsonObject>();
        Assert.Null(given["helpRequestedAt"]);
        Assert.Null((await app.Public.GetAsync<JsonObject>($"/api/commitments/{draft.Id}"))["helpRequestedAt"]);
    }

    [Fact]
    public async Task A_moderation_or_flag_form_with_a_blank_reason_says_why_on_the_page_and_changes_nothing()
    {
        var (resident, moderator, _) = await PeopleAsync();
        var id = await ConfirmedAsync("Een titel die zichtbaar blijft");
        var before = (await app.Operator.GetAsync<JsonObject>($"/api/commitments/{id}")).ToJsonString();

        // Spaces pass the browser's minlength check; the server refuses them and the page says why.
        var hide = await PostFormAsync(moderator, id, "Moderate", new() { ["step"] = "Hide", ["target"] = "Text", ["publicReason"] = "      " });
        Assert.Contains("De moderatie is niet bewaard", hide, StringComparison.Ordinal);
        Assert.Contains("data-moderation-error", hide, StringComparison.Ordinal);
        var flag = await PostFormAsync(resident, id, "Flag", new() { ["target"] = "Text", ["reason"] = "  " });
        Assert.Contains("Je melding is niet bewaard", flag, StringComparison.Ordinal);

        Assert.Equal(before, (await app.Operator.GetAsync<JsonObject>($"/api/commitments/{id}")).ToJsonString());
        Assert.Null(await OpenFlagAsync(moderator, id, "text"));
    }

    /// <summary>Posts a form of the commitment page as a browser does (antiforgery token from the page), following the redirect back; returns the page.</summary>
    private static async Task<string> PostFormAsync(Person person, string commitmentId, string handler, Dictionary<string, string> fields)
    {
        var page = await person.Client.GetStringAsync($"/commitments/{commitmentId}");
        fields["__RequestVerificationToken"] = AntiforgeryField().Match(page).Groups[1].Value;
        Assert.NotEmpty(fields["__RequestVerificationToken"]);
        using var sent = await person.Client.PostAsync($"/commitments/{commitmentId}?handler={handler}", new FormUrlEncodedContent(fields));
        var html = WebUtility.HtmlDecode(await sent.Content.ReadAsStringAsync());
        Assert.True(sent.StatusCode == HttpStatusCode.OK, $"POST {handler}: {(int)sent.StatusCode}");
        return html;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private async Task<(Person Resident, Person Moderator, Person Coach)> PeopleAsync()
    {
        var resident = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        var moderator = await People.SignUpAsync(app.BaseAddress);
        var coach = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(app.Operator, moderator.AccountId, "moderator");
        await People.GrantAsync(app.Operator, coach.AccountId, "coach");
        return (resident, moderator, coach);
    }

    /// <summary>A school's result commitment with the title given, confirmed.</summary>
    private async Task<string> ConfirmedAsync(string title)
    {
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13));
        var terms = new
        {
            level = "result",
            title,
            description = "Een tekst om te verbergen.",
            target = new { metric = "trips", unit = "%", baseline = 20, target = 60, deadline = "2031-06-30" },
        };
        var draft = await app.Operator.CommitAsync(school, TestApi.Neighbourhood(13), terms, (goal, 1));
        await app.Operator.ConfirmAsync(draft.Id);
        return draft.Id;
    }

    private static async Task<JsonObject?> OpenFlagAsync(Person moderator, string commitmentId, string target, string? reportId = null)
    {
        var flags = await moderator.Client.GetAsync<JsonObject>("/api/moderation/flags");
        Assert.Equal(flags["items"]!.AsArray().Count, (int)flags["total"]!);
        return flags["items"]!.AsArray().OfType<JsonObject>().SingleOrDefault(i =>
            (string)i["commitmentId"]! == commitmentId && (string)i["target"]! == target && (string?)i["reportId"] == reportId);
    }
}
