using System.Globalization;
using CivicContracting.Accounts;
using CivicContracting.Following;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;
using Microsoft.AspNetCore.Identity;

namespace CivicContracting.Web.Accounts;

/// <summary>A new local account, as the sign-up form and POST /api/accounts send it.</summary>
public sealed record AccountSignUp(
    string DisplayName,
    string LoginName,
    string Password,
    string? Email = null,
    string? NeighbourhoodCode = null,
    string? Pseudonym = null,
    bool ShowNamePublicly = false);

public sealed record SignInRequest(string LoginName, string Password);

/// <summary>A new resident participant for the signed-in person (their own, one per account).</summary>
public sealed record ResidentSignUp(string NeighbourhoodCode, string? Pseudonym = null, bool ShowNamePublicly = false);

/// <summary>A new organisation the signed-in person registers and then owns.</summary>
public sealed record OrganisationSignUp(ParticipantKind Kind, string Name, string NeighbourhoodCode, string? ContactEmail = null, string? ContactPhone = null);

public sealed record AccessTokenCreation(string Name, IReadOnlyList<string> Scopes, int? ExpiresInDays = null);

/// <summary>A created token: <see cref="Token"/> is shown this once and never again.</summary>
public sealed record CreatedAccessToken(string Token, AccessTokenInfo Info);

/// <summary>The person's local account, passwords hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>.</summary>
public sealed class LocalAccount;

