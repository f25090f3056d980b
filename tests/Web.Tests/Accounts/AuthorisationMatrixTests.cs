using System.Net;
using System.Text.Json.Nodes;
using CivicContracting.Participants;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>Who calls, in the authorisation matrix. The commitments and members belong to one organisation.</summary>
public enum Caller
{
    Anonymous,

    /// <summary>A signed-in person with no tie to the organisation.</summary>
    Stranger,

    /// <summary>The organisation's owner.</summary>
    Owner,

    /// <summary>A member (not an owner) of the organisation.</summary>
    Member,

    Coach,
    Moderator,
    Administrator,
    Operator,

    /// <summary>The owner's personal access token with every scope.</summary>
    OwnerTokenAllScopes,

    /// <summary>The owner's token with only progress:write.</summary>
    OwnerTokenProgressOnly,

    /// <summary>The owner's token with only read:private.</summary>
    OwnerTokenReadPrivateOnly,
}

/// <summary>
/// Every mutating endpoint (and the private read) × every kind of caller: an allowed call succeeds; a denied one gets 401
/// (anonymous) or 403 problem+json and changes nothing, checked by reading the state it would have changed before and after.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class AuthorisationMatrixTests(WebAppFixture app)
{
    private static readonly Caller[] Everyone = Enum.GetValues<Caller>();
    private static readonly Caller[] OwnerSide = [Caller.Owner, Caller.Administrator, Caller.Operator, Caller.OwnerTokenAllScopes];
    private static readonly Caller[] OwnerTokens = [Caller.OwnerTokenAllScopes, Caller.OwnerTokenProgressOnly, Caller.OwnerTokenReadPrivateOnly];
    private static readonly Caller[] SessionCallers = [Caller.Stranger, Caller.Owner, Caller.Member, Caller.Coach, Caller.Moderator, Caller.Administrator];

    /// <summary>Endpoint → the callers allowed; everyone else is denied.</summary>
    private static readonly Dictionary<string, Caller[]> Allowed = new()
    {
        ["define goal"] = [Caller.Administrator, Caller.Operator],
        ["revise goal"] = [Caller.Administrator, Caller.Operator],
        ["register organisation"] = [.. SessionCallers, Caller.Operator, Caller.OwnerTokenAllScopes],
        ["create commitment"] = [.. OwnerSide, Caller.Member, Caller.Coach],
        ["revise draft"] = [.. OwnerSide, Caller.Member, Caller.Coach],
        ["confirm commitment"] = [.. OwnerSide, Caller.Coach],
        ["upgrade commitment"] = OwnerSide,
        ["report progress"] = [.. OwnerSide, Caller.Member, Caller.OwnerTokenProgressOnly],
        ["upload evidence"] = [.. OwnerSide, Caller.Member, Caller.OwnerTokenProgressOnly],
        ["import progress csv"] = [.. OwnerSide, Caller.Member, Caller.OwnerTokenProgressOnly],
        ["post metric values"] = [.. OwnerSide, Caller.Member, Caller.OwnerTokenProgressOnly],
        ["withdraw commitment"] = OwnerSide,
        ["close commitment"] = OwnerSide,
        ["join commitment"] = [.. OwnerSide, Caller.Coach],
        ["take up template"] = [.. OwnerSide, Caller.Member, Caller.Coach],
        ["leave commitment"] = [.. OwnerSide, Caller.Coach],
        ["revoke access token"] = SessionCallers,
        ["add own organisation"] = [.. SessionCallers, Caller.OwnerTokenAllScopes],
        ["follow"] = [.. SessionCallers, .. OwnerTokens],
        ["unfollow"] = [.. SessionCallers, .. OwnerTokens],
        ["mark feed read"] = [.. SessionCallers, .. OwnerTokens],
        ["set email notifications"] = [.. SessionCallers, .. OwnerTokens],
        ["add member"] = OwnerSide,
        ["remove member"] = OwnerSide,
        ["grant role"] = [Caller.Administrator, Caller.Operator],
        ["revoke role"] = [Caller.Administrator, Caller.Operator],
        ["create access token"] = SessionCallers,
        ["read private details"] = [.. OwnerSide, Caller.Member, Caller.Coach, Caller.OwnerTokenReadPrivateOnly],
        ["record session"] = [Caller.Coach, Caller.Administrator, Caller.Operator],
        ["update session"] = [Caller.Coach, Caller.Administrator, Caller.Operator],
        // Only denials here: an allowed deletion would delete the matrix's people (AccountApiTests deletes its own).
        ["delete own account"] = [],
        ["verify claim"] = [Caller.Coach, Caller.Administrator, Caller.Operator],
        ["confirm claim as peer"] = [.. OwnerSide, Caller.Member],
        ["flag content"] = [.. SessionCallers, Caller.OwnerTokenAllScopes],
        ["moderate commitment"] = [Caller.Moderator, Caller.Administrator, Caller.Operator],
        ["dismiss flags"] = [Caller.Moderator, Caller.Administrator, Caller.Operator],
        ["request help"] = [.. OwnerSide, Caller.Member, Caller.Coach],
        ["mark help given"] = [Caller.Coach, Caller.Administrator, Caller.Operator],
        ["import a city"] = [Caller.Administrator, Caller.Operator],
        ["nudge commitment"] = [Caller.Coach, Caller.Administrator, Caller.Operator],
        ["assign coach"] = [Caller.Coach, Caller.Administrator, Caller.Operator],
        ["unassign coach"] = [Caller.Coach, Caller.Administrator, Caller.Operator],
        ["set coach profile"] = [Caller.Coach, Caller.Administrator, Caller.Operator],
        ["add commitment note"] = [Caller.Coach, Caller.Moderator, Caller.Administrator, Caller.Operator],
        ["add participant note"] = [Caller.Coach, Caller.Moderator, Caller.Administrator, Caller.Operator],
    };

    public static TheoryData<string, Caller> Cases()
    {
        var data = new TheoryData<string, Caller>();
        foreach (var endpoint in Allowed.Keys)
        {
            foreach (var caller in Everyone)
            {
                if (endpoint == "delete own account" && SessionCallers.Contains(caller))
                    continue;
                data.Add(endpoint, caller);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Allowed_callers_succeed_and_denied_ones_get_401_or_403_problem_json_and_change_nothing(string endpoint, Caller caller)
    {
        var world = await MatrixWorld.GetAsync(app);
        var client = world.ClientOf(caller);
        var (act, read) = await PrepareAsync(world, endpoint, caller);
        var allowed = Allowed[endpoint].Contains(caller);

        var before = await read();
        var response = await act(client);

        if (allowed)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{caller} may {endpoint}, but got {(int)response.StatusCode}: {text}");
            Assert.NotEqual(before, await read());
        }
        else
        {
            var problem = await response.ProblemAsync(caller == Caller.Anonymous ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden);
            Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]), problem.ToJsonString());
            Assert.Equal(before, await read());
        }
    }

    /// <summary>A fresh target for one cell: the request to make, and a read of the state it would change.</summary>
    private async Task<(Func<HttpClient, Task<HttpResponseMessage>> Act, Func<Task<string>> Read)> PrepareAsync(MatrixWorld world, string endpoint, Caller caller)
    {
        var op = app.Operator;
        // Whose own account a self-service call would change: the caller's, or for tokens (and denied callers) the owner's.
        var self = world.PersonOf(caller) ?? world.Owner;
        switch (endpoint)
        {
            case "define goal":
            {
                var id = $"g-m-{Guid.NewGuid():N}";
                return (c => c.PostAsync("/api/goals", new { id, title = "A goal", description = "", scope = new { level = "city" } }), () => StatusOf($"/api/goals/{id}"));
            }
            case "revise goal":
            {
                var id = await op.DefineGoalAsync(id: $"g-m-{Guid.NewGuid():N}");
                return (c => c.PutAsync($"/api/goals/{id}", new { title = "A revised goal", description = "Revised." }), async () =>
                {
                    var goal = await app.Public.GetAsync<JsonObject>($"/api/goals/{id}");
                    return $"{goal["version"]}|{goal["title"]}|{(await app.Public.GetAsync<JsonArray>($"/api/goals/{id}/versions")).Count}";
                });
            }
            case "register organisation":
            {
                var id = $"p-m-{Guid.NewGuid():N}";
                return (c => c.PostAsync("/api/participants", new { id, kind = "school", name = $"A school {id}", neighbourhoodCode = TestApi.Neighbourhood(13) }), () => StatusOf($"/api/participants/{id}"));
            }
            case "create commitment":
            {
                var id = $"c-m-{Guid.NewGuid():N}";
                return (c => c.PostAsync("/api/commitments", new
                {
                    id,
                    participantId = world.OrganisationId,
                    goals = new[] { new { goalId = world.GoalId } },
                    neighbourhoodCode = TestApi.Neighbourhood(13),
                    terms = TestApi.ResultTerms(),
                }), () => StatusOf($"/api/commitments/{id}"));
            }
            case "revise draft":
            {
                var draft = await op.CommitAsync(world.OrganisationId, TestApi.Neighbourhood(13), TestApi.PledgeTerms(), (world.GoalId, 1));
                return (c => c.PutAsync($"/api/commitments/{draft.Id}", new
                {
                    participantId = world.OrganisationId,
                    goals = new[] { new { goalId = world.GoalId } },
                    neighbourhoodCode = TestApi.Neighbourhood(12),
                    terms = TestApi.PledgeTerms(),
                }), () => CommitmentState(draft.Id));
            }
            case "confirm commitment":
            {
                var draft = await op.CommitAsync(world.OrganisationId, TestApi.Neighbourhood(13), TestApi.ResultTerms(), (world.GoalId, 1));
                var text = await op.GetAsync<JsonObject>($"/api/commitments/{draft.Id}/text");
                return (c => c.PostAsync($"/api/commitments/{draft.Id}/confirmation", new { textHash = (string)text["textHash"]!, confirmedBy = "Signer" }), () => CommitmentState(draft.Id));
            }
            case "upgrade commitment":
            {
                var id = await ConfirmedAsync(world, TestApi.PledgeTerms());
                var terms = new { level = "result", title = "We carry sustainable mobility", description = "A pledge.", target = new { metric = "trips", unit = "%", baseline = 10, target = 50, deadline = "2030-06-30" } };
                var hash = CivicContracting.Commitments.CommitmentText.Hash(new CivicContracting.Commitments.CommitmentTerms(
                    CivicContracting.Commitments.CommitmentLevel.Result, "We carry sustainable mobility", "A pledge.", null,
                    new CivicContracting.Goals.QuantitativeTarget("trips", "%", 10, 50, new DateOnly(2030, 6, 30))));
                return (c => c.PostAsync($"/api/commitments/{id}/upgrade", new { terms, textHash = hash, confirmedBy = "Signer", language = "nl" }), () => CommitmentState(id));
            }
            case "report progress":
            {
                var id = await ConfirmedAsync(world, TestApi.ResultTerms());
                return (c => c.PostAsync($"/api/commitments/{id}/progress", new { value = 30 }), () => CommitmentState(id));
            }
            case "upload evidence":
            {
                var id = await ConfirmedAsync(world, TestApi.ResultTerms());
                var png = Progress.TestFiles.Png();
                return (c => c.PostAsync($"/api/commitments/{id}/evidence", Progress.TestFiles.Multipart(png, "image/png", "evidence.png")),
                    () => StatusOf($"/api/evidence/{Progress.TestFiles.Sha256(png)}"));
            }
            case "import progress csv":
            {
                var id = await ConfirmedAsync(world, TestApi.ResultTerms());
                return (c => Progress.CsvImportTests.PostCsvAsync(c, world.OrganisationId, $"commitmentId,value,reportId\n{id},30,r-matrix\n", key: null),
                    () => CommitmentState(id));
            }
            case "post metric values":
            {
                var id = await ConfirmedAsync(world, TestApi.ResultTerms());
                return (c => c.PostAsync($"/api/commitments/{id}/metrics", new { values = new[] { new { value = 30, measuredAt = DateTimeOffset.UtcNow.AddMinutes(-1), reportId = "r-matrix" } } }),
                    () => CommitmentState(id));
            }
            case "withdraw commitment":
            {
                var id = await ConfirmedAsync(world, TestApi.ResultTerms());
                return (c => c.PostAsync($"/api/commitments/{id}/withdrawal", new { reason = "No longer possible." }), () => CommitmentState(id));
            }
            case "close commitment":
            {
                var id = await ConfirmedAsync(world, TestApi.ResultTerms());
                return (c => c.PostAsync($"/api/commitments/{id}/closure", new { outcome = "achieved" }), () => CommitmentState(id));
            }
            case "join commitment":
            {
                // Someone else's commitment; the caller joins on behalf of the organisation.
                var other = await op.RegisterAsync(ParticipantKind.Resident, TestApi.Neighbourhood(13));
                var draft = await op.CommitAsync(other, TestApi.Neighbourhood(13), TestApi.PledgeTerms(), (world.GoalId, 1));
                await op.ConfirmAsync(draft.Id);
                return (c => c.PostAsync($"/api/commitments/{draft.Id}/co-signers", new { participantId = world.OrganisationId }), () => CommitmentState(draft.Id));
            }
            case "take up template":
            {
                var city = await op.RegisterAsync(ParticipantKind.City, TestApi.Neighbourhood(1));
                var template = await (await op.PostAsync("/api/commitments", new
                {
                    id = $"c-tpl-{Guid.NewGuid():N}",
                    participantId = city,
                    goals = new[] { new { goalId = world.GoalId } },
                    neighbourhoodCode = TestApi.Neighbourhood(1),
                    terms = TestApi.PledgeTerms(),
                    isTemplate = true,
                })).ReadAsync<JsonObject>(HttpStatusCode.Created);
                var copy = $"c-copy-{Guid.NewGuid():N}";
                return (c => c.PostAsync($"/api/commitments/{(string)template["id"]!}/copies", new { id = copy, participantId = world.OrganisationId, neighbourhoodCode = TestApi.Neighbourhood(13) }),
                    () => StatusOf($"/api/commitments/{copy}"));
            }
            case "leave commitment":
            {
                var other = await op.RegisterAsync(ParticipantKind.Resident, TestApi.Neighbourhood(13));
                var draft = await op.CommitAsync(other, TestApi.Neighbourhood(13), TestApi.PledgeTerms(), (world.GoalId, 1));
                await op.ConfirmAsync(draft.Id);
                await (await op.PostAsync($"/api/commitments/{draft.Id}/co-signers", new { participantId = world.OrganisationId })).ReadAsync<JsonObject>();
                return (c => c.DeleteAsync($"/api/commitments/{draft.Id}/co-signers/{world.OrganisationId}"), () => CommitmentState(draft.Id));
            }
            case "revoke access token":
            {
                var created = await (await self.Client.PostAsync("/api/me/tokens", new { name = "to revoke", scopes = new[] { "read:private" } })).ReadAsync<JsonObject>(HttpStatusCode.Created);
                var tokenId = (string)created["info"]!["tokenId"]!;
                return (c => c.DeleteAsync($"/api/me/tokens/{tokenId}"),
                    async () => (await self.Client.GetAsync<JsonArray>("/api/me/tokens")).Single(t => (string)t!["tokenId"]! == tokenId)!["revokedAt"]?.ToJsonString() ?? "active");
            }
            case "add own organisation":
                return (c => c.PostAsync("/api/me/organisations", new { kind = "business", name = "Fietsenwinkel", neighbourhoodCode = TestApi.Neighbourhood(13) }), () => MeOf(self));
            case "follow":
            {
                var topic = await app.Operator.DefineGoalAsync(); // following needs a goal that exists (issue 14)
                return (c => c.PostAsync("/api/me/follows", new { kind = "goal", id = topic }), () => self.Client.GetStringAsync("/api/me/follows"));
            }
            case "unfollow":
            {
                var topic = await app.Operator.DefineGoalAsync(); // following needs a goal that exists (issue 14)
                await (await self.Client.PostAsync("/api/me/follows", new { kind = "goal", id = topic })).ReadAsync<JsonObject>();
                return (c => c.DeleteAsync($"/api/me/follows/goal/{topic}"), () => self.Client.GetStringAsync("/api/me/follows"));
            }
            case "mark feed read":
            {
                // Something unread in the feed: a report on a commitment the person follows.
                var draft = await op.CommitAsync(world.OrganisationId, TestApi.Neighbourhood(13), TestApi.ResultTerms(), (world.GoalId, 1));
                await op.ConfirmAsync(draft.Id);
                await (await self.Client.PostAsync("/api/me/follows", new { kind = "commitment", id = draft.Id })).ReadAsync<JsonObject>();
                await (await op.PostAsync($"/api/commitments/{draft.Id}/progress", new { value = 30 })).ReadAsync<JsonObject>();
                var feed = await Eventually.Value(() => self.Client.GetAsync<JsonObject>("/api/me/feed"), f => (int)f["unreadCount"]! > 0, TimeSpan.FromSeconds(10));
                var newest = (long)feed["latestSequence"]!;
                return (c => c.PostAsync("/api/me/feed/read", new { upTo = newest }), async () => (await self.Client.GetAsync<JsonObject>("/api/me/feed"))["unreadCount"]!.ToJsonString());
            }
            case "set email notifications":
            {
                await (await self.Client.PutAsync("/api/me/notifications/email", new { enabled = false })).ReadAsync<JsonObject>();
                return (c => c.PutAsync("/api/me/notifications/email", new { enabled = true }), () => self.Client.GetStringAsync("/api/me/notifications/email"));
            }
            case "add member":
            {
                var newcomer = await Accounts.People.SignUpAsync(app.BaseAddress);
                return (c => c.PostAsync($"/api/participants/{world.OrganisationId}/members", new { loginName = newcomer.LoginName, role = "member" }),
                    () => MeOf(newcomer));
            }
            case "remove member":
            {
                var leaver = await Accounts.People.SignUpAsync(app.BaseAddress);
                await (await op.PostAsync($"/api/participants/{world.OrganisationId}/members", new { loginName = leaver.LoginName, role = "member" })).ReadAsync<JsonObject>();
                return (c => c.DeleteAsync($"/api/participants/{world.OrganisationId}/members/{leaver.AccountId}"), () => MeOf(leaver));
            }
            case "grant role":
            {
                var target = await Accounts.People.SignUpAsync(app.BaseAddress);
                return (c => c.PostAsync($"/api/accounts/{target.AccountId}/roles", new { role = "coach" }), () => MeOf(target));
            }
            case "revoke role":
            {
                var target = await Accounts.People.SignUpAsync(app.BaseAddress);
                await Accounts.People.GrantAsync(op, target.AccountId, "coach");
                return (c => c.DeleteAsync($"/api/accounts/{target.AccountId}/roles/coach"), () => MeOf(target));
            }
            case "create access token":
                // Allowed callers create one on their own account; denied ones must leave the owner's tokens as they were.
                return (c => c.PostAsync("/api/me/tokens", new { name = "matrix", scopes = new[] { "progress:write" } }),
                    () => TokenCountsAsync(world));
            case "read private details":
                return (async c =>
                {
                    var response = await c.GetAsync($"/api/participants/{world.OrganisationId}/private");
                    world.PrivateReads += response.IsSuccessStatusCode ? 1 : 0;
                    return response;
                }, () => Task.FromResult(world.PrivateReads.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            case "delete own account":
                return (c => c.DeleteAsync("/api/me"), () => MeOf(world.Owner));
            case "record session":
            {
                var id = $"s-m-{Guid.NewGuid():N}";
                return (c => c.PostAsync("/api/sessions", Sessions.SessionsApi.Body(world.GoalId, DateTimeOffset.UtcNow.AddDays(-1), id)), () => StatusOf($"/api/sessions/{id}"));
            }
            case "update session":
            {
                var startsAt = DateTimeOffset.UtcNow.AddDays(-1);
                var id = await Sessions.SessionsApi.RecordAsync(op, world.GoalId, startsAt);
                return (c => c.PutAsync($"/api/sessions/{id}", Sessions.SessionsApi.Body(world.GoalId, startsAt, title: $"Renamed by {caller}")),
                    async () => (string)(await app.Public.GetAsync<JsonObject>($"/api/sessions/{id}"))["title"]!);
            }
            case "verify claim":
            {
                var id = await ConfirmedAsync(world, TestApi.ResultTerms());
                await (await op.PostAsync($"/api/commitments/{id}/progress", new { reportId = "r-matrix", value = 30 })).ReadAsync<JsonObject>();
                return (c => c.PostAsync($"/api/commitments/{id}/reports/r-matrix/verification", new { note = "Counted at the school gate." }), () => CommitmentState(id));
            }
            case "confirm claim as peer":
            {
                // Someone else's claim; the caller confirms it on behalf of the organisation.
                var other = await op.RegisterAsync(ParticipantKind.Resident, TestApi.Neighbourhood(13));
                var draft = await op.CommitAsync(other, TestApi.Neighbourhood(13), TestApi.ResultTerms(), (world.GoalId, 1));
                await op.ConfirmAsync(draft.Id);
                await (await op.PostAsync($"/api/commitments/{draft.Id}/progress", new { reportId = "r-matrix", value = 30 })).ReadAsync<JsonObject>();
                return (c => c.PostAsync($"/api/commitments/{draft.Id}/reports/r-matrix/peer-confirmation", new { participantId = world.OrganisationId }), () => CommitmentState(draft.Id));
            }
            case "flag content":
            {
                var id = await ConfirmedAsync(world, TestApi.PledgeTerms());
                return (c => c.PostAsync($"/api/commitments/{id}/flags", new { target = "text", reason = $"Flagged by {caller}" }), () => OpenFlagsAsync(id));
            }
            case "moderate commitment":
            {
                var id = await ConfirmedAsync(world, TestApi.PledgeTerms());
                return (c => c.PostAsync($"/api/commitments/{id}/moderation", new { action = "hide", target = "text", publicReason = "Beledigende taal" }),
                    async () => $"{await CommitmentState(id)}|{(await app.Public.GetAsync<JsonObject>($"/api/commitments/{id}"))["terms"]!["title"]}");
            }
            case "dismiss flags":
            {
                var id = await ConfirmedAsync(world, TestApi.PledgeTerms());
                await (await world.Owner.Client.PostAsync($"/api/commitments/{id}/flags", new { target = "text", reason = "Beledigend" })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
                return (c => c.PostAsync("/api/moderation/flags/dismissal", new { commitmentId = id, target = "text" }), () => OpenFlagsAsync(id));
            }
            case "request help":
            {
                var draft = await op.CommitAsync(world.OrganisationId, TestApi.Neighbourhood(13), TestApi.PledgeTerms(), (world.GoalId, 1));
                return (c => c.PostAsync($"/api/commitments/{draft.Id}/help-request", new { message = "Hoe maak ik dit meetbaar?" }), () => CommitmentState(draft.Id));
            }
            case "import a city":
            {
                // A file of one participant of the organisation's and one commitment; what it would create is read back.
                var participant = $"p-m-{Guid.NewGuid():N}";
                var body = Imports.ImportFiles.Lines([Imports.ImportFiles.Participant(participant), Imports.ImportFiles.Commitment($"c-m-{Guid.NewGuid():N}", participant, world.GoalId, 2)]);
                return (c => Imports.ImportFiles.PostImportAsync(c, body), () => StatusOf($"/api/participants/{participant}"));
            }
            case "mark help given":
            {
                var draft = await op.CommitAsync(world.OrganisationId, TestApi.Neighbourhood(13), TestApi.PledgeTerms(), (world.GoalId, 1));
                await (await op.PostAsync($"/api/commitments/{draft.Id}/help-request", new { message = "Hoe maak ik dit meetbaar?" })).ReadAsync<JsonObject>();
                return (c => c.DeleteAsync($"/api/commitments/{draft.Id}/help-request"),
                    async () => $"{await CommitmentState(draft.Id)}|{(await app.Public.GetAsync<JsonObject>($"/api/commitments/{draft.Id}"))["helpRequestedAt"]}");
            }
            case "nudge commitment":
            {
                var id = await ConfirmedAsync(world, TestApi.ResultTerms());
                return (c => c.PostAsync($"/api/commitments/{id}/nudges", new { message = "Hoe staat het?" }),
                    async () => (await app.Public.GetAsync<JsonObject>($"/api/commitments/{id}"))["nudgeCount"]!.ToJsonString());
            }
            case "assign coach":
            {
                var participant = await op.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13));
                var coach = world.PersonOf(Caller.Coach)!.AccountId;
                return (c => c.PutAsync($"/api/participants/{participant}/coach", new { coachId = coach }),
                    () => op.GetStringAsync($"/api/participants/{participant}/coach"));
            }
            case "unassign coach":
            {
                var participant = await op.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13));
                var coach = world.PersonOf(Caller.Coach)!.AccountId;
                await (await op.PutAsync($"/api/participants/{participant}/coach", new { coachId = coach })).ReadAsync<JsonObject>();
                return (c => c.DeleteAsync($"/api/participants/{participant}/coach?note=Verhuisd"),
                    () => op.GetStringAsync($"/api/participants/{participant}/coach"));
            }
            case "set coach profile":
            {
                // The coach's own profile: the coach and administrators may set it, nobody else.
                var coach = world.PersonOf(Caller.Coach)!.AccountId;
                return (c => c.PutAsync($"/api/coach/coaches/{coach}/profile", new { displayName = $"Coach {Guid.NewGuid():N}", areas = new[] { TestApi.Neighbourhood(13) } }),
                    async () =>
                    {
                        var response = await op.GetAsync($"/api/coach/coaches/{coach}/profile");
                        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    });
            }
            case "add commitment note":
            {
                var id = await ConfirmedAsync(world, TestApi.ResultTerms());
                return (c => c.PostAsync($"/api/commitments/{id}/notes", new { text = "A note of the team." }),
                    async () => (await op.GetAsync<JsonArray>($"/api/commitments/{id}/notes")).Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            case "add participant note":
            {
                var participant = await op.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13));
                return (c => c.PostAsync($"/api/participants/{participant}/notes", new { text = "A note of the team." }),
                    async () => (await op.GetAsync<JsonArray>($"/api/participants/{participant}/notes")).Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null);
        }
    }

    private async Task<string> ConfirmedAsync(MatrixWorld world, object terms)
    {
        var draft = await app.Operator.CommitAsync(world.OrganisationId, TestApi.Neighbourhood(13), terms, (world.GoalId, 1));
        await app.Operator.ConfirmAsync(draft.Id);
        return draft.Id;
    }

    private async Task<string> StatusOf(string path) => ((int)(await app.Public.GetAsync(path)).StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Everything a write could change on a commitment: its version (bumped by every change), status, level and reports.</summary>
    private async Task<string> CommitmentState(string id)
    {
        var view = await app.Public.GetAsync<JsonObject>($"/api/commitments/{id}");
        return $"{view["version"]}|{view["status"]}|{view["terms"]!["level"]}|{view["reports"]!.AsArray().Count}|{view["confirmation"]?.ToJsonString()}";
    }

    /// <summary>The open flags on a commitment, as the operator token reads them.</summary>
    private async Task<string> OpenFlagsAsync(string commitmentId)
    {
        var flags = await app.Operator.GetAsync<JsonObject>("/api/moderation/flags");
        return string.Join(";", flags["items"]!.AsArray().Where(i => (string)i!["commitmentId"]! == commitmentId).Select(i => i!["flags"]!.ToJsonString()));
    }

    private static async Task<string> MeOf(Person person)
    {
        var me = await person.Client.GetAsync<JsonObject>("/api/me");
        return $"{me["roles"]!.ToJsonString()}|{me["memberships"]!.AsArray().Select(m => $"{m!["organisationId"]}:{m["role"]}").Aggregate("", (a, b) => a + b)}";
    }

    private static async Task<string> TokenCountsAsync(MatrixWorld world)
    {
        var counts = await Task.WhenAll(world.SessionPeople.Select(p => p.Client.GetAsync<JsonArray>("/api/me/tokens")));
        return string.Join(",", counts.Select(c => c.Count));
    }
}

