using Orleans.Concurrency;

namespace CivicContracting.Following;

/// <summary>What <see cref="IFollowTopicGrain.Publish"/> did with an event.</summary>
public enum PublishOutcome
{
    /// <summary>Stored durably; the fan-out to the followers runs in the background.</summary>
    Accepted = 0,

    /// <summary>The topic already took an event with this id (a retried publish): nothing more happens.</summary>
    Duplicate = 1,

    /// <summary>Nobody follows the topic: nothing was stored.</summary>
    NoFollowers = 2,
}

/// <summary>A topic's follower count and the events it has accepted but not yet delivered to every follower.</summary>
[GenerateSerializer, Immutable, Alias("cc.FollowTopicInfo.v1")]
public sealed record FollowTopicInfo(
    [property: Id(0)] FollowTopic Topic,
    [property: Id(1)] int Followers,
    [property: Id(2)] int PendingEvents);

/// <summary>
/// One per followable thing (key <see cref="FollowTopic.Key"/>; use <see cref="FollowingGrainFactoryExtensions.GetFollowTopic"/>).
/// Its followers live in <see cref="FollowRules.BucketCount"/> <see cref="IFollowerBucketGrain"/>s; the topic only knows
/// how many each holds. Nothing it does calls back into a publisher.
/// </summary>
public interface IFollowTopicGrain : IGrainWithStringKey
{
    /// <summary>
    /// The one call a publisher makes per topic. Returns once the event is stored (one small write; none when nobody
    /// follows, none for a repeated event id); the delivery to the followers' feeds runs afterwards, in the background,
    /// with retries, so the publisher never waits for followers. <paramref name="feedEvent"/>'s topic must be this one.
    /// </summary>
    Task<PublishOutcome> Publish(FeedEvent feedEvent);

    /// <summary>
    /// <see cref="Publish"/> without an answer, for publishers on a hot path (a commitment grain after each change): the
    /// call returns at once and costs the publisher no round trip. Best effort: an event lost with a crashed silo is not
    /// announced (the commitment itself, its timeline and the aggregates are the record; the feed is a notice of them).
    /// </summary>
    [OneWay]
    Task Announce(FeedEvent feedEvent);

    Task<FollowTopicInfo> GetInfo();

    /// <summary>Called by <see cref="IFollowerGrain"/> after it changed a bucket: the bucket's new (versioned) count.</summary>
    Task ReportFollowers(int bucket, FollowerBucketCount count);
}

public static class FollowingGrainFactoryExtensions
{
    /// <summary>The grain of <paramref name="topic"/>: what a publisher calls <see cref="IFollowTopicGrain.Publish"/> on.</summary>
    public static IFollowTopicGrain GetFollowTopic(this IGrainFactory grains, FollowTopic topic)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(topic);
        return grains.GetGrain<IFollowTopicGrain>(topic.Key);
    }
}
