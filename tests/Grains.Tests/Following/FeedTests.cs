using CivicContracting.Following;

namespace CivicContracting.Grains.Tests.Following;

[Collection(ClusterCollection.Name)]
public sealed class FeedTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_feed_pages_newest_first_and_counts_what_is_unread_until_marked_read()
    {
        var topic = FollowingTestData.NewGoalTopic();
        var id = FollowingTestData.NewAccount();
        await Grains.GetGrain<IFollowerGrain>(id).Follow(topic);
        var events = Enumerable.Range(1, 30).Select(i => FollowingTestData.Event(topic, $"e{i}-{Guid.NewGuid():N}", summary: $"Report {i}")).ToList();
        foreach (var e in events)
            await Grains.GetFollowTopic(topic).Publish(e);
        var feed = Grains.GetGrain<IFeedGrain>(id);
        var status = await Eventually.Value(() => feed.GetStatus(), s => s.LatestSequence == 30);
        Assert.Equal(new FeedStatus(30, 0, 30), status);

        // Three pages of ten, newest first, in publishing order (one topic delivers its events in order).
        var seen = new List<FeedItem>();
        long? before = null;
        var pages = 0;
        do
        {
            var page = await feed.GetPage(before, 10);
            seen.AddRange(page.Items);
            before = page.NextBefore;
            pages++;
        }
        while (before is not null && pages < 10);
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(1, 30).Reverse().Select(i => (long)i), seen.Select(i => i.Sequence));
        Assert.Equal(events.AsEnumerable().Reverse().Select(e => e.EventId), seen.Select(i => i.Event.EventId));
        Assert.All(seen, i => Assert.True(i.Unread));

        // Marking the ten oldest read leaves twenty unread: the in-app notifications, newest first, in pages.
        Assert.Equal(new FeedStatus(20, 10, 30), await feed.MarkRead(10));
        var firstUnread = await feed.GetUnread(null, 5);
        Assert.Equal([30L, 29, 28, 27, 26], firstUnread.Items.Select(i => i.Sequence));
        Assert.Equal(26, firstUnread.NextBefore);
        Assert.Equal(20, firstUnread.UnreadCount);
        var restUnread = await feed.GetUnread(26, 100);
        Assert.Equal(Enumerable.Range(11, 15).Reverse().Select(i => (long)i), restUnread.Items.Select(i => i.Sequence));
        Assert.Null(restUnread.NextBefore);
        var oldest = await feed.GetPage(11, 10);
        Assert.Equal(Enumerable.Range(1, 10).Reverse().Select(i => (long)i), oldest.Items.Select(i => i.Sequence));
        Assert.All(oldest.Items, i => Assert.False(i.Unread));
        Assert.Null(oldest.NextBefore);

        // The mark never moves back, and "everything" is capped at the newest item.
        Assert.Equal(new FeedStatus(20, 10, 30), await feed.MarkRead(5));
        Assert.Equal(new FeedStatus(0, 30, 30), await feed.MarkRead(long.MaxValue));
        Assert.Empty((await feed.GetUnread(null, 10)).Items);

        // A new item after that is unread again.
        await Grains.GetFollowTopic(topic).Publish(FollowingTestData.Event(topic));
        var newer = await Eventually.Value(() => feed.GetUnread(null, 10), p => p.Items.Count == 1);
        Assert.Equal(31, Assert.Single(newer.Items).Sequence);
    }

    [Fact]
    public async Task A_feed_keeps_the_newest_500_items_and_does_not_take_back_one_that_fell_off()
    {
        var topic = FollowingTestData.NewGoalTopic();
        var feed = Grains.GetGrain<IFeedGrain>(FollowingTestData.NewAccount());
        await feed.SetTopicFollowed(topic, true);
        var events = Enumerable.Range(1, FollowRules.FeedCapacity + 10).Select(i => FollowingTestData.Event(topic, $"e{i}-{Guid.NewGuid():N}")).ToList();
        foreach (var e in events)
            Assert.True(await feed.Receive(e));

        var items = new List<FeedItem>();
        long? before = null;
        do
        {
            var page = await feed.GetPage(before, FollowRules.MaxPageSize);
            items.AddRange(page.Items);
            before = page.NextBefore;
        }
        while (before is not null);
        Assert.Equal(FollowRules.FeedCapacity, items.Count);
        Assert.Equal(events[^1].EventId, items[0].Event.EventId);
        Assert.Equal(events[10].EventId, items[^1].Event.EventId);
        Assert.Equal(FollowRules.FeedCapacity, (await feed.GetStatus()).UnreadCount);

        // A late redelivery of the oldest event is recognised, not shown again as new.
        await feed.Receive(events[0]);
        Assert.Equal(FollowRules.FeedCapacity + 10, (await feed.GetStatus()).LatestSequence);
    }
}
