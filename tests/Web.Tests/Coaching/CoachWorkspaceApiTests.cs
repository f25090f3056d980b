using System.Net;
using System.Text.Json.Nodes;
using CivicContracting.Participants;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Coaching;

/// <summary>The coach's workspace through the API: nudges by hand, profiles, assignments with hand-overs and suggestions, and the team's notes.</summary>
[Collection(WebAppCollection.Name)]
public sealed class CoachWorkspaceApiTests(WebAppFixture app)
{
    private HttpClient Op => app.Operator;

    private async Task<Person> CoachAsync(string? neighbourhood = null)
    {
        var coach = await People.SignUpAsync(app.BaseAddress, neighbourhood, displayName: "Coach " + Guid.NewGuid().ToString("N")[..6]);
        await People.GrantAsync(Op, coach.AccountId, "coach");
        return coach;
    }

    private async Task<(string Participant, string Commitment)> ConfirmedAsync(string neighbourhood, object terms)
    {
        var goal = await Op.DefineGoalAsync();
        var school = await Op.RegisterAsync(ParticipantKind.School, neighbourhood);
        var draft = await Op.CommitAsync(school, neighbourhood, terms, (goal, 1.0));
        await Op.ConfirmAsync(draft.Id);
        return (school, draft.Id);
    }

    private async Task<int> NudgeCountAsync(string id) => (int)(await app.Public.GetAsync<JsonObject>($"/api/commitments/{id}"))["nudgeCount"]!;

