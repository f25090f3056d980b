using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Tests.ReadModel;

namespace CivicContracting.Web.Tests;

/// <summary>
/// Section 6 of the issue: each bad input gets 400 application/problem+json naming the field (by its JSON path),
/// and a read afterwards shows that nothing was stored.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class BadInputTests(WebAppFixture app)
{
    private static readonly string Megabyte = new('x', 1024 * 1024);
    private static readonly SemaphoreSlim SetupGate = new(1, 1);
    private static Known? _known;

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    private static Dictionary<string, BadInput> Cases { get; } = BuildCases();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Bad_input_gets_400_problem_json_naming_the_field_and_stores_nothing(string name)
    {
        var known = await KnownAsync();
        var bad = Cases[name];
        var before = await app.Operator.GetAsync<CommitmentView>($"/api/commitments/{known.ResultCommitment}");
        // The list follows earlier writes (this class's drafts in the same goal) within the push latency: count once it has.
        await app.ListsCaughtUpAsync();
        var beforeGoalCommitments = await CountAsync($"/api/goals/{known.Goal}/commitments");

        using var request = new HttpRequestMessage(HttpMethod.Post, known.Fill(bad.Path))
        {
            Content = new StringContent(known.Fill(bad.Body), Encoding.UTF8, bad.ContentType),
        };
        var response = await app.Operator.SendAsync(request);
        await response.ProblemNamingAsync(bad.Field);

        // Nothing was stored.
        if (bad.CreatedPath is { } created)
            await (await app.Operator.GetAsync(created)).ProblemAsync(HttpStatusCode.NotFound);
        var after = await app.Operator.GetAsync<CommitmentView>($"/api/commitments/{known.ResultCommitment}");
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Reports.Count, after.Reports.Count);
        Assert.Equal(before.Status, after.Status);
        await app.ListsCaughtUpAsync();
        Assert.Equal(beforeGoalCommitments, await CountAsync($"/api/goals/{known.Goal}/commitments"));
    }

    [Fact]
    public async Task A_wrong_text_hash_is_refused_and_the_commitment_stays_a_draft()
    {
        var known = await KnownAsync();
        var draft = await app.Operator.CommitAsync(known.Participant, TestApi.Neighbourhood(2), TestApi.PledgeTerms(), (known.Goal, 1.0));
        var response = await app.Operator.PostAsync($"/api/commitments/{draft.Id}/confirmation", new { confirmedBy = "Someone", textHash = new string('a', 64) });
        await response.ProblemNamingAsync("textHash");
        var read = await app.Operator.GetAsync<CommitmentView>($"/api/commitments/{draft.Id}");
        Assert.Equal(CommitmentStatus.Draft, read.Status);
        Assert.Null(read.Confirmation);
    }

    [Theory]
    [InlineData("tomorrow")]
    [InlineData("2999-01-01T00:00:00Z")]
    [InlineData("1999-12-31T23:59:59Z")]
    [InlineData("yesterday")]
    public async Task A_signing_date_in_the_future_before_2000_or_not_a_date_is_refused_naming_signedAt_and_the_commitment_stays_a_draft(string signedAt)
    {
        var known = await KnownAsync();
        var draft = await app.Operator.CommitAsync(known.Participant, TestApi.Neighbourhood(2), TestApi.PledgeTerms(), (known.Goal, 1.0));
        var text = await app.Operator.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text");
        var value = signedAt == "tomorrow" ? DateTimeOffset.UtcNow.AddDays(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture) : signedAt;

        var response = await app.Operator.PostAsync($"/api/commitments/{draft.Id}/confirmation", new { confirmedBy = "Someone", textHash = text.TextHash, signedAt = value });

        await response.ProblemNamingAsync("signedAt");
        var read = await app.Operator.GetAsync<CommitmentView>($"/api/commitments/{draft.Id}");
        Assert.Equal(CommitmentStatus.Draft, read.Status);
        Assert.Null(read.Confirmation);
        Assert.Equal(draft.Version, read.Version);
    }

    [Fact]
    public async Task A_commitment_signed_on_paper_is_confirmed_with_its_signing_date()
    {
        var known = await KnownAsync();
        var draft = await app.Operator.CommitAsync(known.Participant, TestApi.Neighbourhood(2), TestApi.PledgeTerms(), (known.Goal, 1.0));
        var text = await app.Operator.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text");
        var signedAt = new DateTimeOffset(2025, 3, 13, 20, 15, 0, TimeSpan.FromHours(1));

        var confirmed = await (await app.Operator.PostAsync($"/api/commitments/{draft.Id}/confirmation",
            new { confirmedBy = "Someone", textHash = text.TextHash, signedAt = "2025-03-13T20:15:00+01:00" })).ReadAsync<CommitmentView>();

        Assert.Equal(signedAt, confirmed.Confirmation!.ConfirmedAt);
        Assert.Equal(signedAt, (await app.Operator.GetAsync<CommitmentView>($"/api/commitments/{draft.Id}")).Confirmation!.ConfirmedAt);
        // A retry of the same request is answered the same way and stores nothing new.
        var retried = await (await app.Operator.PostAsync($"/api/commitments/{draft.Id}/confirmation",
            new { confirmedBy = "Someone", textHash = text.TextHash, signedAt = "2025-03-13T20:15:00+01:00" })).ReadAsync<CommitmentView>();
        Assert.Equal(confirmed.Version, retried.Version);
    }

    [Fact]
    public async Task An_upgrade_down_the_spectrum_is_refused_naming_terms_level()
    {
        var known = await KnownAsync();
        var terms = new { level = "pledge", title = "Just a pledge", description = "" };
        var response = await app.Operator.PostAsync($"/api/commitments/{known.ResultCommitment}/upgrade", new { terms, confirmedBy = "Someone", textHash = new string('b', 64) });
        await response.ProblemNamingAsync("terms.level");
        var read = await app.Operator.GetAsync<CommitmentView>($"/api/commitments/{known.ResultCommitment}");
        Assert.Equal(CommitmentLevel.Result, read.Terms.Level);
        Assert.Empty(read.EarlierVersions);
    }

    [Theory]
    [InlineData("/api/goals?page=0", "page")]
    [InlineData("/api/goals?pageSize=101", "pageSize")]
    [InlineData("/api/goals?pageSize=0", "pageSize")]
    [InlineData("/api/goals?page=abc", "page")]
    [InlineData("/api/goals?root=maybe", "root")]
    [InlineData("/api/places?level=galaxy", "level")]
    [InlineData("/api/places?pageSize=1000", "pageSize")]
    public async Task Bad_paging_or_filters_get_400_naming_the_parameter(string path, string field) =>
        await (await app.Public.GetAsync(path)).ProblemNamingAsync(field);

    [Fact]
    public async Task A_body_over_the_size_limit_gets_413_problem_json()
    {
        var huge = $$"""{"id":"p-huge","kind":"resident","name":"{{new string('x', 5 * 1024 * 1024)}}","neighbourhoodCode":"24062W01"}""";
        // Expect: 100-continue lets the server refuse by Content-Length before the client sends 5 MB.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/participants") { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        var response = await app.Operator.SendAsync(request);
        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await (await app.Operator.GetAsync("/api/participants/p-huge")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/goals/no-such-goal")]
    [InlineData("/api/goals/no-such-goal/commitments")]
    [InlineData("/api/places/24062W99")]
    [InlineData("/api/places/24062W99/commitments")]
    [InlineData("/api/participants/no-such-participant")]
    [InlineData("/api/commitments/no-such-commitment")]
    [InlineData("/api/commitments/no-such-commitment/text")]
    [InlineData("/api/nothing-here")]
    public async Task Unknown_ids_get_404_problem_json(string path) =>
        await (await app.Public.GetAsync(path)).ProblemAsync(HttpStatusCode.NotFound);

    /// <summary>Found from outside (issue 14): the operator's progress path reads no commitment, and a blank id made a 500.</summary>
    [Theory]
    [InlineData("%20")]
    [InlineData("%20%20")]
    [InlineData("a%20b")]
    [InlineData("no-such-commitment")]
    [InlineData("%C3%A9t%C3%A9")]
    public async Task Progress_for_a_blank_malformed_or_unknown_commitment_id_gets_404_problem_json_also_with_the_operator_token(string id)
    {
        foreach (var client in new[] { app.Operator, app.Public })
        {
            var response = await client.PostAsync($"/api/commitments/{id}/progress", new { value = 30.0 });
            var expected = client == app.Operator ? HttpStatusCode.NotFound : HttpStatusCode.Unauthorized;
            await response.ProblemAsync(expected);
        }
    }

    [Fact]
    public async Task Progress_on_a_draft_is_a_409_conflict_and_stores_nothing()
    {
        var known = await KnownAsync();
        var draft = await app.Operator.CommitAsync(known.Participant, TestApi.Neighbourhood(2), TestApi.ResultTerms(), (known.Goal, 1.0));
        var response = await app.Operator.PostAsync($"/api/commitments/{draft.Id}/progress", new { value = 30.0 });
        await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Empty((await app.Operator.GetAsync<CommitmentView>($"/api/commitments/{draft.Id}")).Reports);
    }

    private async Task<int> CountAsync(string path) =>
        (await app.Public.GetAsync<JsonObject>(path))["totalItems"]!.GetValue<int>();

    private async Task<Known> KnownAsync()
    {
        await SetupGate.WaitAsync();
        try
        {
            if (_known is not null)
                return _known;
            var participant = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(2));
            var goal = await app.Operator.DefineGoalAsync();
            var commitment = await app.Operator.CommitAsync(participant, TestApi.Neighbourhood(2), TestApi.ResultTerms(), (goal, 1.0));
            await app.Operator.ConfirmAsync(commitment.Id);
            return _known = new Known(participant, goal, commitment.Id);
        }
        finally
        {
            SetupGate.Release();
        }
    }

    private sealed record Known(string Participant, string Goal, string ResultCommitment)
    {
        public string Fill(string template) => template
            .Replace("{participant}", Participant, StringComparison.Ordinal)
            .Replace("{goal}", Goal, StringComparison.Ordinal)
            .Replace("{commitment}", ResultCommitment, StringComparison.Ordinal);
    }

    /// <summary>A request that must be refused, the field it must name, and where a stored result would show.</summary>
    private sealed record BadInput(string Path, string Body, string Field, string? CreatedPath, string ContentType = "application/json");

    private static Dictionary<string, BadInput> BuildCases()
    {
        var cases = new Dictionary<string, BadInput>(StringComparer.Ordinal);

        void Participant(string name, string field, Action<JsonObject> change)
        {
            var id = $"p-bad-{cases.Count}";
            var body = new JsonObject { ["id"] = id, ["kind"] = "resident", ["name"] = "Ann", ["neighbourhoodCode"] = "24062W01" };
            change(body);
            cases[name] = new BadInput("/api/participants", body.ToJsonString(), field, $"/api/participants/{id}");
        }

        void Goal(string name, string field, Action<JsonObject> change)
        {
            var id = $"g-bad-{cases.Count}";
            var body = new JsonObject
            {
                ["id"] = id,
                ["title"] = "A goal",
                ["scope"] = new JsonObject { ["level"] = "city" },
                ["target"] = new JsonObject { ["metric"] = "trips", ["unit"] = "%", ["baseline"] = 10, ["target"] = 50, ["deadline"] = "2030-12-31" },
            };
            change(body);
            cases[name] = new BadInput("/api/goals", body.ToJsonString(), field, $"/api/goals/{id}");
        }

        void Commitment(string name, string field, Action<JsonObject> change, string contentType = "application/json")
        {
            var id = $"c-bad-{cases.Count}";
            var body = new JsonObject
            {
                ["id"] = id,
                ["participantId"] = "{participant}",
                ["goals"] = new JsonArray(new JsonObject { ["goalId"] = "{goal}", ["weight"] = 1 }),
                ["neighbourhoodCode"] = "24062W02",
                ["terms"] = new JsonObject
                {
                    ["level"] = "result",
                    ["title"] = "More cycling",
                    ["description"] = "",
                    ["target"] = new JsonObject { ["metric"] = "trips", ["unit"] = "%", ["baseline"] = 10, ["target"] = 50, ["deadline"] = "2030-12-31" },
                },
            };
            change(body);
            cases[name] = new BadInput("/api/commitments", body.ToJsonString(), field, $"/api/commitments/{id}", contentType);
        }

        void Progress(string name, string field, string body, string contentType = "application/json") =>
            cases[name] = new BadInput("/api/commitments/{commitment}/progress", body, field, CreatedPath: null, contentType);

        static JsonObject Terms(JsonObject body) => body["terms"]!.AsObject();
        static JsonObject Target(JsonObject body) => body["terms"]!["target"]!.AsObject();

        Participant("participant: unknown kind", "kind", b => b["kind"] = "alien");
        Participant("participant: kind as a number", "kind", b => b["kind"] = 3);
        Participant("participant: empty name", "name", b => b["name"] = "");
        Participant("participant: 1 MB name", "name", b => b["name"] = Megabyte);
        Participant("participant: unknown neighbourhood", "neighbourhoodCode", b => b["neighbourhoodCode"] = "24062W99");
        Participant("participant: a district is not a neighbourhood", "neighbourhoodCode", b => b["neighbourhoodCode"] = "24062C");
        Participant("participant: bad e-mail", "contactEmail", b => b["contactEmail"] = "not an address");
        Participant("participant: missing name", "name", b => b.Remove("name"));
        Participant("participant: bad id", "id", b => b["id"] = "has spaces in it");

        Goal("goal: unknown parent", "parentGoalId", b => b["parentGoalId"] = "g-does-not-exist");
        Goal("goal: empty title", "title", b => b["title"] = "   ");
        Goal("goal: 1 MB title", "title", b => b["title"] = Megabyte);
        Goal("goal: target equal to baseline", "target.target", b => b["target"]!["target"] = 10);
        Goal("goal: unknown place", "scope.placeCodes[0]", b => b["scope"] = new JsonObject { ["level"] = "neighbourhood", ["placeCodes"] = new JsonArray("24062W77") });
        Goal("goal: unknown scope level", "scope.level", b => b["scope"] = new JsonObject { ["level"] = "galaxy" });
        Goal("goal: unknown roll-up rule", "rollUp", b => b["rollUp"] = "median");
        Goal("goal: NaN baseline", "target.baseline", b => b["target"]!["baseline"] = "NaN");

        Commitment("commitment: unknown level", "terms.level", b => Terms(b)["level"] = "promise");
        Commitment("commitment: level as a number", "terms.level", b => Terms(b)["level"] = 2);
        Commitment("commitment: NaN baseline", "terms.target.baseline", b => Target(b)["baseline"] = "NaN");
        Commitment("commitment: Infinity target", "terms.target.target", b => Target(b)["target"] = "Infinity");
        Commitment("commitment: -Infinity target", "terms.target.target", b => Target(b)["target"] = "-Infinity");
        Commitment("commitment: number too large for a double", "terms.target.target", b => Target(b)["target"] = JsonNode.Parse("1e400"));
        Commitment("commitment: number out of range", "terms.target.baseline", b => Target(b)["baseline"] = 1e13);
        Commitment("commitment: target equal to baseline", "terms.target.target", b => Target(b)["target"] = 10);
        Commitment("commitment: result without target", "terms.target", b => Terms(b).Remove("target"));
        Commitment("commitment: action without milestones", "terms.milestones", b => { Terms(b)["level"] = "action"; Terms(b).Remove("target"); });
        Commitment("commitment: bad milestone date", "terms.milestones[0].dueDate", b =>
        {
            Terms(b)["level"] = "action";
            Terms(b).Remove("target");
            Terms(b)["milestones"] = new JsonArray(new JsonObject { ["id"] = "m1", ["title"] = "Do it", ["dueDate"] = "someday" });
        });
        Commitment("commitment: unknown goal", "goals[0].goalId", b => b["goals"] = new JsonArray(new JsonObject { ["goalId"] = "g-does-not-exist" }));
        Commitment("commitment: no goals", "goals", b => b["goals"] = new JsonArray());
        Commitment("commitment: zero weight", "goals[0].weight", b => b["goals"]![0]!["weight"] = 0);
        Commitment("commitment: unknown participant", "participantId", b => b["participantId"] = "p-does-not-exist");
        Commitment("commitment: unknown neighbourhood", "neighbourhoodCode", b => b["neighbourhoodCode"] = "24062W25");
        Commitment("commitment: empty title", "terms.title", b => Terms(b)["title"] = "");
        Commitment("commitment: 1 MB title", "terms.title", b => Terms(b)["title"] = Megabyte);
        Commitment("commitment: missing terms", "terms", b => b.Remove("terms"));
        Commitment("commitment: misspelt field", "terms.titel", b => Terms(b)["titel"] = "typo");
        Commitment("commitment: string where an object belongs", "terms", b => b["terms"] = "result");
        Commitment("commitment: wrong content type", "Content-Type", _ => { }, contentType: "text/plain");

        cases["commitment: malformed JSON"] = new BadInput("/api/commitments", """{"id":"c-bad-malformed","participantId":"{participant}", "goals": [""", "$", "/api/commitments/c-bad-malformed");
        cases["commitment: empty body"] = new BadInput("/api/commitments", "", "$", CreatedPath: null);
        cases["commitment: JSON null"] = new BadInput("/api/commitments", "null", "$", CreatedPath: null);
        cases["commitment: an array"] = new BadInput("/api/commitments", "[]", "$", CreatedPath: null);

        Progress("progress: NaN value", "value", """{"value":"NaN"}""");
        Progress("progress: huge value", "value", """{"value":1e400}""");
        Progress("progress: value out of range", "value", """{"value":1e15}""");
        Progress("progress: milestone of another commitment", "completedMilestoneId", """{"completedMilestoneId":"m9"}""");
        Progress("progress: evidence not a web link", "evidenceUrl", """{"value":30,"evidenceUrl":"ftp://example.org/x"}""");
        Progress("progress: date that is not a date", "reportedAt", """{"value":30,"reportedAt":"yesterday"}""");
        Progress("progress: dated in the future", "reportedAt", """{"value":30,"reportedAt":"2999-01-01T00:00:00Z"}""");
        Progress("progress: empty report", "value", "{}");
        Progress("progress: 1 MB note", "note", $$"""{"note":"{{Megabyte}}"}""");
        Progress("progress: wrong content type", "Content-Type", """{"value":30}""", contentType: "application/x-www-form-urlencoded");
        Progress("progress: malformed JSON", "$", """{"value":30,}""");
        return cases;
    }
}
