using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Tests.Shared;
using CivicContracting.Web.Goals;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Coaching;

/// <summary>
/// Verification tiers of result claims through the API and the site: the support team verifies, another participant
/// confirms; the commitment, its goal and its neighbourhood show the verified progress.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class VerificationApiTests(WebAppFixture app)
{
    private const string Note = "Counted the bikes at the school gate on 12 March.";

    /// <summary>A confirmed result commitment (20 → 60) of a new school in 24062W13 with one reported value, 40 (progress 0.5).</summary>
    private async Task<(string Goal, string School, string Commitment)> ReportedAsync(string? goal = null)
    {
        goal ??= await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13));
        var draft = await app.Operator.CommitAsync(school, TestApi.Neighbourhood(13), TestApi.ResultTerms(20, 60), (goal, 1));
        await app.Operator.ConfirmAsync(draft.Id);
        await (await app.Operator.PostAsync($"/api/commitments/{draft.Id}/progress", new { reportId = "r-claim", value = 40 })).ReadAsync<JsonObject>();
        return (goal, school, draft.Id);
    }

    private Task<JsonObject> ViewAsync(string id) => app.Public.GetAsync<JsonObject>($"/api/commitments/{id}");

    private static string StateOf(JsonObject view) => $"{view["version"]}|{view["claimTier"]}|{view["verifiedProgress"]}|{view["verifications"]!.ToJsonString()}";

    [Fact]
    public async Task A_coach_verifies_a_claim_and_the_commitment_its_goal_and_its_neighbourhood_show_the_verified_progress()
    {
        using var coach = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        await People.GrantAsync(app.Operator, coach.AccountId, "coach");
        var (goal, school, id) = await ReportedAsync();

        var before = await ViewAsync(id);
        Assert.Equal("selfDeclared", (string)before["claimTier"]!);
        Assert.Equal(0.0, (double)before["verifiedProgress"]!);
        var unverifiedGoal = await Eventually.Value(() => app.Public.GetAsync<JsonObject>($"/api/goals/{goal}"),
            g => g["engagement"]!["progress"]?.GetValue<double>() is 0.5, TimeSpan.FromSeconds(10));
        Assert.Equal(0.5, (double)unverifiedGoal["engagement"]!["progress"]!);
        Assert.Equal(0.0, (double)unverifiedGoal["engagement"]!["verifiedProgress"]!);
        Assert.Equal(0.0, (double)unverifiedGoal["engagement"]!["verifiedShare"]!);

        var verified = await (await coach.Client.PostAsync($"/api/commitments/{id}/reports/r-claim/verification", new { note = Note })).ReadAsync<JsonObject>();
        Assert.Equal("verified", (string)verified["claimTier"]!);
        Assert.Equal(0.5, (double)verified["verifiedProgress"]!);
        var record = verified["verifications"]!.AsArray().Single()!;
        Assert.Equal(("r-claim", "verified", coach.AccountId, Note), ((string)record["reportId"]!, (string)record["tier"]!, (string)record["by"]!, (string)record["note"]!));
        Assert.Equal((long)before["version"]! + 1, (long)verified["version"]!);
        Assert.Equal(StateOf(verified), StateOf(await ViewAsync(id)));

        // Repeating is a no-op.
        var again = await (await coach.Client.PostAsync($"/api/commitments/{id}/reports/r-claim/verification", new { note = "Another way." })).ReadAsync<JsonObject>();
        Assert.Equal(StateOf(verified), StateOf(again));

        // The goal and the neighbourhood roll it up; the goal's totals equal a recomputation from the commitment.
        var goalDetails = await Eventually.Value(() => app.Public.GetAsync<GoalDetails>($"/api/goals/{goal}"),
            g => g.Engagement.VerifiedProgress is 0.5, TimeSpan.FromSeconds(10));
        Assert.Equal(((double?)0.5, (double?)1.0), (goalDetails.Engagement.VerifiedProgress, goalDetails.Engagement.VerifiedShare));
        var views = new[] { await app.Public.GetAsync<CommitmentView>($"/api/commitments/{id}") };
        var lineage = new Dictionary<string, string[]> { [goal] = [goal] };
        Assert.Null(Recomputation.Of(AggregateScope.Goal(goal), views, new Dictionary<string, ParticipantKind> { [school] = ParticipantKind.School }, lineage)
            .Difference(goalDetails.Engagement));
        var place = await app.Public.GetAsync<JsonObject>($"/api/places/{TestApi.Neighbourhood(13)}");
        Assert.NotNull(place["engagement"]!["verifiedProgress"]);

        // The site: the claim's tier on the commitment page, the share on the goal page, the share on the map.
        var page = await coach.Client.GetStringAsync($"/commitments/{id}");
        Assert.Contains("data-claim-tier=\"verified\"", page, StringComparison.Ordinal);
        Assert.Contains("Geverifieerd door het ondersteuningsteam: " + Note, page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-verify-report=\"r-claim\"", page, StringComparison.Ordinal);
        var goalPage = await Eventually.Value(() => coach.Client.GetStringAsync($"/goals/{goal}"),
            p => p.Contains("data-verified-share=\"1\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Contains("data-verified-share=\"1\"", goalPage, StringComparison.Ordinal);
        Assert.Contains("Geverifieerd:", goalPage, StringComparison.Ordinal);
        // The neighbourhood's page too (its share mixes in other tests' commitments there: only that it shows one).
        var placePage = await Eventually.Value(() => app.Public.GetStringAsync($"/places/{TestApi.Neighbourhood(13)}"),
            p => System.Text.RegularExpressions.Regex.IsMatch(p, "id=\"place-verified\"[^>]*data-verified-share=\"[0-9]"), TimeSpan.FromSeconds(10));
        Assert.Matches("id=\"place-verified\"[^>]*data-verified-share=\"[0-9]", placePage);
        var map = await Eventually.Value(() => app.Public.GetAsync<JsonObject>("/api/map"),
            m => m["features"]!.AsArray().Any(f => (string)f!["properties"]!["code"]! == TestApi.Neighbourhood(13) && f["properties"]!["verifiedShare"] is not null),
            TimeSpan.FromSeconds(10));
        Assert.Contains(map["features"]!.AsArray(), f => (string)f!["properties"]!["code"]! == TestApi.Neighbourhood(13) && f["properties"]!["verifiedShare"] is not null);
    }

    [Fact]
    public async Task Anonymous_callers_residents_owners_moderators_and_owner_tokens_may_not_verify_and_nothing_changes()
    {
        using var owner = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        using var moderator = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        using var coach = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        await People.GrantAsync(app.Operator, moderator.AccountId, "moderator");
        await People.GrantAsync(app.Operator, coach.AccountId, "coach");
        var goal = await app.Operator.DefineGoalAsync();
        var draft = await owner.Client.CommitAsync(owner.ParticipantId!, TestApi.Neighbourhood(13), TestApi.ResultTerms(20, 60), (goal, 1));
        await owner.Client.ConfirmAsync(draft.Id);
        await (await owner.Client.PostAsync($"/api/commitments/{draft.Id}/progress", new { reportId = "r-own", value = 60 })).ReadAsync<JsonObject>();
        using var ownerToken = await owner.TokenClientAsync(app.BaseAddress, "commitments:write", "progress:write");
        using var coachProgressToken = await coach.TokenClientAsync(app.BaseAddress, "progress:write");
        var path = $"/api/commitments/{draft.Id}/reports/r-own/verification";
        var before = StateOf(await ViewAsync(draft.Id));

        await (await app.Public.PostAsync(path, new { note = Note })).ProblemAsync(HttpStatusCode.Unauthorized);
        foreach (var refused in new[] { owner.Client, moderator.Client, ownerToken, coachProgressToken })
        {
            var problem = await (await refused.PostAsync(path, new { note = Note })).ProblemAsync(HttpStatusCode.Forbidden);
            Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]));
        }
        await (await coach.Client.PostAsync(path, new { note = "ok" })).ProblemNamingAsync("note");
        await (await coach.Client.PostAsync($"/api/commitments/{draft.Id}/reports/r-nothing/verification", new { note = Note })).ProblemAsync(HttpStatusCode.NotFound);
        await (await coach.Client.PostAsync($"/api/commitments/c-no-such-{Guid.NewGuid():N}/reports/r-own/verification", new { note = Note })).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(before, StateOf(await ViewAsync(draft.Id)));
        Assert.Equal("selfDeclared", (string)(await ViewAsync(draft.Id))["claimTier"]!);

        // The page offers the form to the coach only.
        Assert.DoesNotContain("data-verify-report=", await owner.Client.GetStringAsync($"/commitments/{draft.Id}"), StringComparison.Ordinal);
        Assert.DoesNotContain("data-verify-report=", await moderator.Client.GetStringAsync($"/commitments/{draft.Id}"), StringComparison.Ordinal);
        Assert.Contains("data-verify-report=\"r-own\"", await coach.Client.GetStringAsync($"/commitments/{draft.Id}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_participant_confirms_a_claim_and_the_owner_or_someone_not_acting_for_the_peer_may_not()
    {
        using var owner = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        using var neighbour = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        using var coach = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        await People.GrantAsync(app.Operator, coach.AccountId, "coach");
        var goal = await app.Operator.DefineGoalAsync();
        var draft = await owner.Client.CommitAsync(owner.ParticipantId!, TestApi.Neighbourhood(13), TestApi.ActionTerms(2), (goal, 1));
        await owner.Client.ConfirmAsync(draft.Id);
        await (await owner.Client.PostAsync($"/api/commitments/{draft.Id}/progress", new { reportId = "r-m1", completedMilestoneId = "m1" })).ReadAsync<JsonObject>();
        var path = $"/api/commitments/{draft.Id}/reports/r-m1/peer-confirmation";
        var before = StateOf(await ViewAsync(draft.Id));

        await (await owner.Client.PostAsync(path, new { participantId = owner.ParticipantId })).ProblemNamingAsync("participantId");
        await (await owner.Client.PostAsync(path, new { participantId = neighbour.ParticipantId })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await coach.Client.PostAsync(path, new { participantId = neighbour.ParticipantId })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await app.Public.PostAsync(path, new { participantId = neighbour.ParticipantId })).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(before, StateOf(await ViewAsync(draft.Id)));

        var confirmed = await (await neighbour.Client.PostAsync(path, new { participantId = neighbour.ParticipantId, note = "I helped on the day." })).ReadAsync<JsonObject>();
        Assert.Equal("peerConfirmed", (string)confirmed["claimTier"]!);
        Assert.Equal(0.0, (double)confirmed["verifiedProgress"]!); // a peer's confirmation is not a verification
        var record = confirmed["verifications"]!.AsArray().Single()!;
        Assert.Equal((neighbour.ParticipantId, "peerConfirmed", "I helped on the day."), ((string?)record["by"], (string)record["tier"]!, (string)record["note"]!));
        Assert.Contains("Bevestigd door een andere deelnemer", await app.Public.GetStringAsync($"/commitments/{draft.Id}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_coach_verifies_with_the_form_on_the_commitment_page_and_a_missing_note_is_explained_in_dutch()
    {
        using var coach = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        await People.GrantAsync(app.Operator, coach.AccountId, "coach");
        var (_, _, id) = await ReportedAsync();

        var page = await coach.Client.GetStringAsync($"/commitments/{id}");
        var form = FormOf(page, "r-claim");
        Assert.Contains("name=\"Note\"", form, StringComparison.Ordinal);
        Assert.Contains("Hoe geverifieerd?", form, StringComparison.Ordinal);
        Assert.Contains("Verifiëren", WebUtility.HtmlDecode(form), StringComparison.Ordinal);

        var tooShort = await PostFormAsync(coach.Client, form, new() { ["reportId"] = "r-claim", ["Note"] = "x" });
        Assert.Equal(HttpStatusCode.OK, tooShort.StatusCode);
        Assert.Contains("Beschrijf in 3 tot 500 tekens", await tooShort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("selfDeclared", (string)(await ViewAsync(id))["claimTier"]!);

        var done = await PostFormAsync(coach.Client, FormOf(await coach.Client.GetStringAsync($"/commitments/{id}"), "r-claim"), new() { ["reportId"] = "r-claim", ["Note"] = Note });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("claim=verified", done.RequestMessage!.RequestUri!.Query, StringComparison.Ordinal); // redirected back (PRG)
        var shown = await done.Content.ReadAsStringAsync();
        Assert.Contains("De claim is geverifieerd.", shown, StringComparison.Ordinal);
        Assert.Contains("Geverifieerd door het ondersteuningsteam: " + Note, shown, StringComparison.Ordinal);
        var view = await ViewAsync(id);
        Assert.Equal(("verified", coach.AccountId), ((string)view["claimTier"]!, (string)view["verifications"]![0]!["by"]!));
    }

    /// <summary>The verify form of one claim, as rendered.</summary>
    private static string FormOf(string page, string reportId)
    {
        var match = Regex.Match(page, $"<form[^>]*data-verify-report=\"{Regex.Escape(reportId)}\"[^>]*>.*?</form>", RegexOptions.Singleline);
        Assert.True(match.Success, "No verify form for " + reportId);
        return match.Value;
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string form, Dictionary<string, string> fields)
    {
        var action = WebUtility.HtmlDecode(ActionPattern().Match(form).Groups[1].Value);
        fields["__RequestVerificationToken"] = TokenPattern().Match(form).Groups[1].Value;
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("action=\"([^\"]+)\"")]
    private static partial Regex ActionPattern();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
