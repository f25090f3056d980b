using System.Net;
using System.Text.Json.Nodes;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Sessions;

/// <summary>
/// Co-creation sessions through the API: recorded by the support team, read by everyone (the support team's notes only by
/// the support team), linked by the commitments made at or after them, and showing what came out of them.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class SessionApiTests(WebAppFixture app)
{
    [Fact]
    public async Task A_coach_records_a_session_that_everyone_reads_but_only_the_support_team_sees_its_notes()
    {
        var goal = await app.Operator.DefineGoalAsync();
        using var coach = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(app.Operator, coach.AccountId, "coach");
        var id = $"s-test-{Guid.NewGuid():N}";
        var startsAt = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-3).AddHours(18), TimeSpan.Zero);

        var created = await (await coach.Client.PostAsync("/api/sessions", SessionsApi.Body(goal, startsAt, id))).ReadAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(SessionsApi.Notes, (string?)created["notes"]);
        // The same session again is a no-op (200), other details under its id a conflict.
        await (await coach.Client.PostAsync("/api/sessions", SessionsApi.Body(goal, startsAt, id))).ReadAsync<JsonObject>();
        await (await coach.Client.PostAsync("/api/sessions", SessionsApi.Body(goal, startsAt, id, "Another title"))).ProblemAsync(HttpStatusCode.Conflict);

        var publicResponse = await app.Public.GetAsync($"/api/sessions/{id}");
        var publicText = await publicResponse.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, publicResponse.StatusCode);
        Assert.DoesNotContain(SessionsApi.Notes, publicText, StringComparison.Ordinal);
        var session = JsonNode.Parse(publicText)!.AsObject();
        Assert.Null((string?)session["notes"]);
        Assert.Equal(("citizenPanel", "Burgerpanel Kessel-Lo, derde sessie", TestApi.Neighbourhood(13), "Zaal De Bron, Kessel-Lo"),
            ((string)session["kind"]!, (string)session["title"]!, (string)session["neighbourhoodCode"]!, (string)session["venue"]!));
        Assert.Equal(startsAt, session["startsAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal((23, 2, 0, 25), ((int)session["attendance"]!["resident"]!, (int)session["attendance"]!["school"]!, (int)session["attendance"]!["city"]!, (int)session["attendanceTotal"]!));
        Assert.Equal(goal, (string)session["goals"]![0]!["id"]!);
        Assert.Equal("Half of all trips on foot or by bike", (string)session["goals"]![0]!["title"]!);
        Assert.Empty(session["outcome"]!["commitments"]!.AsArray());

        Assert.Equal(SessionsApi.Notes, (string?)(await coach.Client.GetAsync<JsonObject>($"/api/sessions/{id}"))["notes"]);
        Assert.Equal(SessionsApi.Notes, (string?)(await app.Operator.GetAsync<JsonObject>($"/api/sessions/{id}"))["notes"]);
        using var resident = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        Assert.Null((string?)(await resident.Client.GetAsync<JsonObject>($"/api/sessions/{id}"))["notes"]);

        var list = await app.Public.GetAsync<JsonObject>("/api/sessions?pageSize=100");
        var listed = list["items"]!.AsArray().Single(s => (string)s!["id"]! == id)!;
        Assert.Equal((25, "citizenPanel"), ((int)listed["attendanceTotal"]!, (string)listed["kind"]!));
        Assert.DoesNotContain(SessionsApi.Notes, list.ToJsonString(), StringComparison.Ordinal);
        var firstPage = await app.Public.GetAsync<JsonObject>("/api/sessions?page=1&pageSize=1");
        Assert.Single(firstPage["items"]!.AsArray());
        Assert.True((int)firstPage["totalItems"]! >= 1);
        await (await app.Public.GetAsync("/api/sessions?pageSize=0")).ProblemNamingAsync("pageSize");
        await (await app.Public.GetAsync("/api/sessions/no-such-session")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("kind", "seminar", "kind")]
    [InlineData("title", " ", "title")]
    [InlineData("venue", "", "venue")]
    [InlineData("neighbourhoodCode", "24062W99", "neighbourhoodCode")]
    [InlineData("startsAt", "far future", "startsAt")]
    [InlineData("goalIds", "unknown goal", "goalIds[0]")]
    [InlineData("goalIds", "none", "goalIds")]
    [InlineData("attendance", "negative", "attendance.resident")]
    [InlineData("attendance", "unknown kind", "attendance.robot")]
    [InlineData("notes", "too long", "notes")]
    public async Task Bad_session_input_gets_400_naming_the_field_and_stores_nothing(string property, string value, string field)
    {
        var goal = await app.Operator.DefineGoalAsync();
        var id = $"s-bad-{Guid.NewGuid():N}";
        var body = SessionsApi.Body(goal, DateTimeOffset.UtcNow.AddDays(-1), id);
        body[property] = (property, value) switch
        {
            ("startsAt", _) => DateTimeOffset.UtcNow.AddYears(3),
            ("goalIds", "unknown goal") => new[] { $"g-none-{Guid.NewGuid():N}" },
            ("goalIds", _) => Array.Empty<string>(),
            ("attendance", "negative") => new Dictionary<string, int> { ["resident"] = -3 },
            ("attendance", _) => new Dictionary<string, int> { ["robot"] = 1 },
            ("notes", _) => new string('n', 4_001),
            _ => value,
        };

        await (await app.Operator.PostAsync("/api/sessions", body)).ProblemNamingAsync(field);
        await (await app.Public.GetAsync($"/api/sessions/{id}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Commitments_made_at_a_session_link_to_it_and_it_shows_what_came_out_of_it_by_level_and_participant_kind()
    {
        var goal = await app.Operator.DefineGoalAsync();
        var sessionId = await SessionsApi.RecordAsync(app.Operator, goal, DateTimeOffset.UtcNow.AddDays(-1));
        using var resident = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));

        var pledge = await (await resident.Client.PostAsync("/api/commitments", new
        {
            participantId = resident.ParticipantId,
            goals = new[] { new { goalId = goal } },
            neighbourhoodCode = TestApi.Neighbourhood(13),
            terms = TestApi.PledgeTerms(),
            sessionId,
        })).ReadAsync<CommitmentView>(HttpStatusCode.Created);
        Assert.Equal(sessionId, pledge.SessionId);

        // A draft is not public yet; the support team sees it.
        var beforeConfirmation = await app.Public.GetAsync<JsonObject>($"/api/sessions/{sessionId}");
        Assert.Empty(beforeConfirmation["outcome"]!["commitments"]!.AsArray());
        var forCoaches = await app.Operator.GetAsync<JsonObject>($"/api/sessions/{sessionId}");
        Assert.Equal("draft", (string)forCoaches["outcome"]!["commitments"]![0]!["status"]!);
        Assert.Equal(0, (int)forCoaches["outcome"]!["confirmedCommitments"]!);

        var text = await resident.Client.GetAsync<CommitmentTextView>($"/api/commitments/{pledge.Id}/text");
        await (await resident.Client.PostAsync($"/api/commitments/{pledge.Id}/confirmation", new { textHash = text.TextHash })).ReadAsync<CommitmentView>();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13));
        var result = await (await app.Operator.PostAsync("/api/commitments", new
        {
            participantId = school,
            goals = new[] { new { goalId = goal } },
            neighbourhoodCode = TestApi.Neighbourhood(13),
            terms = TestApi.ResultTerms(),
            sessionId,
        })).ReadAsync<CommitmentView>(HttpStatusCode.Created);
        await app.Operator.ConfirmAsync(result.Id);
        var unrelated = await app.Operator.CommitAsync(school, TestApi.Neighbourhood(13), TestApi.ActionTerms(), (goal, 1));
        await app.Operator.ConfirmAsync(unrelated.Id);

        var session = await app.Public.GetAsync<JsonObject>($"/api/sessions/{sessionId}");
        var outcome = session["outcome"]!;
        var listed = outcome["commitments"]!.AsArray().ToDictionary(c => (string)c!["id"]!, c => c!);
        Assert.Equal(new[] { pledge.Id, result.Id }.Order(), listed.Keys.Order());
        Assert.Equal(("pledge", "confirmed", "resident"), ((string)listed[pledge.Id]["level"]!, (string)listed[pledge.Id]["status"]!, (string)listed[pledge.Id]["participantKind"]!));
        Assert.Equal(("result", "school"), ((string)listed[result.Id]["level"]!, (string)listed[result.Id]["participantKind"]!));
        Assert.Equal((2, 2), ((int)outcome["confirmedCommitments"]!, (int)outcome["participants"]!));
        Assert.Equal((1, 0, 1), ((int)outcome["byLevel"]!["pledge"]!, (int)outcome["byLevel"]!["action"]!, (int)outcome["byLevel"]!["result"]!));
        Assert.Equal((1, 1, 0), ((int)outcome["participantsByKind"]!["resident"]!, (int)outcome["participantsByKind"]!["school"]!, (int)outcome["participantsByKind"]!["business"]!));
        Assert.Equal(sessionId, (await app.Public.GetAsync<CommitmentView>($"/api/commitments/{pledge.Id}")).SessionId);
        Assert.Null((await app.Public.GetAsync<CommitmentView>($"/api/commitments/{unrelated.Id}")).SessionId);

        // A revision keeps the session: the same sessionId again is fine, another (or none) is refused.
        var draft = await (await resident.Client.PostAsync("/api/commitments", new
        {
            participantId = resident.ParticipantId,
            goals = new[] { new { goalId = goal } },
            neighbourhoodCode = TestApi.Neighbourhood(13),
            terms = TestApi.PledgeTerms(),
            sessionId,
        })).ReadAsync<CommitmentView>(HttpStatusCode.Created);
        var revision = new { participantId = resident.ParticipantId, goals = new[] { new { goalId = goal } }, neighbourhoodCode = TestApi.Neighbourhood(12), terms = TestApi.PledgeTerms() };
        await (await resident.Client.PutAsync($"/api/commitments/{draft.Id}", revision)).ProblemNamingAsync("sessionId");
        var revised = await (await resident.Client.PutAsync($"/api/commitments/{draft.Id}", new { revision.participantId, revision.goals, revision.neighbourhoodCode, revision.terms, sessionId })).ReadAsync<CommitmentView>();
        Assert.Equal((TestApi.Neighbourhood(12), sessionId), (revised.NeighbourhoodCode, revised.SessionId));
    }

    [Fact]
    public async Task A_commitment_naming_an_unknown_or_a_future_session_gets_400_naming_sessionId_and_is_not_stored()
    {
        var goal = await app.Operator.DefineGoalAsync();
        var participant = await app.Operator.RegisterAsync(ParticipantKind.Resident, TestApi.Neighbourhood(13));
        var future = await SessionsApi.RecordAsync(app.Operator, goal, DateTimeOffset.UtcNow.AddDays(5));
        foreach (var sessionId in new[] { $"s-none-{Guid.NewGuid():N}", future, "not an id!" })
        {
            var id = $"c-test-{Guid.NewGuid():N}";
            await (await app.Operator.PostAsync("/api/commitments", new
            {
                id,
                participantId = participant,
                goals = new[] { new { goalId = goal } },
                neighbourhoodCode = TestApi.Neighbourhood(13),
                terms = TestApi.PledgeTerms(),
                sessionId,
            })).ProblemNamingAsync("sessionId");
            await (await app.Public.GetAsync($"/api/commitments/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Empty((await app.Operator.GetAsync<JsonObject>($"/api/sessions/{future}"))["outcome"]!["commitments"]!.AsArray());
    }

    [Fact]
    public async Task A_signing_date_cannot_precede_the_session_and_the_session_cannot_be_moved_past_its_commitments()
    {
        var goal = await app.Operator.DefineGoalAsync();
        var startsAt = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-10).AddHours(18), TimeSpan.Zero);
        var sessionId = await SessionsApi.RecordAsync(app.Operator, goal, startsAt);
        var participant = await app.Operator.RegisterAsync(ParticipantKind.Business, TestApi.Neighbourhood(13));
        var commitment = await (await app.Operator.PostAsync("/api/commitments", new
        {
            participantId = participant,
            goals = new[] { new { goalId = goal } },
            neighbourhoodCode = TestApi.Neighbourhood(13),
            terms = TestApi.PledgeTerms(),
            sessionId,
        })).ReadAsync<CommitmentView>(HttpStatusCode.Created);
        var text = await app.Operator.GetAsync<CommitmentTextView>($"/api/commitments/{commitment.Id}/text");

        await (await app.Operator.PostAsync($"/api/commitments/{commitment.Id}/confirmation", new { textHash = text.TextHash, confirmedBy = "Shop owner", signedAt = startsAt.AddHours(-2) }))
            .ProblemNamingAsync("signedAt");
        Assert.Equal(CommitmentStatus.Draft, (await app.Public.GetAsync<CommitmentView>($"/api/commitments/{commitment.Id}")).Status);
        var signed = await (await app.Operator.PostAsync($"/api/commitments/{commitment.Id}/confirmation", new { textHash = text.TextHash, confirmedBy = "Shop owner", signedAt = startsAt.AddHours(1) }))
            .ReadAsync<CommitmentView>();
        Assert.Equal(startsAt.AddHours(1), signed.Confirmation!.ConfirmedAt);

        await (await app.Operator.PutAsync($"/api/sessions/{sessionId}", SessionsApi.Body(goal, startsAt.AddHours(2)))).ProblemNamingAsync("startsAt");
        var updated = await (await app.Operator.PutAsync($"/api/sessions/{sessionId}", SessionsApi.Body(goal, startsAt.AddMinutes(-30), title: "Burgerpanel, verplaatst"))).ReadAsync<JsonObject>();
        Assert.Equal("Burgerpanel, verplaatst", (string)updated["title"]!);
        var read = await app.Public.GetAsync<JsonObject>($"/api/sessions/{sessionId}");
        Assert.Equal((startsAt.AddMinutes(-30), "Burgerpanel, verplaatst"), (read["startsAt"]!.GetValue<DateTimeOffset>(), (string)read["title"]!));
        await (await app.Operator.PutAsync($"/api/sessions/{sessionId}", SessionsApi.Body(goal, startsAt, id: "another-id"))).ProblemNamingAsync("id");
        await (await app.Operator.PutAsync($"/api/sessions/s-none-{Guid.NewGuid():N}", SessionsApi.Body(goal, startsAt))).ProblemAsync(HttpStatusCode.NotFound);
    }
}
