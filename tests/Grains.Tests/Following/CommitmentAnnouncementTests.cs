using CivicContracting.Commitments;
using CivicContracting.Following;
using CivicContracting.Goals;

namespace CivicContracting.Grains.Tests.Following;

/// <summary>A commitment's changes reach the feeds of those who follow it, its participant, its goal or its neighbourhood.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CommitmentAnnouncementTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Confirming_and_reporting_reach_followers_of_the_goal_the_neighbourhood_and_the_commitment_once_each()
    {
        var goal = await TestData.Goal(Grains);
        var participant = await TestData.Participant(Grains, neighbourhood: "24062W13");
        var commitmentId = TestData.NewId("c");
        var commitment = Grains.GetGrain<ICommitmentGrain>(commitmentId);
        await commitment.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W13", TestData.ResultTerms()));

        var goalFollower = FollowingTestData.NewAccount();
        var allFollower = FollowingTestData.NewAccount();
        var elsewhere = FollowingTestData.NewAccount();
        await Grains.GetGrain<IFollowerGrain>(goalFollower).Follow(new FollowTopic(FollowTopicKind.Goal, goal));
        foreach (var topic in new[] { new FollowTopic(FollowTopicKind.Goal, goal), new FollowTopic(FollowTopicKind.Commitment, commitmentId), new FollowTopic(FollowTopicKind.Neighbourhood, "24062W13") })
            await Grains.GetGrain<IFollowerGrain>(allFollower).Follow(topic);
        await Grains.GetGrain<IFollowerGrain>(elsewhere).Follow(new FollowTopic(FollowTopicKind.Neighbourhood, "24062W01"));

        var view = await commitment.Get();
        await commitment.Confirm("Tester", CommitmentText.Hash(view!.Terms));
        await commitment.ReportProgress(new ProgressReport(TestData.NewId("r"), DateTimeOffset.UtcNow, Value: 50));

        foreach (var account in new[] { goalFollower, allFollower })
        {
            var page = await Eventually.Value(() => Grains.GetGrain<IFeedGrain>(account).GetPage(null, 50), p => p.Items.Count >= 2, TimeSpan.FromSeconds(10));
            Assert.Equal([FeedEventKind.ProgressReported, FeedEventKind.CommitmentConfirmed], page.Items.Select(i => i.Event.Kind));
            Assert.All(page.Items, i => Assert.Equal(commitmentId, i.Event.CommitmentId));
            Assert.Equal(2, page.UnreadCount);
        }
        // Nothing for someone following another neighbourhood (give a late delivery time to arrive first).
        await Task.Delay(500);
        Assert.Empty((await Grains.GetGrain<IFeedGrain>(elsewhere).GetPage(null, 50)).Items);
    }
}
