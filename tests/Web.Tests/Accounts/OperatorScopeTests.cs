using System.Net;
using System.Text.Json.Nodes;
using CivicContracting.Participants;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>
/// With Api:OperatorTokenScope=Bootstrap (production) the operator token sets the platform up — the first administrator,
/// goals — and nothing more: acting for participants takes a person's session or personal access token.
/// </summary>
public sealed class OperatorScopeTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync("operator-scope-tests",
            ("Api:OperatorTokenScope", "Bootstrap"));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_bootstrap_operator_token_makes_the_first_administrator_and_goals_but_may_not_act_for_participants()
    {
        using var bootstrap = TestHosts.Client(_app.BaseAddress, WebAppFixture.OperatorToken);
        using var person = await People.SignUpAsync(_app.BaseAddress, TestApi.Neighbourhood(13));

        // Setting up: a goal, and the first administrator.
        var goal = await bootstrap.DefineGoalAsync();
        await People.GrantAsync(bootstrap, person.AccountId, "administrator");
        Assert.Contains("administrator", (await person.Client.GetAsync<JsonObject>("/api/me"))["roles"]!.AsArray().Select(r => (string)r!));

        // Acting for participants: refused, naming the setting, and nothing stored.
        var refused = await (await bootstrap.PostAsync("/api/participants", new { id = "p-bootstrap-school", kind = ParticipantKind.School, name = "School", neighbourhoodCode = TestApi.Neighbourhood(13) }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("Api:OperatorTokenScope", (string)refused["detail"]!, StringComparison.Ordinal);
        await (await bootstrap.GetAsync("/api/participants/p-bootstrap-school")).ProblemAsync(HttpStatusCode.NotFound);
        await (await bootstrap.PostAsync("/api/commitments", new
        {
            participantId = person.ParticipantId,
            goals = new[] { new { goalId = goal } },
            neighbourhoodCode = TestApi.Neighbourhood(13),
            terms = TestApi.PledgeTerms(),
        })).ProblemAsync(HttpStatusCode.Forbidden);

        // The administrator, signed in, acts for anyone.
        var draft = await person.Client.CommitAsync(person.ParticipantId!, TestApi.Neighbourhood(13), TestApi.PledgeTerms(), (goal, 1));
        await person.Client.ConfirmAsync(draft.Id);
        await (await bootstrap.PostAsync($"/api/commitments/{draft.Id}/progress", new { note = "from the operator" })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Empty((await bootstrap.GetAsync<JsonObject>($"/api/commitments/{draft.Id}"))["reports"]!.AsArray());
    }
}
