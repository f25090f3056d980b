using System.Threading.Channels;
using CivicContracting.Following;
using CivicContracting.Observability;
using Microsoft.Extensions.Options;

namespace CivicContracting.Notifications;

/// <summary>
/// Where a feed hands the changes it mails. Enqueueing never waits and never fails the feed: the mail is sent later,
/// outside any grain turn, by <see cref="SmtpNotificationSender"/>.
/// </summary>
public interface INotificationMailer
{
    /// <summary>Whether this platform sends e-mail at all (Notifications:Smtp:Enabled).</summary>
    bool Enabled { get; }

    /// <summary>
    /// Queues <paramref name="feedEvent"/> for <paramref name="address"/>, to be written in <paramref name="language"/> (nl, fr,
    /// en; Dutch when null); false when mail is off or the queue is full.
    /// </summary>
    bool TryEnqueue(string address, FeedEvent feedEvent, string? language = null);

    /// <summary>Queues a mail about a person's account (a sign-in or verification link), sent on its own and at once; false when mail is off or the queue is full.</summary>
    bool TryEnqueue(AccountMail mail);
}

/// <summary>
/// A mail about an account, to its owner, written in their language (<see cref="Language"/>, also its Content-Language):
/// never batched with notifications, never shown to anyone else.
/// </summary>
public sealed record AccountMail(string Address, string Subject, string Body, string? Language = null);

/// <summary>A change (or an account mail) waiting to be mailed; a change in the recipient's <see cref="Language"/>.</summary>
internal sealed record QueuedMail(string Address, FeedEvent? Event, AccountMail? Account = null, string? Language = null);

/// <summary>
/// The silo's in-memory mail queue (bounded). Memory only, on purpose: the feed is the durable record, e-mail a courtesy
/// on top, so a crash loses at most the mails of the current batch window and never a feed item.
/// </summary>
internal sealed class NotificationMailQueue : INotificationMailer
{
    private readonly Channel<QueuedMail> _channel;

    public NotificationMailQueue(IOptions<SmtpNotificationOptions> options)
    {
        var o = options.Value;
        Enabled = o.Enabled;
        _channel = Channel.CreateBounded<QueuedMail>(new BoundedChannelOptions(o.QueueCapacity)
        {
            SingleReader = true,
            // Wait mode makes TryWrite return false when full instead of silently dropping, so it can be counted.
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public bool Enabled { get; }

    public ChannelReader<QueuedMail> Reader => _channel.Reader;

    public bool TryEnqueue(string address, FeedEvent feedEvent, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(feedEvent);
        if (!Enabled)
            return false;
        if (_channel.Writer.TryWrite(new QueuedMail(address, feedEvent, Language: language)))
            return true;
        CivicMetrics.NotificationEmail(CivicMetrics.EmailOutcomeQueueFull);
        return false;
    }

    public bool TryEnqueue(AccountMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        if (!Enabled)
            return false;
        if (_channel.Writer.TryWrite(new QueuedMail(mail.Address, null, mail)))
            return true;
        CivicMetrics.NotificationEmail(CivicMetrics.EmailOutcomeQueueFull);
        return false;
    }
}
