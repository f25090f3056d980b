using CivicContracting.Commitments;
using CivicContracting.Participants;

namespace CivicContracting.Accounts;

/// <summary>What a person may do on the platform; every account has <see cref="Participant"/>.</summary>
public enum PlatformRole
{
    Participant = 0,
    Coach = 1,
    Moderator = 2,
    Administrator = 3,
}

/// <summary>A person's role in an organisation (a non-resident participant) they act for.</summary>
public enum OrganisationRole
{
    Owner = 0,
    Member = 1,
}

/// <summary>
/// A local sign-in: the login name (an e-mail address or a chosen name; the grain normalises it, see
/// <see cref="AccountRules.NormaliseLoginName"/>) and the password hash computed by the web tier (ASP.NET Core Identity's
/// PasswordHasher). The grain stores the hash string and never sees a password.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.LocalLogin.v1")]
public sealed record LocalLogin(
    [property: Id(0)] string LoginName,
    [property: Id(1)] string PasswordHash);

/// <summary>An OpenID Connect sign-in: the issuer (authority) and the subject it gives the person.</summary>
[GenerateSerializer, Immutable, Alias("cc.ExternalLogin.v1")]
public sealed record ExternalLogin(
    [property: Id(0)] string Issuer,
    [property: Id(1)] string Subject);

/// <summary>
/// What a person gives when creating an account: exactly one of <see cref="Local"/> and <see cref="External"/>.
/// Repeating the same registration is a no-op, so a caller that retries passes the hash it computed the first time.
/// <see cref="Language"/> is the language the person registered in (nl, fr or en; Dutch when not given): it becomes the
/// account's language (<see cref="AccountView.Language"/>) and is not part of the registration the retry compares.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.AccountRegistration.v1")]
public sealed record AccountRegistration(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] string? Email = null,
    [property: Id(2)] LocalLogin? Local = null,
    [property: Id(3)] ExternalLogin? External = null,
    [property: Id(4)] string? Language = null);

/// <summary>A membership: the person acts for the organisation (a participant that is not a resident) with a role.</summary>
[GenerateSerializer, Immutable, Alias("cc.OrganisationMembership.v1")]
public sealed record OrganisationMembership(
    [property: Id(0)] string OrganisationId,
    [property: Id(1)] OrganisationRole Role,
    [property: Id(2)] DateTimeOffset Since);

/// <summary>
/// An account as its owner (and operators) may see it; never carries a password hash or token secret. <see cref="Language"/>
/// is the person's language (nl, fr or en): their e-mails and feed are in it, and the site's pages when they chose no other.
/// <see cref="LanguageChosen"/> is false for an account stored before languages (its language reads as Dutch for its
/// mails): the pages then follow the browser's language rather than presume Dutch.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.AccountView.v1")]
public sealed record AccountView(
    [property: Id(0)] string Id,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string? Email,
    [property: Id(3)] string? LoginName,
    [property: Id(4)] ExternalLogin? External,
    [property: Id(5)] bool HasPassword,
    [property: Id(6)] IReadOnlyList<PlatformRole> Roles,
    [property: Id(7)] string? ParticipantId,
    [property: Id(8)] IReadOnlyList<OrganisationMembership> Memberships,
    [property: Id(9)] DateTimeOffset RegisteredAt,
    [property: Id(10)] DateTimeOffset? LastSignInAt,
    [property: Id(11)] bool EmailVerified = false,
    [property: Id(12)] string Language = Texts.Languages.Default,
    [property: Id(13)] bool LanguageChosen = false);

/// <summary>
/// A login's sign-in record (kept for the contract and the export): accounts are never locked any more, so
/// <see cref="IsLockedOut"/> is false and <see cref="LockedUntil"/> null; throttling lives in the login (<see cref="SignInGate"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.SignInState.v1")]
public sealed record SignInState(
    [property: Id(0)] bool IsLockedOut,
    [property: Id(1)] DateTimeOffset? LockedUntil,
    [property: Id(2)] int FailedAttempts,
    [property: Id(3)] int AttemptsBeforeLockout);

/// <summary>What the web tier needs to check a sign-in: the stored hash (null for OpenID Connect accounts), lockout and roles.</summary>
[GenerateSerializer, Immutable, Alias("cc.SignInCredentials.v1")]
public sealed record SignInCredentials(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string? PasswordHash,
    [property: Id(2)] SignInState Lockout,
    [property: Id(3)] IReadOnlyList<PlatformRole> Roles);

