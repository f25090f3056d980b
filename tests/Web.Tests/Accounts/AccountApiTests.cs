using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicContracting.Commitments;
using CivicContracting.Places;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Goals;
using CivicContracting.Web.Places;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>Accounts through the API as a person and an integrator use them: sign-up, sign-in, sessions, tokens, export, deletion.</summary>
[Collection(WebAppCollection.Name)]
public sealed class AccountApiTests(WebAppFixture app)
{
    [Fact]
    public async Task Sign_up_creates_the_account_and_a_resident_shown_under_a_pseudonym_and_signs_in()
    {
        using var person = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13), displayName: "Jana Verbeeck");
        var me = await person.Client.GetAsync<JsonObject>("/api/me");
        Assert.Equal(person.AccountId, (string)me["id"]!);
        Assert.Equal(["participant"], me["roles"]!.AsArray().Select(r => (string)r!));
        var profile = await app.Public.GetAsync<JsonObject>($"/api/participants/{person.ParticipantId}");
        Assert.Equal("resident", (string)profile["kind"]!);
        Assert.DoesNotContain("Verbeeck", profile.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("passwordHash", me.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_person_without_a_neighbourhood_adds_their_own_resident_participant_once()
    {
        using var person = await People.SignUpAsync(app.BaseAddress);
        Assert.Null(person.ParticipantId);
        await (await person.Client.PostAsync("/api/me/participant", new { neighbourhoodCode = "24062W99" })).ProblemNamingAsync("neighbourhoodCode");
        await (await app.Operator.PostAsync("/api/me/participant", new { neighbourhoodCode = TestApi.Neighbourhood(4) })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await app.Public.PostAsync("/api/me/participant", new { neighbourhoodCode = TestApi.Neighbourhood(4) })).ProblemAsync(HttpStatusCode.Unauthorized);

        var added = await (await person.Client.PostAsync("/api/me/participant", new { neighbourhoodCode = TestApi.Neighbourhood(4), pseudonym = "Fietser van de Vaart" }))
            .ReadAsync<JsonObject>(HttpStatusCode.Created);
        var participantId = (string)added["participantId"]!;
        Assert.Equal("Fietser van de Vaart", (string)(await app.Public.GetAsync<JsonObject>($"/api/participants/{participantId}"))["displayName"]!);
        await (await person.Client.PostAsync("/api/me/participant", new { neighbourhoodCode = TestApi.Neighbourhood(5) })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(TestApi.Neighbourhood(4), (string)(await app.Public.GetAsync<JsonObject>($"/api/participants/{participantId}"))["neighbourhoodCode"]!);
    }

    [Fact]
    public async Task A_taken_login_gets_409_and_a_weak_password_400_naming_the_field()
    {
        using var person = await People.SignUpAsync(app.BaseAddress);
        using var client = People.SessionClient(app.BaseAddress);
        await (await client.PostAsync("/api/accounts", new { displayName = "Other", loginName = person.LoginName.ToUpperInvariant(), password = People.Password }))
            .ProblemAsync(HttpStatusCode.Conflict);
        await (await client.PostAsync("/api/accounts", new { displayName = "Other", loginName = $"x-{Guid.NewGuid():N}", password = "short" }))
            .ProblemNamingAsync("password");
        await (await client.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Repeated_failures_slow_the_login_name_down_for_a_short_while_but_never_lock_the_owner_out()
    {
        // Before: 5 wrong passwords locked the account for 15 minutes, the right password included.
        using var person = await People.SignUpAsync(app.BaseAddress);
        using var client = People.SessionClient(app.BaseAddress);
        await (await client.PostAsync("/api/session", new { loginName = person.LoginName, password = person.Password })).ReadAsync<JsonObject>();
        await (await client.GetAsync("/api/me")).ReadAsync<JsonObject>();

        using var attacker = People.SessionClient(app.BaseAddress);
        for (var i = 0; i < 6; i++)
        {
            var wrong = await (await attacker.PostAsync("/api/session", new { loginName = person.LoginName, password = $"wrong password {i}" })).ProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("The login name or the password is wrong.", (string)wrong["detail"]!); // no "N more attempts"
        }
        var slowed = await attacker.PostAsync("/api/session", new { loginName = person.LoginName, password = person.Password });
        var wait = slowed.Headers.RetryAfter?.Delta;
        var problem = await slowed.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(wait);
        Assert.InRange(wait!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Contains("sign-in link", (string)problem["detail"]!, StringComparison.Ordinal);
        await (await attacker.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);

        // After the short wait the right password works again (here: the same address as the guesses).
        await Eventually.Until(async () =>
            (await attacker.PostAsync("/api/session", new { loginName = person.LoginName, password = person.Password })).StatusCode == HttpStatusCode.OK);
        await (await attacker.GetAsync("/api/me")).ReadAsync<JsonObject>();

        // An unknown login gets the same answer as a wrong password: no hint that it exists.
        var unknown = await (await attacker.PostAsync("/api/session", new { loginName = $"nobody-{Guid.NewGuid():N}", password = "whatever it is" })).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The login name or the password is wrong.", (string)unknown["detail"]!);
    }

    [Fact]
    public async Task A_session_write_without_the_antiforgery_header_is_refused_and_stores_nothing()
    {
        using var person = await People.SignUpAsync(app.BaseAddress);
        using var bare = People.SessionClient(app.BaseAddress);
        await (await bare.PostAsync("/api/session", new { loginName = person.LoginName, password = person.Password })).ReadAsync<JsonObject>();
        var response = await bare.PostAsync("/api/me/organisations", new { kind = "school", name = "Forged school", neighbourhoodCode = TestApi.Neighbourhood(2) });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("X-CSRF-TOKEN", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Empty((await bare.GetAsync<JsonObject>("/api/me"))["memberships"]!.AsArray());

        await People.AddAntiforgeryHeaderAsync(bare);
        await (await bare.PostAsync("/api/me/organisations", new { kind = "school", name = "Real school", neighbourhoodCode = TestApi.Neighbourhood(2) })).ReadAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Single((await bare.GetAsync<JsonObject>("/api/me"))["memberships"]!.AsArray());
    }

    [Fact]
    public async Task A_person_confirms_under_their_pseudonym_reports_and_may_not_backdate()
    {
        using var person = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        var goal = await app.Operator.DefineGoalAsync();
        var draft = await person.Client.CommitAsync(person.ParticipantId!, TestApi.Neighbourhood(13), TestApi.ResultTerms(), (goal, 1));
        var text = await person.Client.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text");

        var backdated = await person.Client.PostAsync($"/api/commitments/{draft.Id}/confirmation", new { textHash = text.TextHash, signedAt = DateTimeOffset.UtcNow.AddDays(-30) });
        await backdated.ProblemAsync(HttpStatusCode.Forbidden);

        var confirmed = await (await person.Client.PostAsync($"/api/commitments/{draft.Id}/confirmation", new { textHash = text.TextHash, confirmedBy = "Someone Else" }))
            .ReadAsync<CommitmentView>();
        var profile = await app.Public.GetAsync<JsonObject>($"/api/participants/{person.ParticipantId}");
        Assert.Equal((string)profile["displayName"]!, confirmed.Confirmation!.ConfirmedBy);
        Assert.Equal(text.TextHash, confirmed.Confirmation.TextHash);

        var reported = await (await person.Client.PostAsync($"/api/commitments/{draft.Id}/progress", new { value = 35 })).ReadAsync<CommitmentView>();
        Assert.Equal(35, reported.CurrentValue);
    }

    [Fact]
    public async Task An_access_token_acts_within_its_scopes_until_revoked_and_its_secret_is_shown_once()
    {
        using var person = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        var goal = await app.Operator.DefineGoalAsync();
        var draft = await person.Client.CommitAsync(person.ParticipantId!, TestApi.Neighbourhood(13), TestApi.ResultTerms(), (goal, 1));
        var text = await person.Client.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text");
        await (await person.Client.PostAsync($"/api/commitments/{draft.Id}/confirmation", new { textHash = text.TextHash })).ReadAsync<CommitmentView>();

        var created = await (await person.Client.PostAsync("/api/me/tokens", new { name = "traffic counter", scopes = new[] { "progress:write" }, expiresInDays = 30 }))
            .ReadAsync<JsonObject>(HttpStatusCode.Created);
        var token = (string)created["token"]!;
        Assert.StartsWith("ccp.", token, StringComparison.Ordinal);
        var listed = await person.Client.GetStringAsync("/api/me/tokens");
        Assert.DoesNotContain(token.Split('.')[2], listed, StringComparison.Ordinal);

        using var integrator = new HttpClient { BaseAddress = app.BaseAddress };
        integrator.DefaultRequestHeaders.Authorization = new("Bearer", token);
        await (await integrator.PostAsync($"/api/commitments/{draft.Id}/progress", new { reportId = "counter-1", value = 40 })).ReadAsync<CommitmentView>();
        await (await integrator.PostAsync($"/api/commitments/{draft.Id}/withdrawal", new { reason = "Not in scope." })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await integrator.PostAsync("/api/me/tokens", new { name = "more", scopes = new[] { "progress:write" } })).ProblemAsync(HttpStatusCode.Forbidden);

        await (await person.Client.DeleteAsync($"/api/me/tokens/{(string)created["info"]!["tokenId"]!}")).ReadAsync<JsonObject>();
        await (await integrator.PostAsync($"/api/commitments/{draft.Id}/progress", new { reportId = "counter-2", value = 45 })).ProblemAsync(HttpStatusCode.Unauthorized);
        var view = await app.Public.GetAsync<CommitmentView>($"/api/commitments/{draft.Id}");
        Assert.Equal(["counter-1"], view.Reports.Select(r => r.ReportId));
    }

    [Fact]
    public async Task Export_holds_the_persons_data_and_deletion_anonymises_them_leaving_every_aggregate_unchanged()
    {
        var neighbourhood = TestApi.Neighbourhood(13);
        using var person = await People.SignUpAsync(app.BaseAddress, neighbourhood, displayName: "Pieter Deletable");
        var goal = await app.Operator.DefineGoalAsync();
        var draft = await person.Client.CommitAsync(person.ParticipantId!, neighbourhood, TestApi.ResultTerms(), (goal, 1));
        var text = await person.Client.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text");
        await (await person.Client.PostAsync($"/api/commitments/{draft.Id}/confirmation", new { textHash = text.TextHash })).ReadAsync<CommitmentView>();
        await (await person.Client.PostAsync($"/api/commitments/{draft.Id}/progress", new { value = 50 })).ReadAsync<CommitmentView>();

        await (await person.Client.PostAsync("/api/me/follows", new { kind = "goal", id = goal })).ReadAsync<JsonObject>();
        var exportResponse = await person.Client.GetAsync("/api/me/export");
        var export = await exportResponse.ReadAsync<JsonObject>();
        Assert.Contains("attachment", exportResponse.Content.Headers.ContentDisposition?.ToString() ?? exportResponse.Headers.GetValues("Content-Disposition").First(), StringComparison.Ordinal);
        Assert.Equal("Pieter Deletable", (string)export["account"]!["displayName"]!);
        Assert.Equal(draft.Id, (string)export["commitments"]![0]!["id"]!);
        Assert.Equal("Pieter Deletable", (string)export["participantDetails"]!["name"]!);
        Assert.DoesNotContain("AQAAAA", export.ToJsonString(), StringComparison.Ordinal); // no Identity password hash
        Assert.Contains(export["following"]!["topics"]!.AsArray(), t => (string)t!["topic"]!["id"]! == goal);
        Assert.Contains(export["following"]!["topics"]!.AsArray(), t => (string)t!["topic"]!["id"]! == person.ParticipantId);
        Assert.False((bool)export["emailNotifications"]!["enabled"]!);
        Assert.NotNull(export["feed"]!.AsArray());

        // The figures to compare with include the person's report: first the fact that the goal counts it, then a settled read.
        await Eventually.Value(() => app.Public.GetAsync<GoalDetails>($"/api/goals/{goal}"), g => g.Engagement.Totals.ProgressCount == 1, TimeSpan.FromSeconds(10));
        var aggregatesBefore = await AggregatesAsync(goal, neighbourhood);
        await (await person.Client.DeleteAsync("/api/me")).ReadAsync<JsonObject>();
        await (await person.Client.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);

        var profile = await app.Public.GetStringAsync($"/api/participants/{person.ParticipantId}");
        Assert.DoesNotContain("Pieter", profile, StringComparison.Ordinal);
        var commitment = await app.Public.GetAsync<CommitmentView>($"/api/commitments/{draft.Id}");
        Assert.Equal(CommitmentStatus.Active, commitment.Status);
        Assert.Equal(aggregatesBefore, await AggregatesAsync(goal, neighbourhood));

        using var again = People.SessionClient(app.BaseAddress);
        await (await again.PostAsync("/api/session", new { loginName = person.LoginName, password = person.Password })).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>The engagement figures of the goal and the neighbourhood's place chain, as JSON, once the live aggregates settle.</summary>
    private async Task<string> AggregatesAsync(string goal, string neighbourhood)
    {
        async Task<string> Read()
        {
            var parts = new List<string> { JsonSerializer.Serialize((await app.Public.GetAsync<GoalDetails>($"/api/goals/{goal}")).Engagement with { Version = 0, UpdatedAt = default }, TestApi.Json) };
            foreach (var code in PlaceCatalog.Leuven.Get(neighbourhood).SelfAndAncestors)
                parts.Add(JsonSerializer.Serialize((await app.Public.GetAsync<PlaceDetails>($"/api/places/{code}")).Engagement with { Version = 0, UpdatedAt = default }, TestApi.Json));
            return string.Join("\n", parts);
        }
        // Aggregates publish asynchronously: read until two reads half a second apart agree (the pause is what "settled"
        // means here, not a wait for a fact).
        var previous = await Read();
        return (await Eventually.Value(async () =>
        {
            await Task.Delay(500);
            var current = await Read();
            var settled = current == previous;
            previous = current;
            return (Settled: settled, Figures: current);
        }, read => read.Settled, TimeSpan.FromSeconds(30), "two reads of the aggregates half a second apart agreeing")).Figures;
    }
}
