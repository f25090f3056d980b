using System.Net;
using System.Text.Json.Nodes;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Progress;

/// <summary>An organisation of its own per test: its owner (a cookie session), a fresh goal, and confirmed commitments on request.</summary>
public sealed class ProgressWorld : IDisposable
{
    private readonly WebAppFixture _app;

    private ProgressWorld(WebAppFixture app, Person owner, string organisationId, string goalId)
    {
        _app = app;
        Owner = owner;
        OrganisationId = organisationId;
        GoalId = goalId;
    }

    /// <summary>A neighbourhood no other test of the shared app uses, so that their place aggregates stay theirs.</summary>
    public static string Neighbourhood { get; } = TestApi.Neighbourhood(21);

    public Person Owner { get; }

    public string OrganisationId { get; }

    public string GoalId { get; }

    public static async Task<ProgressWorld> CreateAsync(WebAppFixture app)
    {
        var owner = await People.SignUpAsync(app.BaseAddress, Neighbourhood);
        var organisation = await (await owner.Client.PostAsync("/api/me/organisations", new
        {
            kind = ParticipantKind.Organisation,
            name = $"Fietsersbond {Guid.NewGuid():N}",
            neighbourhoodCode = Neighbourhood,
            contactEmail = "fietsers@example.org",
        })).ReadAsync<JsonObject>(HttpStatusCode.Created);
        var goalId = await app.Operator.DefineGoalAsync();
        return new ProgressWorld(app, owner, (string)organisation["id"]!, goalId);
    }

    /// <summary>A confirmed commitment of the organisation to the world's goal (result: baseline 0, target 100 unless said otherwise).</summary>
    public async Task<string> ConfirmedAsync(object? terms = null, string? participantId = null)
    {
        var draft = await _app.Operator.CommitAsync(participantId ?? OrganisationId, Neighbourhood, terms ?? TestApi.ResultTerms(baseline: 0, target: 100), (GoalId, 1));
        await _app.Operator.ConfirmAsync(draft.Id);
        return draft.Id;
    }

    public Task<CommitmentView> CommitmentAsync(string id) => _app.Public.GetAsync<CommitmentView>($"/api/commitments/{id}");

    public void Dispose() => Owner.Dispose();
}
