using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>A draft's participant asks the support team for help; a coach marks it given, and confirming or withdrawing the draft clears it.</summary>
[Collection(CommitmentClusterCollection.Name)]
public sealed class HelpRequestTests(CommitmentClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_help_request_shows_in_the_view_and_the_contribution_until_a_coach_marks_it_given()
    {
        var (id, commitment, _) = await Draft();
        var help = Grains.GetGrain<ICommitmentHelpGrain>(id);
        Assert.Null((await commitment.Get())!.HelpRequestedAt);
        Assert.Null((await commitment.GetContribution())!.HelpRequestedAt);

        var asked = await help.RequestHelp("Hoe meet ik het aandeel fietsers?");
        Assert.NotNull(asked.HelpRequestedAt);
        Assert.Equal("Hoe meet ik het aandeel fietsers?", asked.HelpRequest);
        Assert.Equal(asked.HelpRequestedAt, (await commitment.GetContribution())!.HelpRequestedAt);
        Assert.Equal(CommitmentStatus.Draft, asked.Status);

        // The same request again writes nothing; another message replaces it and keeps the time it was first asked.
        Assert.Equal(asked.Version, (await help.RequestHelp("Hoe meet ik het aandeel fietsers?")).Version);
        var again = await help.RequestHelp("En wat is een goede beginwaarde?");
        Assert.Equal(("En wat is een goede beginwaarde?", asked.HelpRequestedAt), (again.HelpRequest, again.HelpRequestedAt));

        var given = await help.HelpGiven("account-coach");
        Assert.Null(given.HelpRequestedAt);
        Assert.Null(given.HelpRequest);
        Assert.Null((await commitment.GetContribution())!.HelpRequestedAt);
        Assert.Equal(given.Version, (await help.HelpGiven("account-coach")).Version); // nothing left to clear
    }

    [Fact]
    public async Task Confirming_the_draft_clears_its_help_request_and_a_confirmed_commitment_asks_none()
    {
        var (id, commitment, terms) = await Draft();
        var help = Grains.GetGrain<ICommitmentHelpGrain>(id);
        await help.RequestHelp("Klopt mijn doel?");

        var confirmed = await commitment.ConfirmAs(terms);
        Assert.Null(confirmed.HelpRequestedAt);
        Assert.Null(confirmed.HelpRequest);
        Assert.Null((await commitment.GetContribution())!.HelpRequestedAt);

        await Assert.ThrowsAsync<StateConflictException>(() => help.RequestHelp("Nog een vraag"));
        Assert.Null((await commitment.Get())!.HelpRequestedAt);
    }

    [Fact]
    public async Task Withdrawing_the_draft_clears_its_help_request()
    {
        var (id, commitment, _) = await Draft();
        await Grains.GetGrain<ICommitmentHelpGrain>(id).RequestHelp("Klopt mijn doel?");
        Assert.NotNull((await commitment.GetContribution())!.HelpRequestedAt);

        var withdrawn = await commitment.Withdraw("Toch niet.");
        Assert.Null(withdrawn.HelpRequestedAt);
        Assert.Null((await commitment.GetContribution())!.HelpRequestedAt);
    }

    [Fact]
    public async Task A_message_out_of_bounds_is_refused_and_an_unknown_commitment_is_not_found()
    {
        var (id, commitment, _) = await Draft();
        var help = Grains.GetGrain<ICommitmentHelpGrain>(id);
        var version = (await commitment.Get())!.Version;
        foreach (var message in new[] { "", "ab", new string('x', HelpRequests.MaxMessageLength + 1) })
        {
            var refused = await Assert.ThrowsAsync<InputRejectedException>(() => help.RequestHelp(message));
            Assert.Contains("message", refused.Errors.Keys);
        }
        Assert.Equal(version, (await commitment.Get())!.Version);
        Assert.Null((await commitment.Get())!.HelpRequestedAt);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Grains.GetGrain<ICommitmentHelpGrain>(TestData.NewId("c")).RequestHelp("Help"));
    }

    private async Task<(string Id, ICommitmentGrain Grain, CommitmentTerms Terms)> Draft()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W13");
        var terms = TestData.ResultTerms();
        var (id, commitment, _) = await Grains.Create(owner, "24062W13", goal, terms);
        return (id, commitment, terms);
    }
}
