using Orleans.Concurrency;

namespace CivicContracting.Following;

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
    [property: Id(6)] DateTimeOffset OccurredAt,
    [property: Id(7)] FeedDetail? Detail = null);

/// <summary>
/// How a feed event came about, as a text key and its arguments, so that each reader gets it in their own language when
/// it is read (<see cref="FeedText.Summary"/>); <see cref="FeedEvent.Summary"/> holds the Dutch text for readers that do not
/// know the key. Events stored before this have no detail: their summary is shown as it was written.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.FeedDetail.v1")]
public sealed record FeedDetail(
    [property: Id(0)] string Key,
    [property: Id(1)] IReadOnlyList<FeedArgument> Arguments);

/// <summary>
/// One argument of a <see cref="FeedDetail"/>, exactly one of: a person's own text (shown as written), a number or a date
/// (written in the reader's format), or a word the feed's texts translate (<see cref="FeedText"/>, e.g. "Level.Result").
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.FeedArgument.v1")]
public sealed record FeedArgument(
    [property: Id(0)] string? Text = null,
    [property: Id(1)] double? Number = null,
    [property: Id(2)] DateTimeOffset? Date = null,
    [property: Id(3)] string? Word = null);

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

    /// <summary>
    /// The account's language (nl, fr or en), told by the account: the feed's e-mails are written in it. A feed that was
    /// never told mails in Dutch.
    /// </summary>
    Task SetLanguage(string language);

    /// <summary>Forgets everything (account deletion).</summary>
    Task Erase();
}
