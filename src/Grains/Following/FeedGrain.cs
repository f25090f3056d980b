using CivicContracting.Hosting;
using CivicContracting.Notifications;
using CivicContracting.Observability;

namespace CivicContracting.Following;

/// <summary>
/// One account's personal feed: the newest <see cref="FollowRules.FeedCapacity"/> events of the topics it follows, in
/// arrival order, deduplicated by event id, with a read mark; and the account's e-mail notification settings. It takes
/// events only for topics its <see cref="IFollowerGrain"/> says are followed, so a half-done or raced unfollow cannot
/// leave events flowing in. Mail is handed to the silo's queue after the item is stored and never holds the feed up.
/// </summary>
public sealed class FeedGrain(
    [PersistentState("feed", GrainStorage.Name)] IPersistentState<FeedState> state,
    INotificationMailer mailer,
    TimeProvider clock) : Grain, IFeedGrain
{
    /// <summary>
    /// Event ids remembered for deduplication, beyond the items held: a redelivery of an event that already fell off the
    /// end of a full feed must not come back as new.
    /// </summary>
    private const int RememberedEventIds = 2 * FollowRules.FeedCapacity;

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    private FeedState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _seen.UnionWith(S.RecentEventIds);
        return Task.CompletedTask;
    }

    public async Task<bool> Receive(FeedEvent feedEvent)
    {
        RequireAccount();
        FollowRules.Event(feedEvent).ThrowIfAny();
        if (!S.Topics.Contains(feedEvent.Topic.Key))
            return false;
        if (_seen.Contains(feedEvent.EventId))
            return true;

        S.Items.Add(new FeedEntry(++S.LastSequence, feedEvent, clock.GetUtcNow()));
        if (S.Items.Count > FollowRules.FeedCapacity)
            S.Items.RemoveRange(0, S.Items.Count - FollowRules.FeedCapacity);
        _seen.Add(feedEvent.EventId);
        S.RecentEventIds.Add(feedEvent.EventId);
        if (S.RecentEventIds.Count > RememberedEventIds)
        {
            var drop = S.RecentEventIds.Count - RememberedEventIds;
            foreach (var id in S.RecentEventIds.Take(drop))
                _seen.Remove(id);
            S.RecentEventIds.RemoveRange(0, drop);
        }
        await Write();
        CivicMetrics.FeedItemAdded();

        if (S.EmailEnabled && S.EmailAddress is { } address)
            mailer.TryEnqueue(address, feedEvent, S.Language);
        return true;
    }

    public async Task SetTopicFollowed(FollowTopic topic, bool followed)
    {
        RequireAccount();
        FollowRules.Topic(topic).ThrowIfAny();
        var changed = followed ? S.Topics.Add(topic.Key) : S.Topics.Remove(topic.Key);
        if (changed)
            await Write();
    }

    public Task<FeedPage> GetPage(long? before, int limit)
    {
        RequireAccount();
        FollowRules.Page(before, limit).ThrowIfAny();
        return Task.FromResult(Page(before, limit, unreadOnly: false));
    }

    public Task<FeedPage> GetUnread(long? before, int limit)
    {
        RequireAccount();
        FollowRules.Page(before, limit).ThrowIfAny();
        return Task.FromResult(Page(before, limit, unreadOnly: true));
    }

    public Task<FeedStatus> GetStatus()
    {
        RequireAccount();
        return Task.FromResult(Status());
    }

    public async Task<FeedStatus> MarkRead(long upTo)
    {
        RequireAccount();
        FollowRules.ReadMark(upTo).ThrowIfAny();
        // Capped at the newest item, so a client may say "all" with a large number without marking future items read.
        var mark = Math.Min(upTo, S.LastSequence);
        if (mark > S.ReadUpTo)
        {
            S.ReadUpTo = mark;
            await Write();
        }
        return Status();
    }

    public async Task<EmailNotifications> SetEmailNotifications(bool enabled, string? address)
    {
        RequireAccount();
        FollowRules.EmailNotifications(enabled, address).ThrowIfAny();
        if (S.EmailEnabled != enabled || S.EmailAddress != address)
        {
            S.EmailEnabled = enabled;
            S.EmailAddress = address;
            await Write();
        }
        return Email();
    }

    public async Task SetLanguage(string language)
    {
        RequireAccount();
        Accounts.AccountRules.Language(language).ThrowIfAny();
        var code = Texts.Languages.Code(language);
        if (S.Language != code)
        {
            S.Language = code;
            await Write();
        }
    }

    public Task<EmailNotifications> GetEmailNotifications()
    {
        RequireAccount();
        return Task.FromResult(Email());
    }

    public async Task Erase()
    {
        RequireAccount();
        await state.ClearStateAsync();
        state.State = new FeedState();
        _seen.Clear();
    }

    private FeedPage Page(long? before, int limit, bool unreadOnly)
    {
        var items = new List<FeedItem>(limit);
        long? next = null;
        for (var i = S.Items.Count - 1; i >= 0; i--)
        {
            var entry = S.Items[i];
            if (before is { } b && entry.Sequence >= b)
                continue;
            var unread = entry.Sequence > S.ReadUpTo;
            if (unreadOnly && !unread)
                break; // everything older is read as well
            if (items.Count == limit)
            {
                next = items[^1].Sequence;
                break;
            }
            items.Add(new FeedItem(entry.Sequence, entry.Event, entry.ReceivedAt, unread));
        }
        var status = Status();
        return new FeedPage(items, next, status.UnreadCount, status.ReadUpTo, status.LatestSequence);
    }

    private FeedStatus Status() => new(S.Items.Count(i => i.Sequence > S.ReadUpTo), S.ReadUpTo, S.LastSequence);

    private EmailNotifications Email() => new(S.EmailEnabled, S.EmailAddress, mailer.Enabled);

    private async Task Write()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The in-memory state ran ahead of storage: start again from what is stored.
            DeactivateOnIdle();
            throw;
        }
    }

    private void RequireAccount() => FollowRules.AccountId(this.GetPrimaryKeyString()).ThrowIfAny();
}

/// <summary>A stored feed item; the read flag is derived from <see cref="FeedState.ReadUpTo"/> when read.</summary>
[GenerateSerializer, Immutable, Alias("cc.FeedEntry.v1")]
public sealed record FeedEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] FeedEvent Event,
    [property: Id(2)] DateTimeOffset ReceivedAt);