/// <summary>
/// Whether a sign-in attempt on a login name may go ahead now: the owning account (null for an unknown login name, which is
/// throttled all the same, so the answers do not tell known from unknown) and how long to wait first (null: no wait).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.SignInGate.v1")]
public sealed record SignInGate(
    [property: Id(0)] string? AccountId,
    [property: Id(1)] TimeSpan? RetryAfter);

/// <summary>A membership in an export, with the organisation's public profile (null if it no longer exists).</summary>
[GenerateSerializer, Immutable, Alias("cc.MembershipExport.v1")]
public sealed record MembershipExport(
    [property: Id(0)] OrganisationMembership Membership,
    [property: Id(1)] ParticipantProfile? Organisation);

/// <summary>
/// Everything the platform holds about a person, as one record (served as JSON): the account, their own participant
/// with its private details and commitments, their memberships and their access tokens (without secrets or hashes).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.AccountExport.v1")]
public sealed record AccountExport(
    [property: Id(0)] AccountView Account,
    [property: Id(1)] SignInState SignIn,
    [property: Id(2)] ParticipantProfile? Participant,
    [property: Id(3)] ParticipantPrivateDetails? ParticipantDetails,
    [property: Id(4)] IReadOnlyList<CommitmentView> Commitments,
    [property: Id(5)] IReadOnlyList<MembershipExport> Memberships,
    [property: Id(6)] IReadOnlyList<AccessTokenInfo> AccessTokens,
    [property: Id(7)] DateTimeOffset ExportedAt);

/// <summary>The outcome of deleting an account: what was erased; the account id remains only as a tombstone.</summary>
[GenerateSerializer, Immutable, Alias("cc.AccountDeletion.v1")]
public sealed record AccountDeletion(
    [property: Id(0)] string AccountId,
    [property: Id(1)] DateTimeOffset DeletedAt,
    [property: Id(2)] string? AnonymisedParticipantId,
    [property: Id(3)] int ErasedAccessTokens);

/// <summary>
/// One person's account (key: the account id, chosen by the web tier). Calls go one way only: the account calls its
/// login, its participant(s) and its access tokens; none of them calls an account.
/// </summary>
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the account and claims its login (<see cref="ILoginGrain"/>). Repeating the same registration is a
    /// no-op; another registration for this id, a login taken by another account or a deleted account is a conflict.
    /// </summary>
    Task<AccountView> Register(AccountRegistration registration);

    /// <summary>The account, or null when it does not exist or was deleted.</summary>
    Task<AccountView?> Get();

    /// <summary>Hash, lockout and roles for a sign-in check; null when the account does not exist or was deleted.</summary>
    Task<SignInCredentials?> GetForSignIn();

    /// <summary>Records a verified sign-in (its time). Never refused: throttling is the login's (<see cref="ILoginGrain.BeginSignIn"/>).</summary>
    Task<SignInState> RecordSignInSuccess();

    /// <summary>Counts a failed sign-in for the record; it never locks the account (throttling is the login's).</summary>
    Task<SignInState> RecordSignInFailure();

    /// <summary>Replaces the password hash of a local account (a password change, or the hasher's rehash on sign-in).</summary>
    Task SetPasswordHash(string passwordHash);

    Task<AccountView> GrantRole(PlatformRole role);

    /// <summary>Revokes a role; <see cref="PlatformRole.Participant"/> cannot be revoked.</summary>
    Task<AccountView> RevokeRole(PlatformRole role);

    /// <summary>Links the person's own participant (a resident). Repeating it is a no-op; linking another one is a conflict.</summary>
    Task<AccountView> LinkParticipant(string participantId);

    /// <summary>Makes the person a member of an organisation (a participant that is not a resident) with a role, or changes the role.</summary>
    Task<AccountView> SetMembership(string organisationId, OrganisationRole role);

    Task<AccountView> RemoveMembership(string organisationId);

    /// <summary>
    /// Creates a personal access token. The web tier generates the secret and passes only its SHA-256
    /// (<see cref="AccessTokenRequest.SecretHash"/>); the account records the token id first, then issues the token.
    /// Repeating the same request is a no-op.
    /// </summary>
    Task<AccessTokenInfo> CreateAccessToken(AccessTokenRequest request);

    /// <summary>This account's tokens, newest first, revoked and expired ones included.</summary>
    Task<IReadOnlyList<AccessTokenInfo>> ListAccessTokens();

    /// <summary>Revokes one of this account's tokens; revoking again is a no-op.</summary>
    Task<AccessTokenInfo> RevokeAccessToken(string tokenId);

    /// <summary>
    /// Mails a one-time sign-in link (valid <c>Accounts:SignInLinkLifetime</c>) to the account's e-mail address, replacing any
    /// earlier link. False when the account has no address, mail is off, or a mail went out less than
    /// <c>Accounts:MinMailInterval</c> ago. With <paramref name="becauseOfSignUp"/> the mail says someone tried to sign up with
    /// the address (sign-up never tells the one who tried).
    /// </summary>
    Task<bool> MailSignInLink(bool becauseOfSignUp = false);

    /// <summary>
    /// Redeems a mailed sign-in link: the account (and its address counts as verified) when <paramref name="code"/> is this
    /// account's current, unexpired, unused link; null otherwise. A link works once.
    /// </summary>
    Task<AccountView?> RedeemSignInLink(string code);

    /// <summary>Mails a link that verifies the account's e-mail address; false when there is nothing to verify or no mail went out.</summary>
    Task<bool> MailEmailVerification();

    /// <summary>Verifies the e-mail address with a mailed code (once, before it expires); the account, or null when the code is wrong or expired.</summary>
    Task<AccountView?> VerifyEmail(string code);

    /// <summary>
    /// Sets the person's language (nl, fr or en, or a tag such as "fr-BE"; anything else is refused naming "language"): their
    /// next e-mails and their feed's mails are in it. Tells the person's feed (<see cref="Following.IFeedGrain.SetLanguage"/>).
    /// </summary>
    Task<AccountView> SetLanguage(string language);

    /// <summary>All data about the person (for a JSON download); null when the account does not exist or was deleted.</summary>
    Task<AccountExport?> Export();

    /// <summary>
    /// Deletes the account: erases name, e-mail, login, hash and tokens, releases the login and anonymises the person's own
    /// participant, whose commitments stay (anonymous), so no aggregate changes. Memberships end; organisations stay.
    /// Keeps a tombstone. Repeating it is a no-op.
    /// </summary>
    Task<AccountDeletion> Delete();
}