    [Fact]
    public async Task A_coach_nudges_a_commitment_reported_on_others_are_refused_and_drafts_are_a_conflict()
    {
        using var coach = await CoachAsync();
        using var resident = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        using var anonymous = TestHosts.Client(app.BaseAddress, null);
        var (_, id) = await ConfirmedAsync(TestApi.Neighbourhood(13), TestApi.ResultTerms());
        Assert.Equal(0, await NudgeCountAsync(id));

        await (await anonymous.PostAsync($"/api/commitments/{id}/nudges", new { message = "Hoi" })).ProblemAsync(HttpStatusCode.Unauthorized);
        var refused = await (await resident.Client.PostAsync($"/api/commitments/{id}/nudges", new { message = "Hoi" })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("coach", (string)refused["detail"]!, StringComparison.Ordinal);
        Assert.Equal(0, await NudgeCountAsync(id));

        var nudged = await (await coach.Client.PostAsync($"/api/commitments/{id}/nudges", new { message = "Hoe staat het met de tellingen?" })).ReadAsync<JsonObject>();
        Assert.Equal(1, (int)nudged["nudgeCount"]!);
        Assert.Equal(1, await NudgeCountAsync(id));

        // No body at all: a nudge without a message.
        var bare = await coach.Client.PostAsync($"/api/commitments/{id}/nudges", null);
        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
        Assert.Equal(2, await NudgeCountAsync(id));

        await (await coach.Client.PostAsync($"/api/commitments/{id}/nudges", new { message = new string('x', 501) })).ProblemNamingAsync("message");
        Assert.Equal(2, await NudgeCountAsync(id));

        var goal = await Op.DefineGoalAsync();
        var draft = await Op.CommitAsync(await Op.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13)), TestApi.Neighbourhood(13), TestApi.PledgeTerms(), (goal, 1.0));
        await (await coach.Client.PostAsync($"/api/commitments/{draft.Id}/nudges", new { })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(0, await NudgeCountAsync(draft.Id));
        await (await coach.Client.PostAsync("/api/commitments/c-none-such/nudges", new { })).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Coaches_set_their_profiles_assign_hand_over_with_a_note_and_get_suggestions()
    {
        using var anna = await CoachAsync();
        using var bert = await CoachAsync();
        using var resident = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(21));
        using var anonymous = TestHosts.Client(app.BaseAddress, null);
        var district = CivicContracting.Places.PlaceCatalog.Leuven.Get(TestApi.Neighbourhood(21)).ParentCode!;

        var annaProfile = await (await anna.Client.PutAsync($"/api/coach/coaches/{anna.AccountId}/profile",
            new { areas = new[] { TestApi.Neighbourhood(21) }, kinds = new[] { "school" } })).ReadAsync<JsonObject>();
        Assert.Equal(TestApi.Neighbourhood(21), (string)annaProfile["areas"]![0]!);
        await (await anna.Client.PutAsync($"/api/coach/coaches/{bert.AccountId}/profile", new { areas = new[] { district } })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await resident.Client.PutAsync($"/api/coach/coaches/{resident.AccountId}/profile", new { areas = new[] { district } })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await Op.PutAsync($"/api/coach/coaches/{resident.AccountId}/profile", new { areas = new[] { district } })).ProblemNamingAsync("accountId");
        await (await Op.PutAsync($"/api/coach/coaches/{bert.AccountId}/profile", new { areas = new[] { district }, kinds = Array.Empty<string>() })).ReadAsync<JsonObject>();
        await (await anna.Client.PutAsync($"/api/coach/coaches/{anna.AccountId}/profile", new { areas = new[] { "nowhere" } })).ProblemNamingAsync("areas[0]");
        var coaches = await anna.Client.GetAsync<JsonArray>("/api/coach/coaches");
        Assert.Contains(coaches, c => (string)c!["accountId"]! == anna.AccountId);
        Assert.Contains(coaches, c => (string)c!["accountId"]! == bert.AccountId);
        await (await resident.Client.GetAsync("/api/coach/coaches")).ProblemAsync(HttpStatusCode.Forbidden);

        var school = await Op.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(21));
        var suggestions = await anna.Client.GetAsync<JsonArray>($"/api/participants/{school}/coach/suggestions");
        Assert.Equal(anna.AccountId, (string)suggestions[0]!["coach"]!["accountId"]!);
        Assert.Equal(["coversNeighbourhood", "coversKind"], suggestions[0]!["reasons"]!.AsArray().Select(r => (string)r!));
        Assert.Equal(6, (int)suggestions[0]!["score"]!);
        await (await resident.Client.GetAsync($"/api/participants/{school}/coach/suggestions")).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Null((await anna.Client.GetAsync<JsonObject>($"/api/participants/{school}/coach"))["current"]);
        await (await resident.Client.PutAsync($"/api/participants/{school}/coach", new { coachId = anna.AccountId })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await anonymous.PutAsync($"/api/participants/{school}/coach", new { coachId = anna.AccountId })).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anna.Client.PutAsync($"/api/participants/{school}/coach", new { coachId = resident.AccountId })).ProblemNamingAsync("coachId");
        Assert.Null((await anna.Client.GetAsync<JsonObject>($"/api/participants/{school}/coach"))["current"]);

        var assigned = await (await bert.Client.PutAsync($"/api/participants/{school}/coach", new { coachId = anna.AccountId })).ReadAsync<JsonObject>();
        Assert.Equal(anna.AccountId, (string)assigned["current"]!["coachId"]!);
        Assert.Equal(bert.AccountId, (string)assigned["current"]!["assignedBy"]!);

        await (await anna.Client.PutAsync($"/api/participants/{school}/coach", new { coachId = bert.AccountId })).ProblemNamingAsync("note");
        var handedOver = await (await anna.Client.PutAsync($"/api/participants/{school}/coach",
            new { coachId = bert.AccountId, note = "De directeur wil in mei tellen." })).ReadAsync<JsonObject>();
        Assert.Equal(bert.AccountId, (string)handedOver["current"]!["coachId"]!);
        var history = handedOver["history"]!.AsArray();
        Assert.Equal(2, history.Count);
        Assert.Equal("De directeur wil in mei tellen.", (string)history[0]!["endNote"]!);
        Assert.NotNull(history[0]!["endedAt"]);

        var read = await anna.Client.GetAsync<JsonObject>($"/api/participants/{school}/coach");
        Assert.Equal(bert.AccountId, (string)read["current"]!["coachId"]!);
        await (await resident.Client.GetAsync($"/api/participants/{school}/coach")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await anonymous.GetAsync($"/api/participants/{school}/coach")).ProblemAsync(HttpStatusCode.Unauthorized);
        // The current coach is no suggestion for a hand-over.
        Assert.DoesNotContain(await anna.Client.GetAsync<JsonArray>($"/api/participants/{school}/coach/suggestions"), s => (string)s!["coach"]!["accountId"]! == bert.AccountId);
    }

    [Fact]
    public async Task A_new_coach_is_listed_as_soon_as_the_role_is_granted()
    {
        using var person = await People.SignUpAsync(app.BaseAddress, displayName: "Nieuwe Coach");
        var before = await app.Operator.GetAsync<JsonArray>("/api/coach/coaches");
        Assert.DoesNotContain(before, c => (string)c!["accountId"]! == person.AccountId);
        await People.GrantAsync(app.Operator, person.AccountId, "coach");
        var after = await app.Operator.GetAsync<JsonArray>("/api/coach/coaches");
        Assert.Contains(after, c => (string)c!["accountId"]! == person.AccountId && (string)c["displayName"]! == "Nieuwe Coach");
    }

    [Fact]
    public async Task Revoking_the_coach_role_releases_the_coachs_participants_and_takes_them_off_the_list()
    {
        using var coach = await People.SignUpAsync(app.BaseAddress, displayName: "Vertrekkende Coach");
        await People.GrantAsync(app.Operator, coach.AccountId, "coach");
        var school = await Op.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13));
        await (await Op.PutAsync($"/api/participants/{school}/coach", new { coachId = coach.AccountId })).ReadAsync<JsonObject>();

        (await app.Operator.DeleteAsync($"/api/accounts/{coach.AccountId}/roles/coach")).EnsureSuccessStatusCode();

        var coaching = await Op.GetAsync<JsonObject>($"/api/participants/{school}/coach");
        Assert.Null(coaching["current"]);
        var last = coaching["history"]!.AsArray()[^1]!;
        Assert.Equal((coach.AccountId, "De coachrol is ingetrokken."), ((string)last["coachId"]!, (string)last["endNote"]!));
        Assert.DoesNotContain(await Op.GetAsync<JsonArray>("/api/coach/coaches"), c => (string)c!["accountId"]! == coach.AccountId);
    }

    [Fact]
    public async Task Notes_are_for_the_support_team_only_and_never_appear_in_public_views_or_feeds()
    {
        using var coach = await CoachAsync();
        using var moderator = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(Op, moderator.AccountId, "moderator");
        using var resident = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        using var anonymous = TestHosts.Client(app.BaseAddress, null);
        await (await resident.Client.PostAsync("/api/me/follows", new { kind = "participant", id = resident.ParticipantId })).ReadAsync<JsonObject>();
        var goal = await Op.DefineGoalAsync();
        var draft = await Op.CommitAsync(resident.ParticipantId!, TestApi.Neighbourhood(13), TestApi.ResultTerms(), (goal, 1.0));
        await Op.ConfirmAsync(draft.Id);
        var id = draft.Id;
        var secret = $"Geheime teamnotitie {Guid.NewGuid():N}";

        await (await resident.Client.PostAsync($"/api/commitments/{id}/notes", new { text = secret })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await anonymous.PostAsync($"/api/commitments/{id}/notes", new { text = secret })).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Empty(await Op.GetAsync<JsonArray>($"/api/commitments/{id}/notes"));

        var note = await (await coach.Client.PostAsync($"/api/commitments/{id}/notes", new { text = secret })).ReadAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(secret, (string)note["text"]!);
        Assert.Equal(coach.AccountId, (string)note["authorId"]!);
        await (await coach.Client.PostAsync($"/api/commitments/{id}/notes", new { text = "  " })).ProblemNamingAsync("text");
        var byModerator = await moderator.Client.GetAsync<JsonArray>($"/api/commitments/{id}/notes");
        Assert.Equal(secret, (string)Assert.Single(byModerator)!["text"]!);
        await (await resident.Client.GetAsync($"/api/commitments/{id}/notes")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await anonymous.GetAsync($"/api/commitments/{id}/notes")).ProblemAsync(HttpStatusCode.Unauthorized);

        var participantNote = $"Deelnemersnotitie {Guid.NewGuid():N}";
        await (await moderator.Client.PostAsync($"/api/participants/{resident.ParticipantId}/notes", new { text = participantNote })).ReadAsync<JsonObject>(HttpStatusCode.Created);
        await (await resident.Client.GetAsync($"/api/participants/{resident.ParticipantId}/notes")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await resident.Client.PostAsync($"/api/participants/{resident.ParticipantId}/notes", new { text = "mine" })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Single(await coach.Client.GetAsync<JsonArray>($"/api/participants/{resident.ParticipantId}/notes"));

        // A report and a nudge later, neither note is in anything the owner or the public reads.
        await (await Op.PostAsync($"/api/commitments/{id}/progress", new { value = 30 })).ReadAsync<JsonObject>();
        await (await coach.Client.PostAsync($"/api/commitments/{id}/nudges", new { message = "Even polsen." })).ReadAsync<JsonObject>();
        var feed = await Eventually.Value(() => resident.Client.GetStringAsync("/api/me/feed"), f => f.Contains("Even polsen.", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        // The API writes the feed in its (English) language; the coach's own words stay as written.
        Assert.Contains("Your coach asks how things stand: Even polsen.", feed, StringComparison.Ordinal);
        foreach (var text in new[]
        {
            await anonymous.GetStringAsync($"/api/commitments/{id}"),
            await resident.Client.GetStringAsync($"/api/commitments/{id}"),
            await anonymous.GetStringAsync($"/api/participants/{resident.ParticipantId}"),
            await resident.Client.GetStringAsync($"/api/participants/{resident.ParticipantId}/private"),
            await anonymous.GetStringAsync($"/commitments/{id}"),
            await resident.Client.GetStringAsync($"/commitments/{id}"),
            await anonymous.GetStringAsync($"/participants/{resident.ParticipantId}"),
            await resident.Client.GetStringAsync("/account"),
            feed,
        })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(participantNote, text, StringComparison.Ordinal);
        }
    }
}
