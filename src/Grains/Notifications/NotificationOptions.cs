using System.Net.Mail;
using Microsoft.Extensions.Options;

namespace CivicContracting.Notifications;

/// <summary>How the SMTP connection is protected.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain SMTP: only for a relay on the same host or a trusted network.</summary>
    None = 0,

    /// <summary>STARTTLS after the greeting (port 587 or 25); the send fails if the server does not offer it.</summary>
    StartTls = 1,
}

/// <summary>
/// E-mail notifications to followers (configuration section "Notifications:Smtp"). Off by default; a person gets mail
/// only when this is on and they opted in. Mail is sent as a digest: everything that reaches one address within
/// <see cref="BatchWindow"/> goes out as one e-mail, so a busy goal or a person following many things gets a few mails,
/// not one per change.
/// </summary>
public sealed class SmtpNotificationOptions
{
    public const string SectionName = "Notifications:Smtp";

    public bool Enabled { get; set; }

    /// <summary>The SMTP server's host name or IP address.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>The sender address, e.g. "notifications@leuven2030.be".</summary>
    public string? From { get; set; }

    /// <summary>The sender's display name.</summary>
    public string FromName { get; set; } = "Civic Contracting";

    /// <summary>Optional: sign in to the server (needs <see cref="SmtpSecurity.StartTls"/>, so the password is never sent in clear).</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>How long changes for one address are collected into one e-mail; zero sends what is queued at once.</summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Changes listed in one e-mail; the rest are counted ("and 12 more").</summary>
    public int MaxItemsPerEmail { get; set; } = 50;

    /// <summary>Attempts per e-mail before it is given up (logged and counted); the feed has the changes regardless.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait before the first retry; it doubles with every attempt, up to 64 times this.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>One SMTP conversation's time limit.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Changes waiting to be mailed per silo; when full, further changes are not mailed (counted), never blocking a feed.</summary>
    public int QueueCapacity { get; set; } = 10_000;
}

/// <summary>Checks <see cref="SmtpNotificationOptions"/>, so a wrong value stops the start with a message naming the setting.</summary>
internal sealed class SmtpNotificationOptionsValidator : IValidateOptions<SmtpNotificationOptions>
{
    private const string S = SmtpNotificationOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SmtpNotificationOptions o)
    {
        var failures = new List<string>();
        if (o.Port is < 1 or > 65_535)
            failures.Add($"{S}:Port must lie between 1 and 65535 (got {o.Port}); 587 for STARTTLS submission, 25 for a relay.");
        if (!Enum.IsDefined(o.Security))
            failures.Add($"{S}:Security '{o.Security}' is not one of: {string.Join(", ", Enum.GetNames<SmtpSecurity>())}.");
        if (o.BatchWindow < TimeSpan.Zero || o.BatchWindow > TimeSpan.FromDays(1))
            failures.Add($"{S}:BatchWindow must lie between 00:00:00 and 1.00:00:00 (got {o.BatchWindow}).");
        if (o.MaxItemsPerEmail is < 1 or > 1_000)
            failures.Add($"{S}:MaxItemsPerEmail must lie between 1 and 1000 (got {o.MaxItemsPerEmail}).");
        if (o.MaxAttempts is < 1 or > 50)
            failures.Add($"{S}:MaxAttempts must lie between 1 and 50 (got {o.MaxAttempts}).");
        if (o.RetryBaseDelay < TimeSpan.FromMilliseconds(10) || o.RetryBaseDelay > TimeSpan.FromHours(1))
            failures.Add($"{S}:RetryBaseDelay must lie between 00:00:00.010 and 01:00:00 (got {o.RetryBaseDelay}).");
        if (o.Timeout < TimeSpan.FromSeconds(1) || o.Timeout > TimeSpan.FromMinutes(10))
            failures.Add($"{S}:Timeout must lie between 00:00:01 and 00:10:00 (got {o.Timeout}).");
        if (o.QueueCapacity is < 1 or > 1_000_000)
            failures.Add($"{S}:QueueCapacity must lie between 1 and 1000000 (got {o.QueueCapacity}).");
        if (o.FromName is null || o.FromName.Length > 120 || o.FromName.Any(char.IsControl))
            failures.Add($"{S}:FromName must be at most 120 characters without control characters.");
        if (o.Password is not null && string.IsNullOrEmpty(o.UserName))
            failures.Add($"{S}:Password is set without {S}:UserName; set both or neither.");

        if (o.Enabled)
        {
            if (string.IsNullOrWhiteSpace(o.Host))
                failures.Add($"{S}:Host is required when {S}:Enabled is true: the SMTP server's host name or IP address.");
            else if (Uri.CheckHostName(o.Host) == UriHostNameType.Unknown)
                failures.Add($"{S}:Host '{o.Host}' is not a host name or IP address.");
            if (string.IsNullOrWhiteSpace(o.From))
                failures.Add($"{S}:From is required when {S}:Enabled is true: the sender's e-mail address, e.g. notifications@example.org.");
            else if (!IsAddress(o.From))
                failures.Add($"{S}:From '{o.From}' is not an e-mail address (name@domain).");
            if (!string.IsNullOrEmpty(o.UserName) && o.Security != SmtpSecurity.StartTls)
                failures.Add($"{S}:UserName is set but {S}:Security is {o.Security}: the password would cross the network in clear. Use StartTls.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsAddress(string value)
    {
        try
        {
            var address = new MailAddress(value);
            // MailAddress also accepts "Name <a@b>": the setting is the bare address.
            return address.Address == value && address.Host.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
