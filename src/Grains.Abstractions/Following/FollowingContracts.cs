using System.Diagnostics.CodeAnalysis;
using Orleans.Concurrency;

namespace CivicContracting.Following;

/// <summary>The kinds of thing a signed-in person can follow.</summary>
public enum FollowTopicKind
{
    Goal = 0,
    Commitment = 1,
    Participant = 2,
    Neighbourhood = 3,
}

/// <summary>
/// A followable thing: a goal, commitment or participant by its id, or a neighbourhood by its code (24062W01 …).
/// <see cref="Key"/> ("goal:g-1", "neighbourhood:24062W13") is the key of its <see cref="IFollowTopicGrain"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.FollowTopic.v1")]
public sealed record FollowTopic(
    [property: Id(0)] FollowTopicKind Kind,
    [property: Id(1)] string Id)
{
    /// <summary>"{kind}:{id}" with the kind in lower case; stable, because grain keys and stored follows use it.</summary>
    public string Key => $"{Kind.ToString().ToLowerInvariant()}:{Id}";

    public override string ToString() => Key;

    /// <summary>The topic a <see cref="Key"/> names, or false for anything that is not a key of a known kind.</summary>
    public static bool TryParseKey(string? key, [NotNullWhen(true)] out FollowTopic? topic)
    {
        topic = null;
        var colon = key?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (colon <= 0)
            return false;
        var kind = key![..colon];
        foreach (var k in Enum.GetValues<FollowTopicKind>())
        {
            if (string.Equals(k.ToString(), kind, StringComparison.OrdinalIgnoreCase))
            {
                topic = new FollowTopic(k, key[(colon + 1)..]);
                return true;
            }
        }
        return false;
    }
}

/// <summary>What happened, as a follower's feed and e-mail say it.</summary>
public enum FeedEventKind
{
    CommitmentConfirmed = 0,
    ProgressReported = 1,
    CommitmentUpgraded = 2,
    CommitmentWithdrawn = 3,
    CommitmentClosed = 4,
    CommitmentJoined = 5,
    NewCommitmentInTopic = 6,

    /// <summary>A commitment's progress report is due (its reminder; published to its participant's topic only).</summary>
    ReportDue = 7,

    /// <summary>A result claim was confirmed by a peer or verified by the support team.</summary>
    ClaimVerified = 8,
}

/// <summary>
/// One change, published to one topic (<see cref="IFollowTopicGrain.Publish"/>). <see cref="EventId"/> names the change,
/// not the delivery: publish the same change to each of its topics under the same id (e.g. "{commitmentId}.v{version}"),
/// and a person who follows several of those topics gets it once. <see cref="Title"/> is what changed (the commitment's
/// title), <see cref="Summary"/> how (e.g. "Progress reported: 62 % of trips on foot or by bike").
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.FeedEvent.v1")]
public sealed record FeedEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] FollowTopic Topic,
    [property: Id(2)] FeedEventKind Kind,
    [property: Id(3)] string CommitmentId,
    [property: Id(4)] string Title,
    [property: Id(5)] string Summary,
    [property: Id(6)] DateTimeOffset OccurredAt);

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
/// One item of a personal feed. <see cref="Sequence"/> numbers the feed's items in arrival order (1, 2, …) and is the
/// cursor for <see cref="IFeedGrain.GetPage"/> and <see cref="IFeedGrain.MarkRead"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.FeedItem.v1")]
public sealed record FeedItem(
    [property: Id(0)] long Sequence,
    [property: Id(1)] FeedEvent Event,
    [property: Id(2)] DateTimeOffset ReceivedAt,
    [property: Id(3)] bool Unread);

/// <summary>
/// A page of a feed, newest first. <see cref="NextBefore"/> is the cursor of the next (older) page, null on the last.
/// <see cref="UnreadCount"/> counts the unread items the feed holds (at most <see cref="FollowRules.FeedCapacity"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.FeedPage.v1")]
public sealed record FeedPage(
    [property: Id(0)] IReadOnlyList<FeedItem> Items,
    [property: Id(1)] long? NextBefore,
    [property: Id(2)] int UnreadCount,
    [property: Id(3)] long ReadUpTo,
    [property: Id(4)] long LatestSequence);

[GenerateSerializer, Immutable, Alias("cc.FeedStatus.v1")]
public sealed record FeedStatus(
    [property: Id(0)] int UnreadCount,
    [property: Id(1)] long ReadUpTo,
    [property: Id(2)] long LatestSequence);

/// <summary>
/// An account's e-mail notification settings: off until the person opts in. <see cref="PlatformSendsEmail"/> says
/// whether this platform has an SMTP server configured (Notifications:Smtp:Enabled); without one nothing is sent even
/// when <see cref="Enabled"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.EmailNotifications.v1")]
public sealed record EmailNotifications(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] string? Address,
    [property: Id(2)] bool PlatformSendsEmail);

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

/// <summary>
/// An account's personal feed and e-mail notification settings (key: the account id). Receives events from the
/// follower buckets and calls nothing but the in-process mail queue.
/// </summary>
public interface IFeedGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds the event unless the feed holds it already (by event id) or the account does not follow its topic; true
    /// when the feed has it afterwards. Called by follower buckets.
    /// </summary>
    Task<bool> Receive(FeedEvent feedEvent);

    /// <summary>Called by <see cref="IFollowerGrain"/>: which topics the feed accepts events of.</summary>
    Task SetTopicFollowed(FollowTopic topic, bool followed);

    /// <summary>Items older than <paramref name="before"/> (a <see cref="FeedItem.Sequence"/>; null for the newest), newest first.</summary>
    Task<FeedPage> GetPage(long? before, int limit);

    /// <summary>The in-app notifications: unread items older than <paramref name="before"/> (null: the newest), newest first.</summary>
    Task<FeedPage> GetUnread(long? before, int limit);

    Task<FeedStatus> GetStatus();

    /// <summary>Marks every item up to and including sequence <paramref name="upTo"/> read; the read mark never moves back.</summary>
    Task<FeedStatus> MarkRead(long upTo);

    /// <summary>Turns e-mail notifications on (an address is required) or off (the address may be kept or cleared).</summary>
    Task<EmailNotifications> SetEmailNotifications(bool enabled, string? address);

    Task<EmailNotifications> GetEmailNotifications();

    /// <summary>Forgets everything (account deletion).</summary>
    Task Erase();
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
