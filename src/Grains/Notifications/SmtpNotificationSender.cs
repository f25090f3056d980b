using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using CivicContracting.Following;
using CivicContracting.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicContracting.Notifications;

/// <summary>
/// Drains the silo's <see cref="NotificationMailQueue"/>: waits for a change, collects what else arrives within
/// <see cref="SmtpNotificationOptions.BatchWindow"/>, and sends one digest per address. A failed send is retried with
/// exponential backoff (without holding up other mail), a permanent refusal (5xx) is not; either way the feeds are
/// untouched. Uses System.Net.Mail, which opens one connection per e-mail.
/// </summary>
internal sealed partial class SmtpNotificationSender(
    NotificationMailQueue queue,
    IOptions<SmtpNotificationOptions> options,
    TimeProvider clock,
    ILogger<SmtpNotificationSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
            return;
        var retries = new List<Digest>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var untilRetry = retries.Count == 0 ? (TimeSpan?)null : retries.Min(d => d.DueAt) - clock.GetUtcNow();
                await WaitForWork(untilRetry, stoppingToken);

                var batch = new List<QueuedMail>();
                if (queue.Reader.TryRead(out var first))
                {
                    batch.Add(first);
                    // Account mails (sign-in links) go out at once; only notifications wait for the digest window.
                    if (first.Account is null && o.BatchWindow > TimeSpan.Zero)
                        await Task.Delay(o.BatchWindow, clock, stoppingToken);
                    while (queue.Reader.TryRead(out var next))
                        batch.Add(next);
                }

                var now = clock.GetUtcNow();
                var due = retries.Where(d => d.DueAt <= now).ToList();
                retries.RemoveAll(d => d.DueAt <= now);
                due.AddRange(batch.Where(m => m.Account is not null).Select(m => new Digest(m.Address, [], 0, now, m.Account)));
                due.AddRange(batch
                    .Where(m => m.Event is not null)
                    .GroupBy(m => m.Address, StringComparer.OrdinalIgnoreCase)
                    .Select(g => new Digest(g.First().Address, [.. g.Select(m => m.Event!).DistinctBy(e => e.EventId)], 0, now, Language: g.Last().Language)));

                foreach (var digest in due)
                {
                    var retry = await Send(digest, o, stoppingToken);
                    if (retry is not null)
                        retries.Add(retry);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (retries.Count > 0 || queue.Reader.Count > 0)
                LogUnsentAtStop(logger, retries.Count + queue.Reader.Count);
        }
    }

    private async Task WaitForWork(TimeSpan? maxWait, CancellationToken stoppingToken)
    {
        if (maxWait is { } wait && wait <= TimeSpan.Zero)
            return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        if (maxWait is { } w)
            timeout.CancelAfter(w);
        try
        {
            await queue.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // A retry fell due.
        }
    }

    /// <summary>Sends <paramref name="digest"/>; returns it with its next attempt when it should be retried.</summary>
    private async Task<Digest?> Send(Digest digest, SmtpNotificationOptions o, CancellationToken stoppingToken)
    {
        MailMessage message;
        try
        {
            message = Compose(digest, o);
        }
        catch (FormatException ex)
        {
            // An address System.Net.Mail does not accept: no attempt will succeed.
            CivicMetrics.NotificationEmail(CivicMetrics.EmailOutcomeRejected);
            LogUnsendable(logger, ex, digest.Events.Count);
            return null;
        }
        try
        {
            using var client = new SmtpClient(o.Host, o.Port)
            {
                DeliveryMethod = SmtpDeliveryMethod.Network,
                EnableSsl = o.Security == SmtpSecurity.StartTls,
                Timeout = (int)o.Timeout.TotalMilliseconds,
            };
            if (!string.IsNullOrEmpty(o.UserName))
                client.Credentials = new NetworkCredential(o.UserName, o.Password);
            await client.SendMailAsync(message, stoppingToken);
            CivicMetrics.NotificationEmail(CivicMetrics.EmailOutcomeSent);
            LogSent(logger, digest.Events.Count);
            return null;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (SmtpException ex) when ((int)ex.StatusCode >= 500)
        {
            // A permanent refusal (unknown mailbox, policy): sending again would only be refused again.
            CivicMetrics.NotificationEmail(CivicMetrics.EmailOutcomeRejected);
            LogRejected(logger, ex, (int)ex.StatusCode, digest.Events.Count);
            return null;
        }
        catch (Exception ex)
        {
            var attempt = digest.Attempts + 1;
            if (attempt >= o.MaxAttempts)
            {
                CivicMetrics.NotificationEmail(CivicMetrics.EmailOutcomeGivenUp);
                LogGaveUp(logger, ex, digest.Events.Count, attempt);
                return null;
            }
            var delay = o.RetryBaseDelay * Math.Pow(2, Math.Min(attempt - 1, 6));
            CivicMetrics.NotificationEmail(CivicMetrics.EmailOutcomeRetry);
            LogRetrying(logger, ex, digest.Events.Count, attempt, o.MaxAttempts, delay);
            return digest with { Attempts = attempt, DueAt = clock.GetUtcNow() + delay };
        }
        finally
        {
            message.Dispose();
        }
    }

    internal static MailMessage Compose(Digest digest, SmtpNotificationOptions o)
    {
        if (digest.Account is { } account)
            return Message(account.Address, account.Subject, account.Body, account.Language, o);
        // In the recipient's language: the words from MailText, the changes' summaries from FeedText.
        var culture = MailText.Culture(digest.Language);
        var events = digest.Events.OrderByDescending(e => e.OccurredAt).ToList();
        var subject = events.Count == 1
            ? MailText.Format("Digest.SubjectOne", culture, events[0].Title, FeedText.Kind(events[0].Kind, culture))
            : MailText.Format("Digest.SubjectMany", culture, events.Count);
        var body = new StringBuilder().Append(MailText.Get("Digest.Intro", culture)).Append("\n\n");
        foreach (var e in events.Take(o.MaxItemsPerEmail))
        {
            body.Append(MailText.Format("Digest.Item", culture, e.Title, FeedText.Kind(e.Kind, culture), MailText.Moment(e.OccurredAt, culture))).Append('\n');
            var summary = FeedText.Summary(e, culture);
            if (!string.IsNullOrWhiteSpace(summary))
                body.Append("  ").Append(summary).Append('\n');
        }
        if (events.Count > o.MaxItemsPerEmail)
            body.Append('\n').Append(MailText.Format("Digest.More", culture, events.Count - o.MaxItemsPerEmail)).Append('\n');
        body.Append('\n').Append(MailText.Get("Digest.Outro", culture)).Append('\n');

        return Message(digest.Address, subject, body.ToString(), culture.TwoLetterISOLanguageName, o);
    }

    private static MailMessage Message(string address, string subject, string body, string? language, SmtpNotificationOptions o)
    {
        var message = new MailMessage
        {
            From = new MailAddress(o.From!, o.FromName),
            // A header is one line: titles are validated, but a subject must never carry a line break whatever comes in.
            Subject = new string([.. subject.Select(c => char.IsControl(c) ? ' ' : c)]),
            SubjectEncoding = Encoding.UTF8,
            Body = body,
            BodyEncoding = Encoding.UTF8,
            BodyTransferEncoding = TransferEncoding.QuotedPrintable,
            IsBodyHtml = false,
        };
        message.To.Add(new MailAddress(address));
        // Tells mail servers and auto-responders that no person sent this (RFC 3834): no out-of-office replies.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        // The language the mail is written in (RFC 3282), so mail clients and screen readers read it right.
        if (language is not null)
            message.Headers.Add("Content-Language", language);
        return message;
    }

    /// <summary>The changes for one address, and how often sending them failed so far.</summary>
    internal sealed record Digest(string Address, IReadOnlyList<FeedEvent> Events, int Attempts, DateTimeOffset DueAt, AccountMail? Account = null, string? Language = null);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent a notification e-mail with {Changes} change(s)")]
    private static partial void LogSent(ILogger logger, int changes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SMTP server refused a notification e-mail with {Changes} change(s) permanently (status {Status}); not retrying")]
    private static partial void LogRejected(ILogger logger, Exception ex, int status, int changes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending a notification e-mail with {Changes} change(s) failed (attempt {Attempt} of {MaxAttempts}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, Exception ex, int changes, int attempt, int maxAttempts, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up a notification e-mail with {Changes} change(s) after {Attempts} attempts; the changes stay in the feed")]
    private static partial void LogGaveUp(ILogger logger, Exception ex, int changes, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A notification e-mail with {Changes} change(s) cannot be addressed; not sending it")]
    private static partial void LogUnsendable(ILogger logger, Exception ex, int changes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping with {Count} notification e-mail(s) or change(s) unsent")]
    private static partial void LogUnsentAtStop(ILogger logger, int count);
}
