using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>"I commit if N others in my neighbourhood join": waiting, met by co-signers, lapsed by the deadline.</summary>
[Collection(CommitmentClusterCollection.Name)]
public sealed class ThresholdConditionTests(CommitmentClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_threshold_commitment_does_not_count_until_enough_neighbours_join_and_then_counts_in_the_aggregates()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W03");
        var terms = TestData.PledgeTerms();
        var deadline = AdvancingClock.Now.AddDays(7);
        var (id, commitment, created) = await Grains.Create(owner, "24062W03", goal, terms, CommitmentCondition.Threshold(2, deadline));
        Assert.Equal(ConditionStatus.Waiting, created.ConditionStatus);
        Assert.Equal(CommitmentCondition.Threshold(2, deadline), created.Condition);
        Assert.Contains(await Grains.Sweeper().FindScheduled(id), e => e.DueAt == deadline);

        // Confirmed formally, but not in force: it counts by status only.
        var confirmed = await commitment.ConfirmAs(terms);
        Assert.Equal(CommitmentStatus.Confirmed, confirmed.Status);
        Assert.Equal(ConditionStatus.Waiting, confirmed.ConditionStatus);
        Assert.False(confirmed.CountsInAggregates);
        var pushed = (await commitment.GetContribution())!;
        Assert.True(pushed.NotInForce);
        Assert.False(pushed.IsEngaged);
        Assert.Null(pushed.ConfirmedAt);
        var waiting = await Grains.SnapshotWhen(AggregateScope.Goal(goal), s => s.Confirmed() == 1);
        Assert.Equal(1, waiting.Confirmed());
        Assert.Equal(0, waiting.Totals.EngagedCommitments);
        Assert.Equal(0, waiting.Totals.Participants);
        Assert.Null(waiting.Totals.FirstEngagementAt);

        // Only co-signers from the commitment's own neighbourhood count towards the threshold.
        var elsewhere = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W08");
        var neighbour1 = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W03");
        var neighbour2 = await TestData.Participant(Grains, ParticipantKind.Business, "24062W03");
        var view = await commitment.Join(elsewhere);
        Assert.Equal((1, 0, ConditionStatus.Waiting), (view.CoSignerCount, view.NeighbourhoodCoSignerCount, view.ConditionStatus!.Value));
        view = await commitment.Join(neighbour1);
        Assert.Equal((2, 1, ConditionStatus.Waiting), (view.CoSignerCount, view.NeighbourhoodCoSignerCount, view.ConditionStatus!.Value));
        Assert.False((await commitment.GetContribution())!.IsEngaged);

        view = await commitment.Join(neighbour2);
        Assert.Equal((3, 2, ConditionStatus.Met), (view.CoSignerCount, view.NeighbourhoodCoSignerCount, view.ConditionStatus!.Value));
        var metAt = view.CoSigners!.Single(c => c.ParticipantId == neighbour2).JoinedAt;
        Assert.Equal(metAt, view.ConditionMetAt);
        Assert.True(view.CountsInAggregates);
        Assert.False(await Grains.IsTracked(id));

        // From now on it counts, dated from the meeting of its condition (after the confirmation).
        var counted = await Grains.SnapshotWhen(AggregateScope.Goal(goal), s => s.Totals.EngagedCommitments == 1);
        Assert.Equal(1, counted.Totals.EngagedCommitments);
        Assert.Equal(1, counted.Totals.ParticipantsByKind.GetValueOrDefault(ParticipantKind.Resident));
        Assert.Equal(metAt, counted.Totals.FirstEngagementAt);
        var place = await Grains.InShard(owner, id, AggregateScope.Place("24062W03"));
        Assert.True(place is { IsEngaged: true }, "the neighbourhood's shard holds it as engaged");

        // A met condition stays met when a co-signer leaves.
        view = await commitment.Leave(neighbour1);
        Assert.Equal((ConditionStatus.Met, 1), (view.ConditionStatus!.Value, view.NeighbourhoodCoSignerCount));
        Assert.True((await commitment.GetContribution())!.IsEngaged);
    }

    [Fact]
    public async Task A_deadline_that_passes_unmet_is_acted_on_by_the_deadline_index_and_the_commitment_lapses_and_never_counts()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W03");
        var terms = TestData.ActionTerms(2);
        var deadline = AdvancingClock.Now.AddDays(1);
        var (id, commitment, created) = await Grains.Create(owner, "24062W03", goal, terms, CommitmentCondition.Threshold(3, deadline));
        await commitment.ConfirmAs(terms);
        await commitment.Join(await TestData.Participant(Grains, ParticipantKind.Resident, "24062W03"));

        // Before the deadline a sweep of the schedule leaves it alone.
        await Grains.Sweeper().Sweep();
        await Task.Delay(300); // a negative check: room for a wrongly sent deadline to arrive (the lapse below is the positive one)
        Assert.Equal(ConditionStatus.Waiting, (await commitment.Get())!.ConditionStatus);

        // Two days later: a sweep (what the sweeper's timer runs; the timer itself may come first) tells the commitment,
        // which lapses. Nobody reads the commitment meanwhile.
        AdvancingClock.Advance(TimeSpan.FromDays(2));
        await Grains.Sweeper().Sweep();
        var lapsed = (await Eventually.Value(() => commitment.Get(), v => v!.ConditionStatus == ConditionStatus.Lapsed))!;
        Assert.Equal(ConditionStatus.Lapsed, lapsed.ConditionStatus);
        Assert.True(lapsed.ConditionLapsedAt >= deadline);
        Assert.Null(lapsed.ConditionMetAt);
        Assert.Equal(CommitmentStatus.Confirmed, lapsed.Status);
        Assert.False(lapsed.CountsInAggregates);
        Assert.False(await Grains.IsTracked(id));

        var pushed = (await commitment.GetContribution())!;
        Assert.Equal(lapsed.Version, pushed.Version);
        Assert.True(pushed.NotInForce);
        Assert.Null(pushed.ConfirmedAt);
        var inShard = await Eventually.Value(() => Grains.InShard(owner, id, AggregateScope.Goal(goal)), c => c?.Version == lapsed.Version);
        Assert.False(inShard!.IsEngaged);
        await Task.Delay(300); // a negative check after the shard took the lapse in: several publish intervals for a wrong count to show
        var aggregate = await Grains.Snapshot(AggregateScope.Goal(goal));
        Assert.Equal((1, 0, 0), (aggregate.Confirmed(), aggregate.Totals.EngagedCommitments, aggregate.Totals.Participants));
        Assert.Null(aggregate.Totals.FirstEngagementAt);

        // Lapsed is final: nobody can join any more, it cannot be closed, and it still never counts.
        var late = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W03");
        await Assert.ThrowsAsync<StateConflictException>(() => commitment.Join(late));
        await Assert.ThrowsAsync<StateConflictException>(() => commitment.Close(CommitmentOutcome.Achieved));
        Assert.False((await commitment.GetContribution())!.IsEngaged);

        // Repeating the original creation is still a no-op, although its deadline is now in the past.
        var repeated = await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W03", terms, CommitmentCondition.Threshold(3, deadline)));
        Assert.Equal(ConditionStatus.Lapsed, repeated.ConditionStatus);
        Assert.Equal(lapsed.Version, repeated.Version);
    }

    [Fact]
    public async Task The_schedule_lapses_a_condition_by_itself_without_any_call()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W03");
        var terms = TestData.PledgeTerms();
        // A real deadline three seconds ahead; the test cluster sweeps the schedule every second.
        var (id, commitment, _) = await Grains.Create(owner, "24062W03", goal, terms, CommitmentCondition.Threshold(1, AdvancingClock.Now.AddSeconds(3)));
        Assert.True(await Grains.IsTracked(id));

        var view = await Eventually.Value(() => commitment.Get(), v => v!.ConditionStatus == ConditionStatus.Lapsed, TimeSpan.FromSeconds(30));
        Assert.Equal(ConditionStatus.Lapsed, view!.ConditionStatus);
        Assert.False(await Grains.IsTracked(id));
        // A lapsed draft cannot be confirmed into force.
        await Assert.ThrowsAsync<StateConflictException>(() => commitment.ConfirmAs(terms));
        Assert.Equal(CommitmentStatus.Draft, (await commitment.Get())!.Status);
    }

    [Fact]
    public async Task A_deadline_passed_unnoticed_lapses_the_condition_at_the_next_join_instead_of_meeting_it()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W03");
        var terms = TestData.PledgeTerms();
        var (_, commitment, _) = await Grains.Create(owner, "24062W03", goal, terms, CommitmentCondition.Threshold(1, AdvancingClock.Now.AddDays(1)));
        await commitment.ConfirmAs(terms);
        var neighbour = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W03");

        AdvancingClock.Advance(TimeSpan.FromDays(2));
        await Assert.ThrowsAsync<StateConflictException>(() => commitment.Join(neighbour));

        var view = (await commitment.Get())!;
        Assert.Equal(ConditionStatus.Lapsed, view.ConditionStatus);
        Assert.Equal(0, view.CoSignerCount);
        Assert.False(view.CountsInAggregates);
    }
}
