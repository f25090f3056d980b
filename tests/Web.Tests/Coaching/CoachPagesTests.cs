using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Coaching;

/// <summary>The coach's pages over plain HTTP: who sees them, the overdue list with its nudge form, and the coach views of a commitment and a participant.</summary>
[Collection(WebAppCollection.Name)]
public sealed partial class CoachPagesTests(WebAppFixture app)
{
    [Fact]
    public async Task A_coach_sees_an_overdue_commitment_on_coach_and_nudges_it_from_the_page_a_resident_gets_403_and_anonymous_signs_in()
    {
        var op = app.Operator;
        using var coach = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(op, coach.AccountId, "coach");
        using var resident = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        var goal = await op.DefineGoalAsync();
        var school = await op.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13));
        var draft = await op.CommitAsync(school, TestApi.Neighbourhood(13), TestApi.ResultTerms(), (goal, 1.0));
        // Signed on paper a hundred days ago: past the default 90-day interval, so its report is due now.
        var text = await op.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text");
        var confirmed = await (await op.PostAsync($"/api/commitments/{draft.Id}/confirmation",
            new { confirmedBy = "Head teacher", textHash = text.TextHash, signedAt = DateTimeOffset.UtcNow.AddDays(-100) })).ReadAsync<JsonObject>();
        Assert.Equal("reportingDue", (string)confirmed["phase"]!);
        // Its reminder puts it in the queue within the reminder delay; a coach's nudge puts it there at once.
        await (await op.PostAsync($"/api/commitments/{draft.Id}/nudges", new { })).ReadAsync<JsonObject>();

        var page = WebUtility.HtmlDecode(await coach.Client.GetStringAsync("/coach"));
        Assert.Contains("Rapportering te laat", page, StringComparison.Ordinal);
        Assert.Contains("Claims te verifiëren", page, StringComparison.Ordinal);
        Assert.Contains("Ontwerpen die hulp vragen", page, StringComparison.Ordinal);
        Assert.Contains("Voorwaarden bijna verlopen", page, StringComparison.Ordinal);
        Assert.Contains("Mijn deelnemers", page, StringComparison.Ordinal);
        var row = Row(page, draft.Id);
        Assert.Contains("Herinnering sturen", row, StringComparison.Ordinal);
        Assert.Contains("data-nudge-count=\"1\"", row, StringComparison.Ordinal);
        // Only my participants: this school is nobody's yet.
        var mine = await coach.Client.GetStringAsync($"/coach?scope=mine&neighbourhood={TestApi.Neighbourhood(13)}");
        Assert.Contains("Rapportering te laat", mine, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-commitment=\"{draft.Id}\"", mine, StringComparison.Ordinal);

        // The row's form, sent as a browser sends it (with its antiforgery token).
        var token = AntiforgeryField().Match(Row(await coach.Client.GetStringAsync("/coach"), draft.Id)).Groups[1].Value;
        Assert.NotEmpty(token);
        var sent = await coach.Client.PostAsync("/coach?handler=Nudge", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["commitmentId"] = draft.Id,
            ["message"] = "Kunnen jullie de tellingen doorgeven?",
            ["scope"] = "all",
            ["neighbourhood"] = "",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode); // redirected back to /coach
        Assert.Contains("De herinnering is verstuurd.", await sent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, (int)(await app.Public.GetAsync<JsonObject>($"/api/commitments/{draft.Id}"))["nudgeCount"]!);
        Assert.Contains("data-nudge-count=\"2\"", Row(await coach.Client.GetStringAsync("/coach"), draft.Id), StringComparison.Ordinal);

        // The coach views of the commitment (trajectory) and of the participant (assignment).
        var commitmentPage = WebUtility.HtmlDecode(await coach.Client.GetStringAsync($"/coach/commitments/{draft.Id}"));
        Assert.Contains("data-trajectory", commitmentPage, StringComparison.Ordinal);
        Assert.Contains("data-judgement=\"notEnoughData\"", commitmentPage, StringComparison.Ordinal);
        Assert.Contains("Kunnen jullie de tellingen doorgeven?", commitmentPage, StringComparison.Ordinal);
        Assert.Contains("Toewijzen", await coach.Client.GetStringAsync($"/coach/participants/{school}"), StringComparison.Ordinal);

        // Not for residents (403 page) nor anonymous visitors (sign in first).
        foreach (var path in new[] { "/coach", $"/coach/commitments/{draft.Id}", $"/coach/participants/{school}" })
        {
            var refused = await resident.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.DoesNotContain("Rapportering te laat", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var anonymous = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
            var redirect = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.StartsWith("/account/sign-in", redirect.Headers.Location!.IsAbsoluteUri ? redirect.Headers.Location.PathAndQuery : redirect.Headers.Location.OriginalString, StringComparison.Ordinal);
        }
        Assert.Equal(2, (int)(await app.Public.GetAsync<JsonObject>($"/api/commitments/{draft.Id}"))["nudgeCount"]!);
        // The layout links the workspace for the support team only (from the session's roles: a fresh sign-in carries the coach role).
        using var signedIn = People.SessionClient(app.BaseAddress);
        await (await signedIn.PostAsync("/api/session", new { loginName = coach.LoginName, password = coach.Password })).ReadAsync<JsonObject>();
        Assert.Contains("data-coach-link", await signedIn.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.DoesNotContain("data-coach-link", await resident.Client.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_coach_assigns_a_participant_on_its_page_and_ends_the_coaching_which_the_history_keeps()
    {
        var op = app.Operator;
        using var coach = await People.SignUpAsync(app.BaseAddress, displayName: "Coach Lien");
        await People.GrantAsync(op, coach.AccountId, "coach");
        var school = await op.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13));
        await op.CommitAsync(school, TestApi.Neighbourhood(13), TestApi.PledgeTerms(), (await op.DefineGoalAsync(), 1.0));
        // With a draft and no coach, the school is listed to assign (once this host's index has the draft).
        await Eventually.Value(() => coach.Client.GetStringAsync("/coach"), p => UncoachedRow(p, school), TimeSpan.FromSeconds(10));

        var assigned = await PostPageFormAsync(coach, $"/coach/participants/{school}", "Assign", new() { ["coachId"] = coach.AccountId, ["note"] = "" });
        Assert.Contains("De coach is toegewezen.", assigned, StringComparison.Ordinal);
        Assert.Equal(coach.AccountId, (string)(await op.GetAsync<JsonObject>($"/api/participants/{school}/coach"))["current"]!["coachId"]!);
        Assert.Contains("data-unassign-form", assigned, StringComparison.Ordinal);
        Assert.False(UncoachedRow(await coach.Client.GetStringAsync("/coach"), school));

        var ended = await PostPageFormAsync(coach, $"/coach/participants/{school}", "Unassign", new() { ["note"] = "Project afgerond" });
        Assert.Contains("De begeleiding is beëindigd", ended, StringComparison.Ordinal);
        var coaching = await op.GetAsync<JsonObject>($"/api/participants/{school}/coach");
        Assert.Null(coaching["current"]);
        var last = coaching["history"]!.AsArray()[^1]!;
        Assert.Equal(coach.AccountId, (string)last["coachId"]!);
        Assert.Equal("Project afgerond", (string)last["endNote"]!);
        Assert.NotNull(last["endedAt"]);
        Assert.True(UncoachedRow(await coach.Client.GetStringAsync("/coach"), school));
    }

    /// <summary>Whether the workspace lists <paramref name="participantId"/> among the participants without a coach.</summary>
    private static bool UncoachedRow(string page, string participantId)
    {
        var start = page.IndexOf("data-section=\"uncoached\"", StringComparison.Ordinal);
        var end = page.IndexOf("data-section=\"mine\"", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "No section of participants without a coach on /coach.");
        return page[start..end].Contains($"<tr data-participant=\"{participantId}\"", StringComparison.Ordinal);
    }

    /// <summary>Posts a form of a page as a browser does (antiforgery token from the page), following the redirect back; returns the page.</summary>
    private static async Task<string> PostPageFormAsync(Person person, string path, string handler, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = AntiforgeryField().Match(await person.Client.GetStringAsync(path)).Groups[1].Value;
        Assert.NotEmpty(fields["__RequestVerificationToken"]);
        using var sent = await person.Client.PostAsync($"{path}?handler={handler}", new FormUrlEncodedContent(fields));
        Assert.True(sent.StatusCode == HttpStatusCode.OK, $"POST {path} {handler}: {(int)sent.StatusCode}");
        return WebUtility.HtmlDecode(await sent.Content.ReadAsStringAsync());
    }

    private static string Row(string page, string commitmentId)
    {
        var start = page.IndexOf($"<tr data-commitment=\"{commitmentId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No row for {commitmentId} on the page.");
        var end = page.IndexOf("</tr>", start, StringComparison.Ordinal);
        return page[start..end];
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
