namespace CivicContracting.Accounts;

[GenerateSerializer, Alias("cc.AccountState.v1")]
public sealed class AccountState
{
    /// <summary>With the login name normalised; a local login carries the password hash.</summary>
    [Id(0)] public AccountRegistration? Registration { get; set; }
    [Id(1)] public DateTimeOffset RegisteredAt { get; set; }
    [Id(2)] public List<PlatformRole> Roles { get; set; } = [];
    [Id(3)] public int FailedSignIns { get; set; }
    [Id(4)] public DateTimeOffset? LockedUntil { get; set; }
    [Id(5)] public DateTimeOffset? LastSignInAt { get; set; }
    [Id(6)] public string? ParticipantId { get; set; }
    [Id(7)] public List<OrganisationMembership> Memberships { get; set; } = [];
    [Id(8)] public List<AccountTokenRef> Tokens { get; set; } = [];
    [Id(9)] public DateTimeOffset? DeletionRequestedAt { get; set; }
    [Id(10)] public DateTimeOffset? DeletedAt { get; set; }
    [Id(11)] public string? AnonymisedParticipantId { get; set; }
    [Id(12)] public int ErasedAccessTokens { get; set; }

    /// <summary>When the e-mail address was shown to be the person's (a mailed link was used); null while unverified.</summary>
    [Id(13)] public DateTimeOffset? EmailVerifiedAt { get; set; }

    /// <summary>The current one-time sign-in link: the SHA-256 of its code (never the code) and when it expires.</summary>
    [Id(14)] public string? SignInLinkHash { get; set; }
    [Id(15)] public DateTimeOffset? SignInLinkExpiresAt { get; set; }

    /// <summary>The current address verification link: the SHA-256 of its code and when it expires.</summary>
    [Id(16)] public string? VerificationHash { get; set; }
    [Id(17)] public DateTimeOffset? VerificationExpiresAt { get; set; }

    /// <summary>When the last account e-mail went out (to keep a stranger from flooding the mailbox).</summary>
    [Id(18)] public DateTimeOffset? LastMailAt { get; set; }

    /// <summary>The person's language (nl, fr, en): the one they registered in or chose. Null for accounts stored before: Dutch.</summary>
    [Id(19)] public string? Language { get; set; }
}
