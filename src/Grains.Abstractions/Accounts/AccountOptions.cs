using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Accounts;

/// <summary>Sign-in throttling, e-mailed links, e-mail verification and access-token limits (configuration section "Accounts").</summary>
public sealed class AccountOptions
{
    public const string SectionName = "Accounts";

    /// <summary>
    /// Failed sign-ins on one login name (known or unknown alike) from one client address that cost nothing; after them every
    /// further attempt from that address has to wait a growing delay (<see cref="SignInDelay"/>, doubling, at most
    /// <see cref="MaxSignInDelay"/>). Never a lockout, and other addresses (the owner's) are not slowed down by it.
    /// </summary>
    [Range(1, 100)]
    public int FreeFailedSignIns { get; set; } = 5;

    /// <summary>
    /// Failed sign-ins on one login name from all addresses together before every address has to wait (a guesser with many
    /// addresses): the same growing delay, capped at <see cref="MaxSignInDelay"/>.
    /// </summary>
    [Range(1, 100_000)]
    public int FreeFailedSignInsAllAddresses { get; set; } = 100;

    /// <summary>The wait after the first failure beyond <see cref="FreeFailedSignIns"/>; it doubles with each further failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan SignInDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait a login name's failures can impose: the owner is never kept out longer than this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxSignInDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>After this long without a failure a login name's failures are forgotten.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SignInFailureMemory { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long an e-mailed one-time sign-in link works.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SignInLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long an e-mailed address verification link works.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "30.00:00:00")]
    public TimeSpan VerificationLinkLifetime { get; set; } = TimeSpan.FromDays(2);

    /// <summary>At most one account e-mail (link, verification, "someone tried to register") per account in this time, so nobody can flood a mailbox.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MinMailInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether a person's e-mail address must be verified (a mailed link): then sign-up with an e-mail address as login name
    /// answers "check your mailbox" whether or not the address is registered, and the link signs in. Unset: on where the
    /// platform sends e-mail, except with the local demo data (<c>Demo:Seed</c>), see <see cref="ResolveDefaults"/>.
    /// </summary>
    public bool? RequireEmailVerification { get; set; }

    /// <summary>The site's public address, which links in account e-mails point to, e.g. "https://leuven2030.be". Never taken from a request's Host header.</summary>
    public string PublicUrl { get; set; } = "http://127.0.0.1:5000";

    /// <summary>The longest lifetime of a personal access token.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "730.00:00:00")]
    public TimeSpan MaxAccessTokenLifetime { get; set; } = TimeSpan.FromDays(366);

    /// <summary>How many unrevoked, unexpired access tokens one account may hold.</summary>
    [Range(1, 1_000)]
    public int MaxActiveAccessTokens { get; set; } = 20;

    /// <summary>Whether e-mail verification is required (<see cref="RequireEmailVerification"/> once resolved).</summary>
    public bool EmailVerificationRequired => RequireEmailVerification ?? true;

    /// <summary>Whether the platform sends e-mail (Notifications:Smtp:Enabled), as <see cref="ResolveDefaults"/> was told.</summary>
    public bool? MailEnabled { get; private set; }

    /// <summary>
    /// Fills in the defaults that depend on other settings: verification is on where the platform sends e-mail
    /// (<paramref name="mailEnabled"/>, Notifications:Smtp:Enabled), except with the local demo data (<paramref name="demoSeed"/>,
    /// Demo:Seed); without mail nobody could finish a sign-up.
    /// </summary>
    public void ResolveDefaults(bool mailEnabled, bool demoSeed)
    {
        MailEnabled = mailEnabled;
        RequireEmailVerification ??= mailEnabled && !demoSeed;
    }

    /// <summary>
    /// How long a login name with <paramref name="failures"/> recent failures must wait after its last failure: nothing for the
    /// first <paramref name="free"/>, then <see cref="SignInDelay"/> doubling per failure, capped at <see cref="MaxSignInDelay"/>.
    /// </summary>
    public TimeSpan DelayAfter(int failures, int free)
    {
        var over = failures - free;
        if (over <= 0)
            return TimeSpan.Zero;
        var delay = SignInDelay * Math.Pow(2, Math.Min(over - 1, 30));
        return delay > MaxSignInDelay ? MaxSignInDelay : delay;
    }
}

