using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;

namespace CivicContracting.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class LiveAggregationTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private Task<EngagementSnapshot> Snapshot(string scope) => Grains.GetGrain<IEngagementAggregateGrain>(scope).GetSnapshot();

    [Fact]
    public async Task A_confirmed_commitment_shows_in_its_goal_ambition_neighbourhood_district_and_city_within_a_second()
    {
        var ambition = await TestData.Goal(Grains, rollUp: RollUpRule.MeanOfObjectives);
        var objective = await TestData.Goal(Grains, parent: ambition);
        var participant = await TestData.Participant(Grains, ParticipantKind.School);
        string[] places = ["place:24062W13", "place:24062C", "place:24062"];
        var before = await Task.WhenAll(places.Select(Snapshot));

        var terms = TestData.ResultTerms(20, 80);
        var id = await TestData.ConfirmedCommitment(Grains, participant, terms, "24062W13", new GoalWeight(objective, 2));
        await Grains.GetGrain<ICommitmentGrain>(id).ReportProgress(new ProgressReport("r1", DateTimeOffset.UtcNow, Value: 50));

        var within = TimeSpan.FromSeconds(1);
        var goal = await Eventually.Value(() => Snapshot(AggregateScope.Goal(objective)), s => s.Progress > 0, within);
        Assert.Equal(1, goal.Totals.EngagedCommitments);
        Assert.Equal(1, goal.Totals.ParticipantsByKind[ParticipantKind.School]);
        Assert.Equal(0.5, goal.Progress!.Value, 12);
        Assert.Equal(0.5, goal.WeightedProgress!.Value, 12);

        var top = await Eventually.Value(() => Snapshot(AggregateScope.Goal(ambition)), s => s.Progress > 0, within);
        Assert.Equal(1, top.Totals.EngagedCommitments);
        Assert.Equal(0.5, top.Progress!.Value, 12);
        Assert.Equal(0.5, top.ObjectiveProgress[objective]);

        for (var i = 0; i < places.Length; i++)
        {
            var expected = before[i].Totals.EngagedCommitments + 1;
            var place = await Eventually.Value(() => Snapshot(places[i]), s => s.Totals.EngagedCommitments == expected && s.Totals.ProgressSum > before[i].Totals.ProgressSum, within);
            Assert.Equal(expected, place.Totals.EngagedCommitments);
            Assert.Equal(before[i].Totals.ProgressSum + 0.5, place.Totals.ProgressSum, 9);
            Assert.NotNull(place.Totals.FirstEngagementAt);
        }
        var city = await Snapshot("place:24062");
        Assert.NotNull(city.CommitmentsPer1000Residents); // population configured for the city only
        Assert.Null((await Snapshot("place:24062W13")).CommitmentsPer1000Residents);
    }

    [Fact]
    public async Task An_ambition_with_the_mean_of_objectives_rule_averages_its_objectives()
    {
        var ambition = await TestData.Goal(Grains, rollUp: RollUpRule.MeanOfObjectives);
        var a = await TestData.Goal(Grains, parent: ambition);
        var b = await TestData.Goal(Grains, parent: ambition);
        var participant = await TestData.Participant(Grains);

        var first = await TestData.ConfirmedCommitment(Grains, participant, TestData.ResultTerms(0, 100), "24062W01", new GoalWeight(a));
        var second = await TestData.ConfirmedCommitment(Grains, participant, TestData.ActionTerms(4), "24062W01", new GoalWeight(b));
        await Grains.GetGrain<ICommitmentGrain>(first).ReportProgress(new ProgressReport("x", DateTimeOffset.UtcNow, Value: 90));
        await Grains.GetGrain<ICommitmentGrain>(second).ReportProgress(new ProgressReport("y", DateTimeOffset.UtcNow, CompletedMilestoneId: "m1"));

        var snapshot = await Eventually.Value(() => Snapshot(AggregateScope.Goal(ambition)),
            s => s.ObjectiveProgress.Count == 2 && s.ObjectiveProgress.Values.All(p => p > 0) && s.Totals.EngagedCommitments == 2);
        Assert.Equal((0.9 + 0.25) / 2, snapshot.Progress!.Value, 12);
        Assert.Equal(1, snapshot.Totals.Participants); // one participant, counted once across objectives
        Assert.Equal(2, snapshot.Totals.EngagedCommitments);
    }

    [Fact]
    public async Task Pledges_count_as_engagement_but_not_in_progress_means()
    {
        var goal = await TestData.Goal(Grains);
        var resident = await TestData.Participant(Grains);
        var shop = await TestData.Participant(Grains, ParticipantKind.Business);
        await TestData.ConfirmedCommitment(Grains, resident, TestData.PledgeTerms(), "24062W05", new GoalWeight(goal));
        var result = await TestData.ConfirmedCommitment(Grains, shop, TestData.ResultTerms(0, 10), "24062W05", new GoalWeight(goal));
        await Grains.GetGrain<ICommitmentGrain>(result).ReportProgress(new ProgressReport("z", DateTimeOffset.UtcNow, Value: 4));

        var s = await Eventually.Value(() => Snapshot(AggregateScope.Goal(goal)), s => s.Totals.ProgressCount == 1 && s.MeanProgress > 0 && s.Totals.EngagedCommitments == 2);
        Assert.Equal(2, s.Totals.EngagedCommitments);
        Assert.Equal(1, s.Totals.EngagedByLevel[CommitmentLevel.Pledge]);
        Assert.Equal(0.4, s.MeanProgress!.Value, 12);
        Assert.Equal(2, s.DistinctKinds);
        Assert.Equal(Math.Log(2), s.ShannonIndex, 12);
    }

    [Fact]
    public async Task Drafts_and_withdrawals_count_by_status_but_not_as_engagement()
    {
        var goal = await TestData.Goal(Grains);
        var participant = await TestData.Participant(Grains);
        var draft = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
        await draft.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W22", TestData.PledgeTerms()));
        var withdrawn = await TestData.ConfirmedCommitment(Grains, participant, TestData.PledgeTerms(), "24062W22", new GoalWeight(goal));
        await Grains.GetGrain<ICommitmentGrain>(withdrawn).Withdraw("Changed plans");

        var s = await Eventually.Value(() => Snapshot(AggregateScope.Goal(goal)), s => s.Totals.Commitments == 2 && s.Totals.ByStatus.ContainsKey(CommitmentStatus.Withdrawn));
        Assert.Equal(1, s.Totals.ByStatus[CommitmentStatus.Draft]);
        Assert.Equal(1, s.Totals.ByStatus[CommitmentStatus.Withdrawn]);
        Assert.Equal(0, s.Totals.EngagedCommitments);
        Assert.Equal(0, s.Totals.Participants);
        Assert.NotNull(s.Totals.FirstEngagementAt); // the withdrawn one was confirmed once: the stain stays dated
    }

    [Fact]
    public async Task Each_place_records_an_engagement_history_bucket()
    {
        var goal = await TestData.Goal(Grains);
        var participant = await TestData.Participant(Grains);
        await TestData.ConfirmedCommitment(Grains, participant, TestData.PledgeTerms(), "24062W18", new GoalWeight(goal));
        var history = await Eventually.Value(() => Grains.GetGrain<IEngagementAggregateGrain>("place:24062W18").GetHistory(), h => h.Count > 0 && h[^1].EngagedCommitments > 0);
        var last = history[^1];
        Assert.Equal(TimeSpan.FromHours(1), last.Length);
        Assert.True(last.EngagedCommitments >= 1);
        Assert.True(last.Start <= DateTimeOffset.UtcNow && last.Start > DateTimeOffset.UtcNow.AddHours(-1));
    }
}