/// <summary>
/// Claim of one login by one account, keyed by <see cref="LoginKeys.Local"/> or <see cref="LoginKeys.External"/>.
/// A login grain is a single activation that writes its owner before answering, so two registrations cannot take the same
/// login. It never calls an account; the web tier reads the account id here, then asks the account.
/// </summary>
public interface ILoginGrain : IGrainWithStringKey
{
    /// <summary>Claims the login for <paramref name="accountId"/> if it is free; returns the owner (the caller's id when it got it).</summary>
    Task<string> Claim(string accountId);

    /// <summary>The account that owns this login, or null.</summary>
    Task<string?> GetAccountId();

    /// <summary>Frees the login if <paramref name="accountId"/> owns it (account deletion, or a registration that failed after claiming).</summary>
    Task Release(string accountId);

    /// <summary>
    /// Before checking a password: the owner (null when unknown) and how long the caller must wait first because of recent
    /// failures on this login name from <paramref name="clientAddress"/> or from everywhere (then the attempt must not be
    /// made). An attempt that may go ahead is counted as a failure until <see cref="RecordSignInSuccess"/>. Works the same for
    /// unknown login names, so throttling does not reveal which exist.
    /// </summary>
    Task<SignInGate> BeginSignIn(string clientAddress);

    /// <summary>A correct password or a redeemed link: the failures are forgotten.</summary>
    Task RecordSignInSuccess();
}

/// <summary>A member of an organisation, as the organisation's member list shows it.</summary>
[GenerateSerializer, Immutable, Alias("cc.OrganisationMember.v1")]
public sealed record OrganisationMember(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] OrganisationRole Role,
    [property: Id(3)] DateTimeOffset Since);

/// <summary>
/// The member list of one organisation (key: its participant id), kept by the members' account grains, which own the
/// memberships: each account writes its own membership first, then tells the list. Calls no other grain.
/// </summary>
public interface IOrganisationMembersGrain : IGrainWithStringKey
{
    /// <summary>Adds or updates a member; repeating it is a no-op.</summary>
    Task Set(OrganisationMember member);

    /// <summary>Removes a member; removing one that is not there is a no-op.</summary>
    Task Remove(string accountId);

    /// <summary>The members, owners first, then by name.</summary>
    Task<IReadOnlyList<OrganisationMember>> List();
}
