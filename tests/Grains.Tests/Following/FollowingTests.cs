using CivicContracting.Following;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Following;

[Collection(ClusterCollection.Name)]
public sealed class FollowingTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Follow_and_unfollow_are_idempotent_and_the_topic_counts_its_followers()
    {
        var topic = FollowingTestData.NewGoalTopic();
        var account = Grains.GetGrain<IFollowerGrain>(FollowingTestData.NewAccount());
        var other = Grains.GetGrain<IFollowerGrain>(FollowingTestData.NewAccount());

        var first = await account.Follow(topic);
        var again = await account.Follow(topic);
        await other.Follow(topic);

        Assert.Equal([topic], again.Topics.Select(t => t.Topic));
        Assert.Equal(first.Topics[0].Since, again.Topics[0].Since); // a repeat is a no-op
        Assert.Equal(FollowRules.MaxFollowsPerAccount, again.MaxTopics);
        Assert.Equal(2, (await Grains.GetFollowTopic(topic).GetInfo()).Followers);

        var after = await account.Unfollow(topic);
        var afterAgain = await account.Unfollow(topic);
        Assert.Empty(after.Topics);
        Assert.Empty(afterAgain.Topics);
        Assert.Equal(1, (await Grains.GetFollowTopic(topic).GetInfo()).Followers);
        Assert.Empty((await account.GetFollowing()).Topics);

        // Unfollowing what was never followed changes nothing.
        var unrelated = await other.Unfollow(FollowingTestData.NewCommitmentTopic());
        Assert.Equal([topic], unrelated.Topics.Select(t => t.Topic));
        Assert.Equal(1, (await Grains.GetFollowTopic(topic).GetInfo()).Followers);
    }

    [Fact]
    public async Task An_account_follows_at_most_500_topics()
    {
        var account = Grains.GetGrain<IFollowerGrain>(FollowingTestData.NewAccount());
        var topics = Enumerable.Range(0, FollowRules.MaxFollowsPerAccount)
            .Select(i => new FollowTopic((FollowTopicKind)(i % 3), $"t{i}-{Guid.NewGuid():N}")).ToList();
        foreach (var topic in topics)
            await account.Follow(topic);

        var extra = FollowingTestData.NewGoalTopic();
        await Assert.ThrowsAsync<StateConflictException>(() => account.Follow(extra));
        Assert.Equal(0, (await Grains.GetFollowTopic(extra).GetInfo()).Followers); // nothing half-done

        // At the bound, repeating a follow still works, and unfollowing makes room.
        Assert.Equal(FollowRules.MaxFollowsPerAccount, (await account.Follow(topics[7])).Topics.Count);
        await account.Unfollow(topics[7]);
        var view = await account.Follow(extra);
        Assert.Equal(FollowRules.MaxFollowsPerAccount, view.Topics.Count);
        Assert.Equal(extra, view.Topics[^1].Topic);
    }

    [Fact]
    public async Task A_publish_reaches_every_follower_exactly_once_even_when_retried_or_sent_through_two_topics()
    {
        var goal = FollowingTestData.NewGoalTopic();
        var commitment = FollowingTestData.NewCommitmentTopic();
        var followers = await FollowingTestData.Followers(Grains, goal, 150);
        // Some follow the commitment as well: the same change published to both topics must still show once.
        foreach (var chunk in followers.Take(40).Chunk(20))
            await Task.WhenAll(chunk.Select(a => Grains.GetGrain<IFollowerGrain>(a).Follow(commitment)));
        var bystander = FollowingTestData.NewAccount();
        await Grains.GetGrain<IFollowerGrain>(bystander).Follow(FollowingTestData.NewGoalTopic());
        Assert.Equal(150, (await Grains.GetFollowTopic(goal).GetInfo()).Followers);

        var change = FollowingTestData.Event(goal);
        Assert.Equal(PublishOutcome.Accepted, await Grains.GetFollowTopic(goal).Publish(change));
        Assert.Equal(PublishOutcome.Duplicate, await Grains.GetFollowTopic(goal).Publish(change)); // a publisher's retry
        Assert.Equal(PublishOutcome.Accepted, await Grains.GetFollowTopic(commitment).Publish(change with { Topic = commitment }));
        await FollowingTestData.Delivered(Grains, goal, commitment);

        foreach (var account in followers)
        {
            var page = await Grains.GetGrain<IFeedGrain>(account).GetPage(null, 10);
            var item = Assert.Single(page.Items);
            Assert.Equal(change.EventId, item.Event.EventId);
            Assert.True(item.Unread);
            Assert.Equal(1, page.UnreadCount);
        }
        Assert.Empty((await Grains.GetGrain<IFeedGrain>(bystander).GetPage(null, 10)).Items);

        // A redelivery straight to a feed (as a bucket retry would do) adds nothing either.
        var feed = Grains.GetGrain<IFeedGrain>(followers[0]);
        Assert.True(await feed.Receive(change));
        Assert.Single((await feed.GetPage(null, 10)).Items);
    }

    [Fact]
    public async Task A_topic_nobody_follows_stores_nothing_and_an_unfollowed_topic_delivers_nothing()
    {
        var lonely = FollowingTestData.NewGoalTopic();
        Assert.Equal(PublishOutcome.NoFollowers, await Grains.GetFollowTopic(lonely).Publish(FollowingTestData.Event(lonely)));
        Assert.Equal(new FollowTopicInfo(lonely, 0, 0), await Grains.GetFollowTopic(lonely).GetInfo());

        var topic = FollowingTestData.NewGoalTopic();
        var leaving = FollowingTestData.NewAccount();
        var staying = FollowingTestData.NewAccount();
        await Grains.GetGrain<IFollowerGrain>(leaving).Follow(topic);
        await Grains.GetGrain<IFollowerGrain>(staying).Follow(topic);
        await Grains.GetGrain<IFollowerGrain>(leaving).Unfollow(topic);

        var change = FollowingTestData.Event(topic);
        Assert.Equal(PublishOutcome.Accepted, await Grains.GetFollowTopic(topic).Publish(change));
        await FollowingTestData.Delivered(Grains, topic);

        Assert.Single((await Grains.GetGrain<IFeedGrain>(staying).GetPage(null, 10)).Items);
        Assert.Empty((await Grains.GetGrain<IFeedGrain>(leaving).GetPage(null, 10)).Items);
        // Even an event handed straight to the feed is refused once the topic is unfollowed.
        Assert.False(await Grains.GetGrain<IFeedGrain>(leaving).Receive(change));
    }

    [Fact]
    public async Task Erasing_an_account_unfollows_everything_and_forgets_the_feed_and_address()
    {
        var topic = FollowingTestData.NewGoalTopic();
        var id = FollowingTestData.NewAccount();
        var follower = Grains.GetGrain<IFollowerGrain>(id);
        var feed = Grains.GetGrain<IFeedGrain>(id);
        await follower.Follow(topic);
        await feed.SetEmailNotifications(false, $"{id}@example.org");
        await Grains.GetFollowTopic(topic).Publish(FollowingTestData.Event(topic));
        await Eventually.Value(() => feed.GetStatus(), s => s.LatestSequence == 1);

        await follower.Erase();

        Assert.Empty((await follower.GetFollowing()).Topics);
        Assert.Equal(0, (await Grains.GetFollowTopic(topic).GetInfo()).Followers);
        Assert.Empty((await feed.GetPage(null, 10)).Items);
        Assert.Null((await feed.GetEmailNotifications()).Address);
    }
}
