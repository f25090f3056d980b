using System.Globalization;
using CivicContracting.Accounts;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Accounts;

/// <summary>
/// A new local account, as the sign-up form and POST /api/accounts send it. <see cref="Language"/> (nl, fr, en) is the
/// person's language for their e-mails, feed and pages; when not given, the language of the sign-up request.
/// </summary>
public sealed record AccountSignUp(
    string DisplayName,
    string LoginName,
    string Password,
    string? Email = null,
    string? NeighbourhoodCode = null,
    string? Pseudonym = null,
    bool ShowNamePublicly = false,
    string? Language = null);

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
/// What a sign-up led to: the new account (signed in at once), or, where e-mail verification is required and the login name
/// is an e-mail address, only "look in your mailbox" — the same whether the address was new or already registered.
/// </summary>
public sealed record SignUpResult(AccountView? Account)
{
    public bool CheckMailbox => Account is null;
}

/// <summary>The answer of a sign-up that sent a mail (202): the same for a new and for a registered address.</summary>
public sealed record SignUpMailed(string Status, string Detail);

/// <summary>
/// Authentication as the site and the API use it: sign-up and sign-in with throttling. Passwords are hashed here; the grains
/// only ever see hashes. Shared by the API endpoints and the site's forms, so both follow the same rules. What a signed-in
/// person changes afterwards goes through the account commands (<see cref="AddResidentCommand"/> and its neighbours).
/// Failed sign-ins slow down the login name from the failing address (and, past a larger number, from everywhere) with a
/// growing wait capped at <c>Accounts:MaxSignInDelay</c> (the login grain counts them): never a lockout, and the same for
/// known and unknown login names, which also get the same answer and a password hash to check.
/// </summary>
public sealed class AccountService(IClusterClient orleans, IPasswordHasher<LocalAccount> hasher, AddResidentCommand addResident, IOptions<AccountOptions> options)
{
    public const int MinPasswordLength = CredentialRules.MinPasswordLength;
    public const int MaxPasswordLength = CredentialRules.MaxPasswordLength;
    public const string ThrottledTitle = "Too many requests";
    public const string WrongDetail = "The login name or the password is wrong.";
    public const string MailedDetail = "If this address can be used, a mail with a link is on its way to it: follow that link to continue.";

    private static readonly LocalAccount User = new();

    // Verified against when a login name is unknown, so that the answer takes as long as for a wrong password.
    private readonly Lazy<string> _decoyHash = new(() => hasher.HashPassword(User, "decoy password that matches nothing"));

    public static InputRules.Errors SignUpErrors(AccountSignUp? s)
    {
        var errors = new InputRules.Errors();
        if (s is null)
            return errors.Add("", ApiText.GiveSignUpFields);
        errors.Text("displayName", s.DisplayName, InputRules.MaxNameLength);
        if (CredentialRules.CheckLoginName(s.LoginName) is { } loginIssue)
            errors.Add("loginName", CredentialRules.Describe(loginIssue));
        if (CredentialRules.CheckPassword(s.Password, s.LoginName) is { } passwordIssue)
            errors.Add("password", CredentialRules.Describe(passwordIssue));
        if (s.Language is not null)
            errors.Merge(AccountRules.Language(s.Language), "");
        if (s.Email is { Length: > 0 } email && !AccountRules.IsEmail(email))
            errors.Add("email", RuleText.EmailAddress);
        if (s.NeighbourhoodCode is { Length: > 0 })
            errors.Merge(InputRules.Registration(new ParticipantRegistration(ParticipantKind.Resident, s.DisplayName ?? "", s.NeighbourhoodCode, s.Pseudonym, s.ShowNamePublicly)), "");
        return errors;
    }

    /// <summary>
    /// Creates the account and, if a neighbourhood is given, the person's resident participant, and mails a verification
    /// link to the address. Where verification is required and the login name is an e-mail address, nobody is signed in
    /// and a taken address gets a mail to its owner instead: the caller cannot tell the two apart. Otherwise a taken login
    /// name is a 409 (a chosen name has nobody to mail; see the README's security section).
    /// </summary>
    public async Task<SignUpResult> SignUpAsync(AccountSignUp signUp)
    {
        var errors = SignUpErrors(signUp);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);

