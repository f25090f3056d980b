using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>"We commit if party P confirms commitment C": a reciprocal civic contract, e.g. with the city's support.</summary>
[Collection(CommitmentClusterCollection.Name)]
public sealed class ReciprocalConditionTests(CommitmentClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_reciprocal_commitment_comes_into_force_when_the_commitment_it_depends_on_is_confirmed_after_it()
    {
        var (support, supportTerms, _) = await CitySupport();
        var goal = await TestData.Goal(Grains);
        var school = await TestData.Participant(Grains, ParticipantKind.School);
        var terms = TestData.ResultTerms(20, 60);
        var (id, dependant, created) = await Grains.Create(school, "24062W13", goal, terms, CommitmentCondition.Reciprocal(support.Id, AdvancingClock.Now.AddDays(30)));
        Assert.Equal(ConditionStatus.Waiting, created.ConditionStatus);
        Assert.Equal(new[] { id }, (await support.Grain.Get())!.DependantIds!);
        Assert.True(await Grains.IsTracked(id));

        var confirmed = await dependant.ConfirmAs(terms, "Head teacher");
        Assert.Equal(ConditionStatus.Waiting, confirmed.ConditionStatus);
        Assert.False(confirmed.CountsInAggregates);
        var before = await Grains.SnapshotWhen(AggregateScope.Goal(goal), s => s.Confirmed() == 1);
        Assert.Equal(0, before.Totals.EngagedCommitments);

        // The city confirms its support: it tells its dependant one-way, and the school's commitment comes into force.
        var city = await support.Grain.ConfirmAs(supportTerms, "Alderman");
        var met = (await Eventually.Value(() => dependant.Get(), v => v!.ConditionStatus == ConditionStatus.Met))!;
        Assert.Equal(ConditionStatus.Met, met.ConditionStatus);
        Assert.Equal(city.Confirmation!.ConfirmedAt, met.ConditionMetAt);
        Assert.True(met.CountsInAggregates);
        Assert.False(await Grains.IsTracked(id));

        var after = await Grains.SnapshotWhen(AggregateScope.Goal(goal), s => s.Totals.EngagedCommitments == 1);
        Assert.Equal(1, after.Totals.EngagedCommitments);
        Assert.Equal(1, after.Totals.ParticipantsByKind.GetValueOrDefault(ParticipantKind.School));
        Assert.Equal(1, after.Totals.ResultCommitments);
        // It counts from when both were signed: the city signed last.
        Assert.Equal(city.Confirmation.ConfirmedAt, after.Totals.FirstEngagementAt);
    }

    [Fact]
    public async Task A_reciprocal_commitment_on_a_commitment_confirmed_before_it_is_met_at_once_and_counts_as_soon_as_it_is_confirmed()
    {
        var (support, supportTerms, _) = await CitySupport();
        var goal = await TestData.Goal(Grains);
        var cityConfirmed = await support.Grain.ConfirmAs(supportTerms, "Alderman");

        // Created after the city's confirmation: met at creation, never listed with the deadline index.
        var shop = await TestData.Participant(Grains, ParticipantKind.Business);
        var terms = TestData.PledgeTerms();
        var (id, dependant, created) = await Grains.Create(shop, "24062W13", goal, terms, CommitmentCondition.Reciprocal(support.Id, AdvancingClock.Now.AddDays(30)));
        Assert.Equal(ConditionStatus.Met, created.ConditionStatus);
        Assert.Equal(cityConfirmed.Confirmation!.ConfirmedAt, created.ConditionMetAt);
        Assert.False(created.CountsInAggregates); // still a draft
        Assert.False(await Grains.IsTracked(id));

        var confirmed = await dependant.ConfirmAs(terms, "Shop owner");
        Assert.True(confirmed.CountsInAggregates);
        var pushed = (await dependant.GetContribution())!;
        Assert.True(pushed.IsEngaged);
        Assert.Equal(confirmed.Confirmation!.ConfirmedAt, pushed.ConfirmedAt);
        var aggregate = await Grains.SnapshotWhen(AggregateScope.Goal(goal), s => s.Totals.EngagedCommitments == 1);
        Assert.Equal(1, aggregate.Totals.EngagedCommitments);
    }

    [Fact]
    public async Task A_reciprocal_draft_told_of_the_confirmation_counts_as_soon_as_it_is_confirmed_itself()
    {
        var (support, supportTerms, _) = await CitySupport();
        var goal = await TestData.Goal(Grains);
        var organisation = await TestData.Participant(Grains, ParticipantKind.Organisation);
        var terms = TestData.PledgeTerms();
        var (_, dependant, _) = await Grains.Create(organisation, "24062W13", goal, terms, CommitmentCondition.Reciprocal(support.Id, AdvancingClock.Now.AddDays(30)));

        // The city confirms while the dependant is still a draft: the condition is met, the draft does not count yet.
        await support.Grain.ConfirmAs(supportTerms, "Alderman");
        var met = (await Eventually.Value(() => dependant.Get(), v => v!.ConditionStatus == ConditionStatus.Met))!;
        Assert.Equal(ConditionStatus.Met, met.ConditionStatus);
        Assert.Equal(CommitmentStatus.Draft, met.Status);
        Assert.False(met.CountsInAggregates);

        var confirmed = await dependant.ConfirmAs(terms);
        Assert.True(confirmed.CountsInAggregates);
        var aggregate = await Grains.SnapshotWhen(AggregateScope.Goal(goal), s => s.Totals.EngagedCommitments == 1);
        Assert.Equal(1, aggregate.Totals.EngagedCommitments);
    }

    [Fact]
    public async Task A_reciprocal_commitment_whose_commitment_is_not_confirmed_by_the_deadline_lapses_and_a_later_confirmation_changes_nothing()
    {
        var (support, supportTerms, _) = await CitySupport();
        var goal = await TestData.Goal(Grains);
        var school = await TestData.Participant(Grains, ParticipantKind.School);
        var terms = TestData.PledgeTerms();
        var (id, dependant, _) = await Grains.Create(school, "24062W13", goal, terms, CommitmentCondition.Reciprocal(support.Id, AdvancingClock.Now.AddDays(1)));
        await dependant.ConfirmAs(terms);

        AdvancingClock.Advance(TimeSpan.FromDays(2));
        await Grains.Sweeper().Sweep();
        var lapsed = (await Eventually.Value(() => dependant.Get(), v => v!.ConditionStatus == ConditionStatus.Lapsed))!;
        Assert.Equal(ConditionStatus.Lapsed, lapsed.ConditionStatus);
        Assert.False(await Grains.IsTracked(id));

        // The city confirms too late: the dependant is told, and stays lapsed.
        await support.Grain.ConfirmAs(supportTerms, "Alderman");
        // A negative check: the dependant is told one-way and changes nothing, so there is no fact to wait for; room for it.
        await Task.Delay(500);
        var after = (await dependant.Get())!;
        Assert.Equal(ConditionStatus.Lapsed, after.ConditionStatus);
        Assert.False(after.CountsInAggregates);
        Assert.False((await dependant.GetContribution())!.IsEngaged);
        await Task.Delay(200); // and a few publish intervals for a wrong count to reach the aggregate
        var aggregate = await Grains.Snapshot(AggregateScope.Goal(goal));
        Assert.Equal(0, aggregate.Totals.EngagedCommitments);
    }

    /// <summary>A draft of the city's support for a goal of its own (so it never shows in the dependant's goal).</summary>
    private async Task<((string Id, ICommitmentGrain Grain) Commitment, CommitmentTerms Terms, string Goal)> CitySupport()
    {
        var city = await TestData.Participant(Grains, ParticipantKind.City);
        var goal = await TestData.Goal(Grains);
        var terms = new CommitmentTerms(CommitmentLevel.Pledge, "The city supports car-free school streets", "Signage and permits.");
        var (id, grain, _) = await Grains.Create(city, "24062W13", goal, terms);
        return ((id, grain), terms, goal);
    }
}
