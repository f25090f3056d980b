using CivicContracting.Commitments;
using CivicContracting.Participants;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>
/// Issue 14, finding 2: a resident met their own "if 3 neighbours join" condition with 3 organisations they own. A
/// threshold counts distinct people (the account that joined), not the participants one person acts for.
/// </summary>
[Collection(CommitmentClusterCollection.Name)]
public sealed class ThresholdPeopleTests(CommitmentClusterFixture fixture)
{
    private const string Neighbourhood = "24062W03";

    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Three_organisations_of_one_person_are_one_neighbour_and_the_condition_waits_for_two_more_people()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.Resident, Neighbourhood);
        var terms = TestData.PledgeTerms();
        var (_, commitment, _) = await Grains.Create(owner, Neighbourhood, goal, terms, CommitmentCondition.Threshold(3, AdvancingClock.Now.AddDays(7)));
        await commitment.ConfirmAs(terms);

        var person = TestData.NewId("account");
        CommitmentView view = null!;
        for (var i = 0; i < 3; i++)
            view = await commitment.JoinAs(await TestData.Participant(Grains, ParticipantKind.Organisation, Neighbourhood), person);
        Assert.Equal((3, 1, ConditionStatus.Waiting), (view.CoSignerCount, view.NeighbourhoodCoSignerCount, view.ConditionStatus!.Value));
        Assert.False((await commitment.GetContribution())!.IsEngaged);
        // Who acts for a participant stays with the commitment: the public view does not show it.
        Assert.All(view.CoSigners!, c => Assert.Null(c.PersonId));

        view = await commitment.JoinAs(await TestData.Participant(Grains, ParticipantKind.Resident, Neighbourhood), TestData.NewId("account"));
        Assert.Equal((2, ConditionStatus.Waiting), (view.NeighbourhoodCoSignerCount, view.ConditionStatus!.Value));
        var third = await TestData.Participant(Grains, ParticipantKind.Resident, Neighbourhood);
        view = await commitment.JoinAs(third, TestData.NewId("account"));
        Assert.Equal((3, ConditionStatus.Met), (view.NeighbourhoodCoSignerCount, view.ConditionStatus!.Value));
        Assert.Equal(view.CoSigners!.Single(c => c.ParticipantId == third).JoinedAt, view.ConditionMetAt);
        Assert.True((await commitment.GetContribution())!.IsEngaged);
    }

    [Fact]
    public async Task Co_signers_the_platform_entered_without_a_person_count_one_each_as_before()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.Resident, Neighbourhood);
        var terms = TestData.PledgeTerms();
        var (_, commitment, _) = await Grains.Create(owner, Neighbourhood, goal, terms, CommitmentCondition.Threshold(2, AdvancingClock.Now.AddDays(7)));
        await commitment.ConfirmAs(terms);
        await commitment.Join(await TestData.Participant(Grains, ParticipantKind.Business, Neighbourhood));
        var view = await commitment.Join(await TestData.Participant(Grains, ParticipantKind.Business, Neighbourhood));
        Assert.Equal((2, ConditionStatus.Met), (view.NeighbourhoodCoSignerCount, view.ConditionStatus!.Value));
    }
}
