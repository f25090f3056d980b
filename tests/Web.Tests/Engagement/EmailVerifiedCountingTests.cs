using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Aggregation;
using CivicContracting.Grains.Tests.Following;
using CivicContracting.Participants;
using CivicContracting.Web.Tests.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.Engagement;

/// <summary>
/// Issue 14, finding 2, last part: where e-mail verification is required (here, because the platform sends mail to
/// <see cref="SmtpSink"/>), what a person registers counts in the public figures only once they have verified their
/// e-mail address, so throw-away accounts with chosen login names cannot inflate them. The commitments themselves are
/// made and confirmed as usual, and count from the moment the mailed link is used.
/// </summary>
public sealed partial class EmailVerifiedCountingTests : IAsyncLifetime
{
    private const string Neighbourhood = "24062W05";
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(30);

    private TestApp _app = null!;
    private HttpClient _operator = null!;

    private static SmtpSink Sink => SmtpSink.Shared;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync("email-counting-tests",
            ("Notifications:Smtp:Enabled", "true"),
            ("Notifications:Smtp:Host", "127.0.0.1"),
            ("Notifications:Smtp:Port", Sink.Port.ToString(CultureInfo.InvariantCulture)),
            ("Notifications:Smtp:Security", "None"),
            ("Notifications:Smtp:From", "accounts@civic-contracting.test"),
            ("Notifications:Smtp:BatchWindow", "00:00:00.100"),
            ("Accounts:PublicUrl", "https://leuven.example"),
            ("Accounts:MinMailInterval", "00:00:00"));
        _operator = TestHosts.Client(_app.BaseAddress, WebAppFixture.OperatorToken);
    }

    public async Task DisposeAsync()
    {
        _operator.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_persons_confirmed_commitments_count_publicly_only_after_they_verify_their_email_address()
    {
        var goal = await _operator.DefineGoalAsync();
        var address = $"chosen-{Guid.NewGuid():N}@example.org";

        // A chosen login name (not an address) signs in at once; the address given beside it is not verified yet.
        using var person = People.SessionClient(_app.BaseAddress);
        var signedUp = await (await person.PostAsync("/api/accounts", new
        {
            displayName = "Nieuwe Buur",
            loginName = $"buur{Guid.NewGuid():N}"[..20],
            password = People.Password,
            email = address,
            neighbourhoodCode = Neighbourhood,
        })).ReadAsync<JsonObject>(HttpStatusCode.Created);
        Assert.False((bool)signedUp["emailVerified"]!);
        await People.AddAntiforgeryHeaderAsync(person);
        var resident = (string)signedUp["participantId"]!;
        var organisation = (string)(await (await person.PostAsync("/api/me/organisations",
            new { kind = "business", name = $"Fietsherstel {Guid.NewGuid():N}"[..24], neighbourhoodCode = Neighbourhood }))
            .ReadAsync<JsonObject>(HttpStatusCode.Created))["id"]!;
        foreach (var participant in new[] { resident, organisation })
            Assert.True((bool)(await _operator.GetAsync<JsonObject>($"/api/participants/{participant}"))["awaitsOwnerEmail"]!);

        var own = new List<string>();
        foreach (var participant in new[] { resident, organisation })
        {
            var commitment = await person.CommitAsync(participant, Neighbourhood, TestApi.PledgeTerms(), (goal, 1));
            var confirmed = await person.ConfirmAsync(commitment.Id);
            Assert.False(confirmed.CountsInAggregates);
            own.Add(commitment.Id);
        }

        // A participant registered by the platform counts at once: once its pledge is in the goal's figures, the person's
        // two confirmed pledges (acknowledged before it) would be too if they counted.
        var platform = await _operator.RegisterAsync(ParticipantKind.Business, Neighbourhood);
        var control = await _operator.CommitAsync(platform, Neighbourhood, TestApi.PledgeTerms(), (goal, 1));
        await _operator.ConfirmAsync(control.Id);
        var before = await Eventually.Value(() => SnapshotAsync(goal), s => s.Totals.EngagedCommitments >= 1, what: "the platform's pledge counted");
        Assert.Equal(1, before.Totals.EngagedCommitments);
        Assert.Equal(1, before.Totals.Participants);

        // The mailed link verifies the address: both participants and their commitments count from now on.
        var (accountId, code) = LinkIn((await Sink.WaitFor(address, MailTimeout)).Body);
        var verified = await (await person.PostAsync("/api/accounts/verify-email", new { account = accountId, code })).ReadAsync<JsonObject>();
        Assert.True((bool)verified["emailVerified"]!);
        foreach (var participant in new[] { resident, organisation })
            Assert.False((bool)(await _operator.GetAsync<JsonObject>($"/api/participants/{participant}"))["awaitsOwnerEmail"]!);
        foreach (var id in own)
            Assert.True((await _operator.GetAsync<CivicContracting.Commitments.CommitmentView>($"/api/commitments/{id}")).CountsInAggregates);
        var after = await Eventually.Value(() => SnapshotAsync(goal), s => s.Totals.EngagedCommitments == 3, what: "the person's two pledges counted");
        Assert.Equal(3, after.Totals.Participants);

        // What they register from now on counts at once.
        var later = await (await person.PostAsync("/api/me/organisations",
            new { kind = "organisation", name = $"Buurtcomité {Guid.NewGuid():N}"[..24], neighbourhoodCode = Neighbourhood }))
            .ReadAsync<JsonObject>(HttpStatusCode.Created);
        Assert.False((bool)later["awaitsOwnerEmail"]!);
    }

    [Fact]
    public async Task Someone_who_does_not_own_the_address_cannot_make_a_persons_commitments_count()
    {
        var address = $"other-{Guid.NewGuid():N}@example.org";
        using var person = People.SessionClient(_app.BaseAddress);
        var signedUp = await (await person.PostAsync("/api/accounts", new
        {
            displayName = "Nog Niet Bevestigd",
            loginName = $"nnb{Guid.NewGuid():N}"[..20],
            password = People.Password,
            email = address,
            neighbourhoodCode = Neighbourhood,
        })).ReadAsync<JsonObject>(HttpStatusCode.Created);
        await People.AddAntiforgeryHeaderAsync(person);
        var accountId = (string)signedUp["id"]!;

        // A wrong code (or none) verifies nothing, and signing in again does not either.
        await (await person.PostAsync("/api/accounts/verify-email", new { account = accountId, code = "not-the-code" })).ProblemAsync(HttpStatusCode.Unauthorized);
        using var again = People.SessionClient(_app.BaseAddress);
        await (await again.PostAsync("/api/session", new { loginName = (string)signedUp["loginName"]!, password = People.Password })).ReadAsync<JsonObject>();
        var resident = (string)signedUp["participantId"]!;
        Assert.True((bool)(await _operator.GetAsync<JsonObject>($"/api/participants/{resident}"))["awaitsOwnerEmail"]!);

        // Nor can they count as a neighbour who joins: a co-signature needs a verified address.
        var goal = await _operator.DefineGoalAsync();
        var platform = await _operator.RegisterAsync(ParticipantKind.School, Neighbourhood);
        var commitment = await _operator.CommitAsync(platform, Neighbourhood, TestApi.PledgeTerms(), (goal, 1));
        await _operator.ConfirmAsync(commitment.Id);
        var refused = await (await person.PostAsync($"/api/commitments/{commitment.Id}/co-signers", new { participantId = resident })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("e-mail", (string)refused["detail"]!, StringComparison.Ordinal);
        Assert.Empty((await _operator.GetAsync<CivicContracting.Commitments.CommitmentView>($"/api/commitments/{commitment.Id}")).CoSigners ?? []);
    }

    private Task<EngagementSnapshot> SnapshotAsync(string goal) =>
        _app.Services.GetRequiredService<IClusterClient>().GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(goal)).GetSnapshot();

    private static (string AccountId, string Code) LinkIn(string body)
    {
        var match = Link().Match(body);
        Assert.True(match.Success, body);
        return (Uri.UnescapeDataString(match.Groups["account"].Value), Uri.UnescapeDataString(match.Groups["code"].Value));
    }

    [GeneratedRegex(@"https://leuven\.example/account/verify-email\?account=(?<account>[^&\s]+)&code=(?<code>[^\s]+)")]
    private static partial Regex Link();
}