/// <summary>
/// Accounts as the site and the API use them: sign-up, sign-in with lockout, the person's own participant and
/// organisations, access tokens, export and deletion. Passwords are hashed here; the grains only ever see hashes.
/// Shared by the API endpoints and the site's forms, so both follow the same rules.
/// </summary>
public sealed partial class AccountService(IClusterClient orleans, IPasswordHasher<LocalAccount> hasher, TimeProvider clock, ILogger<AccountService> logger)
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;
    public const int DefaultTokenDays = 90;
    public const string LockedTitle = "Account locked";

    private static readonly LocalAccount User = new();

    // Verified against when a login name is unknown, so that the answer takes as long as for a wrong password.
    private readonly Lazy<string> _decoyHash = new(() => hasher.HashPassword(User, "decoy password that matches nothing"));

    public static InputRules.Errors SignUpErrors(AccountSignUp? s)
    {
        var errors = new InputRules.Errors();
        if (s is null)
            return errors.Add("", "Give displayName, loginName and password.");
        errors.Text("displayName", s.DisplayName, InputRules.MaxNameLength);
        var login = s.LoginName is null ? "" : AccountRules.NormaliseLoginName(s.LoginName);
        if (login.Length < AccountRules.MinLoginNameLength || login.Length > AccountRules.MaxLoginNameLength || login.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            errors.Add("loginName", $"{AccountRules.MinLoginNameLength} to {AccountRules.MaxLoginNameLength} characters without spaces (an e-mail address works well).");
        if (s.Password is null || s.Password.Length < MinPasswordLength || s.Password.Length > MaxPasswordLength)
            errors.Add("password", $"{MinPasswordLength} to {MaxPasswordLength} characters; a sentence of a few words is easy to remember and hard to guess.");
        else if (string.Equals(AccountRules.NormaliseLoginName(s.Password), login, StringComparison.Ordinal))
            errors.Add("password", "Must differ from the login name.");
        if (s.Email is { Length: > 0 } email && (!email.Contains('@', StringComparison.Ordinal) || email.Length > AccountRules.MaxEmailLength || email.Trim() != email))
            errors.Add("email", "Must be an e-mail address.");
        if (s.NeighbourhoodCode is { Length: > 0 })
            errors.Merge(InputRules.Registration(new ParticipantRegistration(ParticipantKind.Resident, s.DisplayName ?? "", s.NeighbourhoodCode, s.Pseudonym, s.ShowNamePublicly)), "");
        return errors;
    }

    /// <summary>Creates the account and, if a neighbourhood is given, the person's resident participant. 409 when the login is taken.</summary>
    public async Task<AccountView> SignUpAsync(AccountSignUp signUp)
    {
        var errors = SignUpErrors(signUp);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);

        var accountId = ApiIds.New("a");
        var registration = new AccountRegistration(signUp.DisplayName.Trim(), string.IsNullOrWhiteSpace(signUp.Email) ? null : signUp.Email.Trim(),
            Local: new LocalLogin(signUp.LoginName, hasher.HashPassword(User, signUp.Password)));
        AccountView account;
        try
        {
            account = await orleans.GetGrain<IAccountGrain>(accountId).Register(registration);
        }
        catch (StateConflictException)
        {
            throw ApiProblems.Conflict("That login name is taken; choose another or sign in.");
        }
        // The account stands on its own: if this step fails the person signs in and adds their neighbourhood later.
        if (signUp.NeighbourhoodCode is { Length: > 0 } neighbourhood)
            account = await AddResidentAsync(account, new ResidentSignUp(neighbourhood, signUp.Pseudonym, signUp.ShowNamePublicly));
        return account;
    }

    /// <summary>The account on a correct password; otherwise 401 problem (the same answer for an unknown login as for a wrong password).</summary>
    public async Task<AccountView> SignInAsync(SignInRequest request)
    {
        const string wrong = "The login name or the password is wrong.";
        if (string.IsNullOrWhiteSpace(request?.LoginName) || string.IsNullOrEmpty(request.Password) || request.Password.Length > MaxPasswordLength)
            throw Unauthorized(wrong);
        var accountId = await orleans.GetGrain<ILoginGrain>(LoginKeys.Local(request.LoginName)).GetAccountId();
        var grain = accountId is null ? null : orleans.GetGrain<IAccountGrain>(accountId);
        var credentials = grain is null ? null : await grain.GetForSignIn();
        if (grain is null || credentials?.PasswordHash is null)
        {
            hasher.VerifyHashedPassword(User, _decoyHash.Value, request.Password);
            throw Unauthorized(wrong);
        }
        if (credentials.Lockout.IsLockedOut)
            throw Locked(credentials.Lockout);

        var verdict = hasher.VerifyHashedPassword(User, credentials.PasswordHash, request.Password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var state = await grain.RecordSignInFailure();
            throw state.IsLockedOut ? Locked(state) : Unauthorized($"{wrong} {state.AttemptsBeforeLockout} more failed attempt(s) lock the account for a while.");
        }
        var after = await grain.RecordSignInSuccess();
        if (after.IsLockedOut)
            throw Locked(after);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
            await grain.SetPasswordHash(hasher.HashPassword(User, request.Password));
        return await grain.Get() ?? throw Unauthorized(wrong);
    }

    /// <summary>Creates and links the person's own resident participant (id derived from the account, so a retry is safe).</summary>
    public async Task<AccountView> AddResidentAsync(AccountView account, ResidentSignUp resident)
    {
        if (account.ParticipantId is not null)
            throw ApiProblems.Conflict($"This account already has its own participant '{account.ParticipantId}'.");
        var registration = new ParticipantRegistration(ParticipantKind.Resident, account.DisplayName, resident.NeighbourhoodCode?.Trim() ?? "",
            string.IsNullOrWhiteSpace(resident.Pseudonym) ? null : resident.Pseudonym.Trim(), resident.ShowNamePublicly, account.Email);
        var errors = InputRules.Registration(registration);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        var participantId = ResidentIdFor(account.Id);
        await orleans.GetGrain<IParticipantGrain>(participantId).Register(registration);
        var linked = await orleans.GetGrain<IAccountGrain>(account.Id).LinkParticipant(participantId);
        await FollowOwnAsync(account.Id, participantId);
        return linked;
    }

    /// <summary>Registers an organisation (anything but a resident) and makes the person its owner.</summary>
    public async Task<(AccountView Account, ParticipantProfile Organisation)> AddOrganisationAsync(AccountView account, OrganisationSignUp organisation, string? id = null)
    {
        var registration = new ParticipantRegistration(organisation.Kind, organisation.Name?.Trim() ?? "", organisation.NeighbourhoodCode?.Trim() ?? "",
            ContactEmail: organisation.ContactEmail, ContactPhone: organisation.ContactPhone);
        var errors = InputRules.Registration(registration);
        if (organisation.Kind == ParticipantKind.Resident)
            errors.Add("kind", "A resident is a person: add your own neighbourhood instead (POST /api/me/participant).");
        ApiIds.Check(errors, "id", id);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        var organisationId = id ?? ApiIds.New("p");
        var profile = await orleans.GetGrain<IParticipantGrain>(organisationId).Register(registration);
        var updated = await orleans.GetGrain<IAccountGrain>(account.Id).SetMembership(organisationId, OrganisationRole.Owner);
        await FollowOwnAsync(account.Id, organisationId);
        LogOrganisationRegistered(logger, account.Id, organisationId);
        return (updated, profile);
    }

    /// <summary>Makes the person with <paramref name="loginName"/> a member (or owner) of an organisation; 400 naming loginName when nobody signs in with it.</summary>
    public async Task<AccountView> SetMemberAsync(string organisationId, string? loginName, OrganisationRole role)
    {
        var errors = AccountRules.Membership(organisationId, role);
        if (string.IsNullOrWhiteSpace(loginName))
            errors.Add("loginName", "Name the person by the login name they sign in with.");
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        var accountId = await orleans.GetGrain<ILoginGrain>(LoginKeys.Local(loginName!)).GetAccountId()
            ?? throw ApiProblems.Invalid("loginName", "No account signs in with this login name.");
        var member = await orleans.GetGrain<IAccountGrain>(accountId).SetMembership(organisationId, role);
        await FollowOwnAsync(accountId, organisationId);
        return member;
    }

    /// <summary>
    /// A person follows the participants they act for from the start, so what happens to their commitments — a co-signer
    /// joining, a report falling due — reaches their feed. They may unfollow.
    /// </summary>
    private Task FollowOwnAsync(string accountId, string participantId) =>
        orleans.GetGrain<IFollowerGrain>(accountId).Follow(new FollowTopic(FollowTopicKind.Participant, participantId));

    public async Task<CreatedAccessToken> CreateTokenAsync(AccountView account, AccessTokenCreation creation)
    {
        var errors = new InputRules.Errors();
        if (creation is null)
            throw ApiProblems.Invalid("", "Give a name and scopes.");
        if (creation.ExpiresInDays is { } days && (days < 1 || days > 366))
            errors.Add("expiresInDays", "1 to 366 days.");
        var (tokenId, secret, token) = AccessTokenSecrets.Create();
        var request = new AccessTokenRequest(tokenId, creation.Name?.Trim() ?? "", creation.Scopes ?? [], AccountRules.HashSecret(secret),
            clock.GetUtcNow().AddDays(creation.ExpiresInDays ?? DefaultTokenDays));
        foreach (var (field, messages) in AccountRules.AccessToken(request, clock.GetUtcNow(), TimeSpan.FromDays(367)).ByField)
        {
            if (field is not ("tokenId" or "secretHash" or "expiresAt"))
                foreach (var message in messages)
                    errors.Add(field, message);
        }
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        var info = await orleans.GetGrain<IAccountGrain>(account.Id).CreateAccessToken(request);
        return new CreatedAccessToken(token, info);
    }

    /// <summary>The participant id of a person's own resident participant: derived from the account id.</summary>
    public static string ResidentIdFor(string accountId) =>
        accountId.StartsWith("a-", StringComparison.Ordinal) ? "p-" + accountId[2..] : "p-" + accountId;

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} registered organisation {OrganisationId}")]
    private static partial void LogOrganisationRegistered(ILogger logger, string accountId, string organisationId);

    private static ApiProblemException Unauthorized(string detail) =>
        new(StatusCodes.Status401Unauthorized, "Sign-in failed", detail);

    private static ApiProblemException Locked(SignInState state) =>
        new(StatusCodes.Status401Unauthorized, LockedTitle,
            string.Create(CultureInfo.InvariantCulture, $"Too many failed sign-ins: this account is locked until {state.LockedUntil:yyyy-MM-dd HH:mm} UTC. Try again then."));
}