        var loginIsAddress = AccountRules.IsEmail(signUp.LoginName.Trim());
        var email = string.IsNullOrWhiteSpace(signUp.Email) ? (loginIsAddress ? signUp.LoginName.Trim() : null) : signUp.Email.Trim();
        var mailOnly = options.Value.EmailVerificationRequired && loginIsAddress;
        var accountId = ApiIds.New("a");
        var registration = new AccountRegistration(signUp.DisplayName.Trim(), email,
            Local: new LocalLogin(signUp.LoginName, hasher.HashPassword(User, signUp.Password)), Language: signUp.Language);
        var grain = orleans.GetGrain<IAccountGrain>(accountId);
        AccountView account;
        try
        {
            account = await grain.Register(registration);
        }
        catch (StateConflictException) when (mailOnly)
        {
            // Tell the owner, not the one who asked.
            if (await orleans.GetGrain<ILoginGrain>(LoginKeys.Local(signUp.LoginName)).GetAccountId() is { } owner)
                await orleans.GetGrain<IAccountGrain>(owner).MailSignInLink(becauseOfSignUp: true);
            return new SignUpResult(null);
        }
        catch (StateConflictException)
        {
            throw ApiProblems.Conflict(ApiText.LoginTaken);
        }
        // The account stands on its own: if this step fails the person signs in and adds their neighbourhood later. The new
        // person adds it as they would from their session, which this sign-up opens.
        if (signUp.NeighbourhoodCode is { Length: > 0 } neighbourhood)
            account = await addResident.RunAsync(new Actor(ActorKind.Session, account, null), new ResidentSignUp(neighbourhood, signUp.Pseudonym, signUp.ShowNamePublicly));
        if (email is not null)
            await grain.MailEmailVerification();
        return new SignUpResult(mailOnly ? null : account);
    }

    /// <summary>
    /// The account on a correct password; otherwise 401 problem, the same answer for an unknown login as for a wrong password.
    /// 429 with Retry-After while this login name must wait because of recent failures from <paramref name="clientAddress"/>
    /// (or from everywhere).
    /// </summary>
    public async Task<AccountView> SignInAsync(SignInRequest request, string clientAddress)
    {
        if (string.IsNullOrWhiteSpace(request?.LoginName) || string.IsNullOrEmpty(request.Password) || request.Password.Length > MaxPasswordLength
            || request.LoginName.Length > AccountRules.MaxLoginNameLength * 2)
            throw Unauthorized();
        var login = orleans.GetGrain<ILoginGrain>(LoginKeys.Local(request.LoginName));
        var gate = await login.BeginSignIn(clientAddress);
        if (gate.RetryAfter is { } wait)
            throw Throttled(wait);
        var grain = gate.AccountId is null ? null : orleans.GetGrain<IAccountGrain>(gate.AccountId);
        var credentials = grain is null ? null : await grain.GetForSignIn();
        if (grain is null || credentials?.PasswordHash is null)
        {
            hasher.VerifyHashedPassword(User, _decoyHash.Value, request.Password);
            throw Unauthorized();
        }

        var verdict = hasher.VerifyHashedPassword(User, credentials.PasswordHash, request.Password);
        if (verdict == PasswordVerificationResult.Failed)
            throw Unauthorized(); // the login grain counted it already
        await login.RecordSignInSuccess();
        await grain.RecordSignInSuccess();
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
            await grain.SetPasswordHash(hasher.HashPassword(User, request.Password));
        var account = await grain.Get() ?? throw Unauthorized();
        // Completes a counting that a failure interrupted after the address was verified (a no-op otherwise).
        await OwnParticipants.CountAfterEmailVerifiedAsync(orleans, account);
        return account;
    }

    /// <summary>
    /// Mails a one-time sign-in link to the account of <paramref name="loginName"/>, if there is one with an address. The
    /// caller always hears the same (<see cref="MailedDetail"/>), so this does not reveal which login names exist.
    /// </summary>
    public async Task RequestSignInLinkAsync(string? loginName)
    {
        if (string.IsNullOrWhiteSpace(loginName) || loginName.Length > AccountRules.MaxLoginNameLength * 2)
            throw ApiProblems.Invalid("loginName", ApiText.GiveLoginName);
        if (await orleans.GetGrain<ILoginGrain>(LoginKeys.Local(loginName)).GetAccountId() is { } accountId)
            await orleans.GetGrain<IAccountGrain>(accountId).MailSignInLink();
    }

    /// <summary>The account of a mailed sign-in link (once, before it expires), or null.</summary>
    public Task<AccountView?> RedeemSignInLinkAsync(string? accountId, string? code) =>
        AfterLinkAsync(IsLinkShaped(accountId, code) ? orleans.GetGrain<IAccountGrain>(accountId!).RedeemSignInLink(code!) : null);

    /// <summary>The account whose address a mailed verification link verifies (once, before it expires), or null.</summary>
    public Task<AccountView?> VerifyEmailAsync(string? accountId, string? code) =>
        AfterLinkAsync(IsLinkShaped(accountId, code) ? orleans.GetGrain<IAccountGrain>(accountId!).VerifyEmail(code!) : null);

    /// <summary>A redeemed link verified the address: what the person registered before counts publicly from now on.</summary>
    private async Task<AccountView?> AfterLinkAsync(Task<AccountView?>? redeeming)
    {
        if (redeeming is null || await redeeming is not { } account)
            return null;
        await OwnParticipants.CountAfterEmailVerifiedAsync(orleans, account);
        return account;
    }

    /// <summary>The participant id of a person's own resident participant: derived from the account id.</summary>
    public static string ResidentIdFor(string accountId) =>
        accountId.StartsWith("a-", StringComparison.Ordinal) ? "p-" + accountId[2..] : "p-" + accountId;

    private static bool IsLinkShaped(string? accountId, string? code) =>
        AccountRules.Id("account", accountId).IsValid && code is { Length: > 0 and <= 100 };

    private static ApiProblemException Unauthorized() =>
        new(StatusCodes.Status401Unauthorized, "Sign-in failed", WrongDetail);

    private static ApiProblemException Throttled(TimeSpan wait) =>
        ApiProblems.TooManyAttempts(wait, string.Create(CultureInfo.InvariantCulture,
            $"Too many failed sign-ins for this login name: wait {Problems.ApiExceptionHandler.RetryAfterSeconds(wait)} s (Retry-After) and try again, or ask for a sign-in link by e-mail (POST /api/session/link)."));
}
