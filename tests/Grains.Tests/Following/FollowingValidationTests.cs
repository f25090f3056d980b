using CivicContracting.Following;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Following;

[Collection(ClusterCollection.Name)]
public sealed class FollowingValidationTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static async Task Rejected(string field, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<InputRejectedException>(call);
        Assert.Contains(field, ex.Errors.Keys);
    }

    [Fact]
    public async Task A_follow_of_an_unknown_kind_an_over_long_id_or_an_unknown_neighbourhood_is_rejected_naming_the_field()
    {
        var account = Grains.GetGrain<IFollowerGrain>(FollowingTestData.NewAccount());

        await Rejected("topic.kind", () => account.Follow(new FollowTopic((FollowTopicKind)42, "g-1")));
        await Rejected("topic.id", () => account.Follow(new FollowTopic(FollowTopicKind.Goal, new string('g', 65))));
        await Rejected("topic.id", () => account.Follow(new FollowTopic(FollowTopicKind.Participant, "has spaces")));
        await Rejected("topic.id", () => account.Follow(new FollowTopic(FollowTopicKind.Neighbourhood, "24062W99")));
        await Rejected("topic", () => account.Follow(null!));
        await Rejected("topic.kind", () => account.Unfollow(new FollowTopic((FollowTopicKind)42, "g-1")));
        Assert.Empty((await account.GetFollowing()).Topics);

        // A real neighbourhood is fine.
        var view = await account.Follow(new FollowTopic(FollowTopicKind.Neighbourhood, "24062W13"));
        Assert.Equal("neighbourhood:24062W13", view.Topics.Single().Topic.Key);
    }

    [Fact]
    public async Task An_empty_or_malformed_account_id_is_rejected_naming_the_account()
    {
        var topic = FollowingTestData.NewGoalTopic();
        // Orleans itself refuses an empty or blank grain key; an account id that reaches a grain is checked there.
        Assert.Throws<ArgumentException>(() => Grains.GetGrain<IFollowerGrain>(" "));
        await Rejected("accountId", () => Grains.GetGrain<IFollowerGrain>("has space").Follow(topic));
        await Rejected("accountId", () => Grains.GetGrain<IFollowerGrain>(new string('a', 65)).Follow(topic));
        await Rejected("accountId", () => Grains.GetGrain<IFeedGrain>("semi;colon").GetPage(null, 10));
        await Rejected("accountId", () => Grains.GetGrain<IFollowerBucketGrain>($"{topic.Key}#0").Add(" "));
        await Rejected("accountId", () => Grains.GetGrain<IFollowerBucketGrain>($"{topic.Key}#0").Add(""));
        Assert.Equal(0, (await Grains.GetFollowTopic(topic).GetInfo()).Followers);
    }

    [Fact]
    public async Task A_publish_with_a_bad_event_is_rejected_naming_the_field()
    {
        var topic = FollowingTestData.NewGoalTopic();
        await Grains.GetGrain<IFollowerGrain>(FollowingTestData.NewAccount()).Follow(topic);
        var grain = Grains.GetFollowTopic(topic);
        var good = FollowingTestData.Event(topic);

        await Rejected("eventId", () => grain.Publish(good with { EventId = new string('e', FollowRules.MaxEventIdLength + 1) }));
        await Rejected("eventId", () => grain.Publish(good with { EventId = "" }));
        await Rejected("kind", () => grain.Publish(good with { Kind = (FeedEventKind)99 }));
        await Rejected("commitmentId", () => grain.Publish(good with { CommitmentId = new string('c', 65) }));
        await Rejected("title", () => grain.Publish(good with { Title = " " }));
        await Rejected("summary", () => grain.Publish(good with { Summary = new string('s', FollowRules.MaxSummaryLength + 1) }));
        await Rejected("occurredAt", () => grain.Publish(good with { OccurredAt = default }));
        await Rejected("topic.kind", () => grain.Publish(good with { Topic = new FollowTopic((FollowTopicKind)42, topic.Id) }));
        // An event for another topic, sent to this one.
        await Rejected("topic", () => grain.Publish(good with { Topic = FollowingTestData.NewGoalTopic() }));
        await Rejected("topic", () => Grains.GetGrain<IFollowTopicGrain>("not-a-topic").GetInfo());

        Assert.Equal(PublishOutcome.Accepted, await grain.Publish(good));
    }

    [Fact]
    public async Task Feed_paging_read_marks_and_email_settings_are_checked()
    {
        var feed = Grains.GetGrain<IFeedGrain>(FollowingTestData.NewAccount());

        await Rejected("limit", () => feed.GetPage(null, 0));
        await Rejected("limit", () => feed.GetPage(null, FollowRules.MaxPageSize + 1));
        await Rejected("before", () => feed.GetPage(0, 10));
        await Rejected("limit", () => feed.GetUnread(null, -1));
        await Rejected("upTo", () => feed.MarkRead(-1));
        await Rejected("address", () => feed.SetEmailNotifications(true, null));
        await Rejected("address", () => feed.SetEmailNotifications(true, "not an address"));
        await Rejected("address", () => feed.SetEmailNotifications(true, "a@b@c"));
        await Rejected("address", () => feed.SetEmailNotifications(false, "two@example.org\r\nBcc: x@example.org"));

        var settings = await feed.GetEmailNotifications();
        Assert.False(settings.Enabled); // off until the person opts in
        Assert.Null(settings.Address);
    }
}
