using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>Joining a commitment as co-signer ("me too").</summary>
[Collection(CommitmentClusterCollection.Name)]
public sealed class CoSignerTests(CommitmentClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Joining_is_idempotent_lists_each_co_signer_once_with_the_first_join_time_and_leaving_removes_them()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.School, "24062W13");
        var terms = TestData.PledgeTerms();
        var (_, commitment, _) = await Grains.Create(owner, "24062W13", goal, terms);
        await commitment.ConfirmAs(terms);
        var resident = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W13");
        var shop = await TestData.Participant(Grains, ParticipantKind.Business, "24062W10");

        var first = await commitment.Join(resident);
        var joinedAt = Assert.Single(first.CoSigners!).JoinedAt;
        Assert.Equal((1, 1), (first.CoSignerCount, first.NeighbourhoodCoSignerCount));

        AdvancingClock.Advance(TimeSpan.FromHours(1));
        var again = await commitment.Join(resident);
        Assert.Equal(first.Version, again.Version); // nothing written
        var only = Assert.Single(again.CoSigners!);
        Assert.Equal((resident, joinedAt, "24062W13"), (only.ParticipantId, only.JoinedAt, only.NeighbourhoodCode));

        var both = await commitment.Join(shop);
        Assert.Equal(2, both.CoSignerCount);
        Assert.Equal(1, both.NeighbourhoodCoSignerCount);
        Assert.Equal([resident, shop], both.CoSigners!.Select(c => c.ParticipantId));
        Assert.Equal("24062W10", both.CoSigners![1].NeighbourhoodCode);

        var left = await commitment.Leave(resident);
        Assert.Equal(shop, Assert.Single(left.CoSigners!).ParticipantId);
        Assert.Equal((1, 0), (left.CoSignerCount, left.NeighbourhoodCoSignerCount));
        var leftAgain = await commitment.Leave(resident);
        Assert.Equal(left.Version, leftAgain.Version);
        Assert.Equal(1, leftAgain.CoSignerCount);

        // Co-signing does not change how the commitment itself counts.
        Assert.True((await commitment.GetContribution())!.IsEngaged);
    }

    [Fact]
    public async Task Joining_is_refused_for_a_draft_the_owner_an_unknown_or_malformed_participant_and_a_withdrawn_commitment_and_nothing_is_stored()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.School);
        var resident = await TestData.Participant(Grains);
        var terms = TestData.PledgeTerms();
        var (_, commitment, draft) = await Grains.Create(owner, "24062W13", goal, terms);

        await Assert.ThrowsAsync<StateConflictException>(() => commitment.Join(resident));
        var confirmed = await commitment.ConfirmAs(terms);

        var self = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.Join(owner));
        Assert.Contains("participantId", self.Errors.Keys);
        var unknown = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.Join(TestData.NewId("p-missing")));
        Assert.Contains("participantId", unknown.Errors.Keys);
        var malformed = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.Join("not an id!"));
        Assert.Contains("participantId", malformed.Errors.Keys);
        var blank = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.Leave(""));
        Assert.Contains("participantId", blank.Errors.Keys);

        var view = (await commitment.Get())!;
        Assert.Equal(confirmed.Version, view.Version);
        Assert.Equal(0, view.CoSignerCount);
        Assert.Empty(view.CoSigners!);

        await commitment.Withdraw("Plans changed.");
        await Assert.ThrowsAsync<StateConflictException>(() => commitment.Join(resident));
        Assert.Equal(0, (await commitment.Get())!.CoSignerCount);
        Assert.Equal(CommitmentStatus.Draft, draft.Status);
    }
}
