using Orleans.Concurrency;

namespace CivicContracting.Following;

/// <summary>
/// The number of followers in one bucket of a topic, with the bucket's change counter, so that the topic keeps the
/// newest count whatever order reports arrive in.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.FollowerBucketCount.v1")]
public sealed record FollowerBucketCount(
    [property: Id(0)] int Count,
    [property: Id(1)] long Version);

[GenerateSerializer, Immutable, Alias("cc.FollowedTopic.v1")]
public sealed record FollowedTopic(
    [property: Id(0)] FollowTopic Topic,
    [property: Id(1)] DateTimeOffset Since);

/// <summary>What an account follows, oldest follow first, and how many topics it may follow.</summary>
[GenerateSerializer, Immutable, Alias("cc.FollowingView.v1")]
public sealed record FollowingView(
    [property: Id(0)] string AccountId,
    [property: Id(1)] IReadOnlyList<FollowedTopic> Topics,
    [property: Id(2)] int MaxTopics);

/// <summary>
/// One slice of a topic's followers (key "{topic key}#{bucket}", bucket = a stable hash of the account id modulo
/// <see cref="FollowRules.BucketCount"/>). Called by <see cref="IFollowerGrain"/> (add, remove) and the topic (deliver).
/// </summary>
public interface IFollowerBucketGrain : IGrainWithStringKey
{
    Task<FollowerBucketCount> Add(string accountId);

    Task<FollowerBucketCount> Remove(string accountId);

    /// <summary>
    /// Hands <paramref name="feedEvent"/> to the feed of every follower in the bucket and returns how many failed (the
    /// topic then retries the bucket; feeds drop what they already hold). Interleaves, so follows never queue behind a
    /// long delivery; it writes nothing.
    /// </summary>
    [AlwaysInterleave]
    Task<int> Deliver(FeedEvent feedEvent);
}

/// <summary>What one account follows (key: the account id). Calls its buckets, topics and own feed; nothing calls it back.</summary>
public interface IFollowerGrain : IGrainWithStringKey
{
    /// <summary>Follows <paramref name="topic"/>; repeating it is a no-op (and repairs a follow that failed half-way).</summary>
    Task<FollowingView> Follow(FollowTopic topic);

    /// <summary>Stops following <paramref name="topic"/>; a topic not followed is a no-op.</summary>
    Task<FollowingView> Unfollow(FollowTopic topic);

    Task<FollowingView> GetFollowing();

    /// <summary>Unfollows everything and erases the feed and e-mail settings, for the deletion of the account.</summary>
    Task Erase();
}
