using CivicContracting.Following;

namespace CivicContracting.Grains.Tests.Following;

internal static class FollowingTestData
{
    public static FollowTopic NewGoalTopic() => new(FollowTopicKind.Goal, TestData.NewId("g"));

    public static FollowTopic NewCommitmentTopic() => new(FollowTopicKind.Commitment, TestData.NewId("c"));

    public static string NewAccount() => TestData.NewId("a");

    public static FeedEvent Event(FollowTopic topic, string? eventId = null, FeedEventKind kind = FeedEventKind.ProgressReported,
        string title = "Car-free school street", string summary = "Progress reported: 4 of 6 actions done") =>
        new(eventId ?? TestData.NewId("e"), topic, kind, "c-1", title, summary, DateTimeOffset.UtcNow);

    /// <summary>Follows <paramref name="topic"/> from <paramref name="count"/> new accounts, a few at a time.</summary>
    public static async Task<IReadOnlyList<string>> Followers(IGrainFactory grains, FollowTopic topic, int count)
    {
        var accounts = Enumerable.Range(0, count).Select(_ => NewAccount()).ToList();
        foreach (var chunk in accounts.Chunk(25))
            await Task.WhenAll(chunk.Select(a => grains.GetGrain<IFollowerGrain>(a).Follow(topic)));
        return accounts;
    }

    /// <summary>Waits until the topics have delivered everything they accepted.</summary>
    public static async Task Delivered(IGrainFactory grains, params FollowTopic[] topics)
    {
        foreach (var topic in topics)
        {
            var info = await Eventually.Value(() => grains.GetFollowTopic(topic).GetInfo(), i => i.PendingEvents == 0);
            Assert.Equal(0, info.PendingEvents);
        }
    }
}
