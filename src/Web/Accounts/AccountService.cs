using System.Globalization;
using CivicContracting.Accounts;
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
/// Authentication as the site and the API use it: sign-up and sign-in with lockout. Passwords are hashed here; the grains
/// only ever see hashes. Shared by the API endpoints and the site's forms, so both follow the same rules. What a signed-in
/// person changes afterwards goes through the account commands (<see cref="AddResidentCommand"/> and its neighbours).
/// </summary>
public sealed class AccountService(IClusterClient orleans, IPasswordHasher<LocalAccount> hasher, AddResidentCommand addResident)
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;
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
        // The account stands on its own: if this step fails the person signs in and adds their neighbourhood later. The new
        // person adds it as they would from their session, which this sign-up opens.
        if (signUp.NeighbourhoodCode is { Length: > 0 } neighbourhood)
            account = await addResident.RunAsync(new Actor(ActorKind.Session, account, null), new ResidentSignUp(neighbourhood, signUp.Pseudonym, signUp.ShowNamePublicly));
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

    /// <summary>The participant id of a person's own resident participant: derived from the account id.</summary>
    public static string ResidentIdFor(string accountId) =>
        accountId.StartsWith("a-", StringComparison.Ordinal) ? "p-" + accountId[2..] : "p-" + accountId;

    private static ApiProblemException Unauthorized(string detail) =>
        new(StatusCodes.Status401Unauthorized, "Sign-in failed", detail);

    private static ApiProblemException Locked(SignInState state) =>
        new(StatusCodes.Status401Unauthorized, LockedTitle,
            string.Create(CultureInfo.InvariantCulture, $"Too many failed sign-ins: this account is locked until {state.LockedUntil:yyyy-MM-dd HH:mm} UTC. Try again then."));
}
