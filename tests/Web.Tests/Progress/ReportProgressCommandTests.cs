using CivicContracting.Accounts;
using CivicContracting.Commitments;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Problems;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.Progress;

/// <summary>
/// <see cref="ReportProgressCommand"/> without HTTP: the one entrance of a progress report (the API and the site's form
/// call it; CSV imports and metric feeds apply the same <see cref="CommitmentRules.Report"/>), its authorisation and its
/// rules, called with an actor as its callers resolve one.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class ReportProgressCommandTests(WebAppFixture app)
{
    private ReportProgressCommand Command => app.Services.GetRequiredService<ReportProgressCommand>();

    private IClusterClient Orleans => app.Services.GetRequiredService<IClusterClient>();

    [Fact]
    public async Task A_member_reports_once_however_often_the_same_report_is_sent_and_strangers_are_refused_before_their_input_is_read()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        var owner = await ActorOfAsync(world.Owner.AccountId, ActorKind.Session);

        var permit = await Command.AuthoriseAsync(owner, commitment);
        Assert.NotNull(permit.Commitment); // a person's permit reads the commitment to check the right
        var input = new ProgressInput("r-cmd-1", null, 40, null, "Gemeten aan de poort.", null);
        var first = await Command.RunAsync(permit, Command.Prepare(permit, input), CancellationToken.None);
        // Sent again a moment later: dated anew, yet recognised as the same report by its id.
        var again = await Command.RunAsync(permit, Command.Prepare(permit, input), CancellationToken.None);
        Assert.Single(first.Reports);
        Assert.Equal(first.Version, again.Version);
        Assert.Equal(40, (await world.CommitmentAsync(commitment)).Reports.Single().Value);

        using var strangerPerson = await Accounts.People.SignUpAsync(app.BaseAddress);
        var stranger = await ActorOfAsync(strangerPerson.AccountId, ActorKind.Session);
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiProblemException>(() => Command.AuthoriseAsync(stranger, commitment))).Status);
        Assert.Equal(401, (await Assert.ThrowsAsync<ApiProblemException>(() => Command.AuthoriseAsync(Actor.Anonymous, commitment))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<ApiProblemException>(() => Command.AuthoriseAsync(owner, "c-none-such"))).Status);
        // An access token of the owner without the progress scope is refused too.
        var token = owner with { Kind = ActorKind.AccessToken, Scopes = new HashSet<string>([AccessTokenScopes.CommitmentsWrite]) };
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiProblemException>(() => Command.AuthoriseAsync(token, commitment))).Status);
        Assert.Single((await world.CommitmentAsync(commitment)).Reports);
    }

    [Fact]
    public async Task The_date_limits_are_those_of_every_way_in_and_the_grain_holds_them_too()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        var permit = await Command.AuthoriseAsync(Actor.Operator, commitment);
        Assert.Null(permit.Commitment); // the operator's hot path: no read before the grain call
        var now = DateTimeOffset.UtcNow;

        // An hour ahead was accepted by the API before (the grain allowed a day) while CSV refused five minutes: now one rule.
        foreach (var (reportedAt, what) in new[] { (now.AddHours(1), "an hour ahead"), (new DateTimeOffset(2, 1, 1, 0, 0, 0, TimeSpan.Zero), "year 2"), (new DateTimeOffset(1999, 12, 31, 0, 0, 0, TimeSpan.Zero), "1999") })
        {
            var prepared = Command.Prepare(permit, new ProgressInput(null, reportedAt, 10, null, null, null));
            var rejected = await Assert.ThrowsAsync<InputRejectedException>(() => Command.RunAsync(permit, prepared, CancellationToken.None));
            Assert.True(rejected.Errors.ContainsKey("reportedAt"), what);
            // Called directly, the grain refuses it as well.
            var direct = await Assert.ThrowsAsync<InputRejectedException>(() => Orleans.GetGrain<ICommitmentGrain>(commitment).ReportProgress(prepared.Report));
            Assert.True(direct.Errors.ContainsKey("reportedAt"), what);
            var batch = await Assert.ThrowsAsync<InputRejectedException>(() => Orleans.GetGrain<ICommitmentGrain>(commitment).ReportProgressBatch([prepared.Report]));
            Assert.True(batch.Errors.ContainsKey("[0].reportedAt"), what);
        }
        // Within the clock skew every entrance allows, and a date in the past: stored.
        await Command.RunAsync(permit, Command.Prepare(permit, new ProgressInput(null, now.AddMinutes(2), 10, null, null, null)), CancellationToken.None);
        await Command.RunAsync(permit, Command.Prepare(permit, new ProgressInput(null, now.AddDays(-30), 5, null, null, null)), CancellationToken.None);
        Assert.Equal(2, (await world.CommitmentAsync(commitment)).Reports.Count);
    }

    [Fact]
    public async Task Evidence_that_was_never_uploaded_is_refused_whichever_entrance_names_it()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        var owner = await ActorOfAsync(world.Owner.AccountId, ActorKind.Session);
        var permit = await Command.AuthoriseAsync(owner, commitment);
        var missing = InputRules.EvidencePathPrefix + new string('a', 64);

        var prepared = Command.Prepare(permit, new ProgressInput(null, null, 10, null, null, missing));
        var errors = await Command.CheckAsync(permit, prepared, CancellationToken.None);
        Assert.Contains("evidenceUrl", errors.ByField.Keys);
        await Assert.ThrowsAsync<InputRejectedException>(() => Command.RunAsync(permit, prepared, CancellationToken.None));
        Assert.Empty((await world.CommitmentAsync(commitment)).Reports);
    }

    private async Task<Actor> ActorOfAsync(string accountId, ActorKind kind) =>
        new(kind, await Orleans.GetGrain<IAccountGrain>(accountId).Get() ?? throw new InvalidOperationException($"No account {accountId}."), null);
}
