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
}