/// <summary>The matrix's people and organisation, made once per app through the API.</summary>
public sealed class MatrixWorld
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<Uri, MatrixWorld> Worlds = [];

    private readonly Dictionary<Caller, HttpClient> _clients = [];

    public required string GoalId { get; init; }
    public required string OrganisationId { get; init; }
    public required Person Owner { get; init; }
    public required IReadOnlyList<Person> SessionPeople { get; init; }
    public int PrivateReads { get; set; }

    public HttpClient ClientOf(Caller caller) => _clients[caller];

    /// <summary>The person behind a session caller; null for anonymous, the operator token and access tokens.</summary>
    public Person? PersonOf(Caller caller) => _people.GetValueOrDefault(caller);

    private readonly Dictionary<Caller, Person> _people = [];

    public static async Task<MatrixWorld> GetAsync(WebAppFixture app)
    {
        await Gate.WaitAsync();
        try
        {
            if (!Worlds.TryGetValue(app.BaseAddress, out var world))
                Worlds[app.BaseAddress] = world = await CreateAsync(app);
            return world;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<MatrixWorld> CreateAsync(WebAppFixture app)
    {
        var goalId = await app.Operator.DefineGoalAsync();
        var people = new Dictionary<Caller, Person>();
        foreach (var caller in new[] { Caller.Stranger, Caller.Owner, Caller.Member, Caller.Coach, Caller.Moderator, Caller.Administrator })
            people[caller] = await Accounts.People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        await Accounts.People.GrantAsync(app.Operator, people[Caller.Coach].AccountId, "coach");
        await Accounts.People.GrantAsync(app.Operator, people[Caller.Moderator].AccountId, "moderator");
        await Accounts.People.GrantAsync(app.Operator, people[Caller.Administrator].AccountId, "administrator");

        // The owner registers the organisation (and so owns it) and adds the member.
        var owner = people[Caller.Owner];
        var organisation = await (await owner.Client.PostAsync("/api/me/organisations", new
        {
            kind = ParticipantKind.School,
            name = "Basisschool Matrix",
            neighbourhoodCode = TestApi.Neighbourhood(13),
            contactEmail = "school@example.org",
        })).ReadAsync<JsonObject>(HttpStatusCode.Created);
        var organisationId = (string)organisation["id"]!;
        await (await owner.Client.PostAsync($"/api/participants/{organisationId}/members", new { loginName = people[Caller.Member].LoginName, role = "member" })).ReadAsync<JsonObject>();

        var world = new MatrixWorld { GoalId = goalId, OrganisationId = organisationId, Owner = owner, SessionPeople = [.. people.Values] };
        foreach (var (caller, person) in people)
        {
            world._clients[caller] = person.Client;
            world._people[caller] = person;
        }
        world._clients[Caller.Anonymous] = app.Public;
        world._clients[Caller.Operator] = app.Operator;
        world._clients[Caller.OwnerTokenAllScopes] = await owner.TokenClientAsync(app.BaseAddress, "commitments:write", "progress:write", "read:private");
        world._clients[Caller.OwnerTokenProgressOnly] = await owner.TokenClientAsync(app.BaseAddress, "progress:write");
        world._clients[Caller.OwnerTokenReadPrivateOnly] = await owner.TokenClientAsync(app.BaseAddress, "read:private");
        return world;
    }
}
