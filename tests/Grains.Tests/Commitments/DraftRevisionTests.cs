using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>Drafts are saved, resumed and edited before they are confirmed.</summary>
[Collection(CommitmentClusterCollection.Name)]
public sealed class DraftRevisionTests(CommitmentClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_revised_draft_moves_to_its_new_neighbourhood_and_counts_there_once_confirmed()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W13");
        var (id, commitment, _) = await Grains.Create(owner, "24062W13", goal, TestData.PledgeTerms());
        var revisedTerms = new CommitmentTerms(CommitmentLevel.Result, "Fewer car trips", "Revised.", Target: TestData.Target());
        var revision = new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W01", revisedTerms);

        var revised = await commitment.Revise(revision);
        Assert.Equal(("24062W01", CommitmentLevel.Result, CommitmentStatus.Draft, 1), (revised.NeighbourhoodCode, revised.Terms.Level, revised.Status, revised.TermsVersion));
        Assert.Equal(revised.Version, (await commitment.Revise(revision)).Version); // the same revision again writes nothing

        await commitment.ConfirmAs(revisedTerms);
        var moved = await Grains.SnapshotWhen(AggregateScope.Place("24062W01"), s => s.Totals.EngagedCommitments >= 1);
        Assert.True(moved.Totals.EngagedCommitments >= 1);
        Assert.NotNull(await Grains.InShard(owner, id, AggregateScope.Place("24062W01")));
        Assert.Null(await Grains.InShard(owner, id, AggregateScope.Place("24062W13")));

        await Assert.ThrowsAsync<StateConflictException>(() => commitment.Revise(revision with { Terms = TestData.PledgeTerms() }));
    }

    [Fact]
    public async Task A_revision_for_another_participant_or_with_another_condition_is_refused_and_nothing_changes()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W13");
        var other = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W13");
        var (_, commitment, _) = await Grains.Create(owner, "24062W13", goal, TestData.PledgeTerms());
        var before = await commitment.Get();

        var moved = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.Revise(new CommitmentDraft(other, [new GoalWeight(goal)], "24062W13", TestData.PledgeTerms())));
        Assert.Contains("participantId", moved.Errors.Keys);
        var conditional = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.Revise(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", TestData.PledgeTerms(),
            CommitmentCondition.Threshold(2, AdvancingClock.Now.AddDays(10)))));
        Assert.Contains("condition", conditional.Errors.Keys);
        var blank = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.Revise(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", TestData.PledgeTerms() with { Title = "" })));
        Assert.Contains("terms.title", blank.Errors.Keys);
        Assert.Equal(before!.Version, (await commitment.Get())!.Version);
    }
}
