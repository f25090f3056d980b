using CivicContracting.Accounts;
using CivicContracting.Following;
using CivicContracting.Participants;
using CivicContracting.Web.Api;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicContracting.Web.Accounts;

public sealed record AntiforgeryTokenView(string HeaderName, string Token);

/// <summary>Everything the platform holds about a person: the account's record, what they follow, their feed and e-mail setting.</summary>
public sealed record PersonalDataExport(
    AccountView Account,
    SignInState SignIn,
    ParticipantProfile? Participant,
    ParticipantPrivateDetails? ParticipantDetails,
    IReadOnlyList<CivicContracting.Commitments.CommitmentView> Commitments,
    IReadOnlyList<MembershipExport> Memberships,
    IReadOnlyList<AccessTokenInfo> AccessTokens,
    FollowingView Following,
    EmailNotifications EmailNotifications,
    IReadOnlyList<FeedItem> Feed,
    DateTimeOffset ExportedAt);

public sealed record RoleChange(PlatformRole Role);

/// <summary>What a person changes about their account with PATCH /api/me: their language (nl, fr or en).</summary>
public sealed record AccountChange(string? Language);

/// <summary>A request for a mailed one-time sign-in link.</summary>
public sealed record SignInLinkRequest(string LoginName);

/// <summary>The account id and code of a mailed link (sign-in or address verification), as the link carries them.</summary>
public sealed record MailedLink(string Account, string Code);

/// <summary>A membership to set: the person is named by their login name, which members tell each other.</summary>
public sealed record MembershipChange(string LoginName, OrganisationRole Role);

public sealed record MemberView(string AccountId, string DisplayName, OrganisationRole Role, DateTimeOffset Since);

/// <summary>
/// Accounts over HTTP: sign-up, sessions, the person's own data (export, deletion), access tokens, organisations and
/// their members, and platform roles (administrators). The writes only translate JSON to the account commands
/// (<see cref="AddResidentCommand"/>, <see cref="CreateAccessTokenCommand"/>, <see cref="SetMemberCommand"/>, …), which the
/// account pages call too.
/// </summary>
public static class AccountEndpoints
{
    public static void MapAccounts(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapGroup("/api").WithTags("Accounts");

        accounts.MapPost("/accounts", SignUp)
            .RequireRateLimiting(RateLimits.SignUpPolicy)
            .AcceptsJson<AccountSignUp>()
            .WithName("SignUp")
            .WithSummary("Creates a local account (and, with neighbourhoodCode, the person's resident participant under a pseudonym) and signs in with a session cookie (201). "
                + "Where e-mail verification is required (Accounts:RequireEmailVerification) and the login name is an e-mail address, answers 202 instead, "
                + "whether or not the address is registered, and the mailed link signs in.")
            .Produces<SignUpMailed>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        accounts.MapPost("/session", SignIn)
            .RequireRateLimiting(RateLimits.SignInPolicy)
            .AcceptsJson<SignInRequest>()
            .WithName("SignIn")
            .WithSummary("Signs in with login name and password; sets the session cookie. Repeated failures on a login name earn a growing wait (429 with Retry-After, "
                + "at most Accounts:MaxSignInDelay), never a lockout; POST /api/session/link mails a one-time sign-in link instead.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        accounts.MapPost("/session/link", RequestSignInLink)
            .RequireRateLimiting(RateLimits.SignInPolicy)
            .AcceptsJson<SignInLinkRequest>()
            .WithName("RequestSignInLink")
            .WithSummary("Mails a one-time sign-in link (valid Accounts:SignInLinkLifetime) to the account's e-mail address. Always 202, whether or not the login name exists.")
            .Produces<SignUpMailed>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem();

        accounts.MapPost("/session/link/redeem", RedeemSignInLink)
            .RequireRateLimiting(RateLimits.SignInPolicy)
            .AcceptsJson<MailedLink>()
            .WithName("RedeemSignInLink")
            .WithSummary("Signs in with the account id and code of a mailed sign-in link (once, before it expires); sets the session cookie.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        accounts.MapPost("/accounts/verify-email", VerifyEmail)
            .RequireRateLimiting(RateLimits.SignInPolicy)
            .AcceptsJson<MailedLink>()
            .WithName("VerifyEmail")
            .WithSummary("Verifies the account's e-mail address with the account id and code of the mailed verification link, and signs in.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        accounts.MapDelete("/session", (Delegate)SignOut)
            .WithName("SignOut")
            .WithSummary("Ends the session.");

        accounts.MapGet("/session/antiforgery", Antiforgery)
            .WithName("GetAntiforgeryToken")
            .WithSummary($"The token a browser session sends in the {ApiAntiforgery.HeaderName} header with API writes.");

        var me = accounts.MapGroup("/me").RequireSignedIn();
        me.MapGet("/", Me).WithName("GetMyAccount").WithSummary("The signed-in person's account: roles, own participant, memberships.");
        me.MapPatch("/", Change).AcceptsJson<AccountChange>().WithName("ChangeMyAccount")
            .WithSummary("Changes the person's language (nl, fr or en): their e-mails and feed are in it, and the site's pages unless they pick another language there.")
            .ProducesValidationProblem();
        me.MapGet("/export", Export).WithName("ExportMyData").WithSummary("Everything the platform holds about the signed-in person, as one JSON download.");
        me.MapDelete("/", Delete).WithName("DeleteMyAccount")
            .WithSummary("Deletes the account (session only): name, e-mail, login and tokens are erased; the person's commitments stay as anonymous contributions, so no aggregate changes.");
        me.MapPost("/participant", AddResident).AcceptsJson<ResidentSignUp>().WithName("AddMyParticipant")
            .WithSummary("Creates the person's own resident participant (one per account), shown under a pseudonym unless showNamePublicly.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        me.MapPost("/organisations", AddOrganisation).AcceptsJson<OrganisationSignUp>().WithName("AddMyOrganisation")
            .WithSummary("Registers an organisation (school, business, organisation, city, knowledge institution); the person becomes its owner.")
            .ProducesValidationProblem();
        me.MapGet("/tokens", ListTokens).WithName("ListMyAccessTokens").WithSummary("The person's personal access tokens (never their secrets).");
        me.MapPost("/tokens", CreateToken).AcceptsJson<AccessTokenCreation>().WithName("CreateAccessToken")
            .WithSummary("Creates a named, scoped personal access token (session only). The token is in the answer once and never again.")
            .ProducesValidationProblem();
        me.MapDelete("/tokens/{tokenId}", RevokeToken).WithName("RevokeAccessToken").WithSummary("Revokes one of the person's tokens (session only).");

        var organisations = app.MapGroup("/api/participants/{organisationId}/members").WithTags("Accounts").RequireSignedIn();
        organisations.MapGet("/", Members).WithName("ListMembers").WithSummary("Members of an organisation (its members, the support team and administrators).");
        organisations.MapPost("/", SetMember).AcceptsJson<MembershipChange>().WithName("SetMember")
            .WithSummary("Adds a person (by login name) to an organisation as owner or member, or changes their role (owners and administrators).");
        organisations.MapDelete("/{accountId}", RemoveMember).WithName("RemoveMember").WithSummary("Removes a member (owners and administrators; members may leave).");

        var roles = app.MapGroup("/api/accounts/{accountId}/roles").WithTags("Accounts").RequireSignedIn();
        roles.MapPost("/", GrantRole).AcceptsJson<RoleChange>().WithName("GrantRole").WithSummary("Grants a platform role: coach, moderator or administrator (administrators and the operator token).");
        roles.MapDelete("/{role}", RevokeRole).WithName("RevokeRole").WithSummary("Revokes a platform role (administrators and the operator token).");
    }

    public static async Task<Results<Created<AccountView>, Accepted<SignUpMailed>>> SignUp(HttpContext context, AccountService accounts, TimeProvider clock)
    {
        var body = await JsonBody.ReadAsync<AccountSignUp>(context);
        // Without "language", the person's language is the one the request asks for (nl when it asks for none).
        var result = await accounts.SignUpAsync(body with { Language = body.Language ?? Texts.SiteCultureProvider.RequestedLanguage(context.Request) });
        if (result.Account is not { } account)
            return TypedResults.Accepted((string?)null, new SignUpMailed("check-your-mailbox", AccountService.MailedDetail));
        await context.SignInAsync(Authentication.SessionScheme, Authentication.PrincipalFor(account, ActorKind.Session, clock.GetUtcNow()));
        return TypedResults.Created("/api/me", account);
    }

    public static async Task<Ok<AccountView>> SignIn(HttpContext context, AccountService accounts, TimeProvider clock)
    {
        var body = await JsonBody.ReadAsync<SignInRequest>(context);
        var account = await accounts.SignInAsync(body, RateLimits.ClientAddress(context));
        await context.SignInAsync(Authentication.SessionScheme, Authentication.PrincipalFor(account, ActorKind.Session, clock.GetUtcNow()));
        return TypedResults.Ok(account);
    }

    public static async Task<Accepted<SignUpMailed>> RequestSignInLink(HttpContext context, AccountService accounts)
    {
        var body = await JsonBody.ReadAsync<SignInLinkRequest>(context);
        await accounts.RequestSignInLinkAsync(body.LoginName);
        return TypedResults.Accepted((string?)null, new SignUpMailed("check-your-mailbox", AccountService.MailedDetail));
    }

    public static async Task<Ok<AccountView>> RedeemSignInLink(HttpContext context, AccountService accounts, TimeProvider clock)
    {
        var body = await JsonBody.ReadAsync<MailedLink>(context);
        var account = await accounts.RedeemSignInLinkAsync(body.Account, body.Code) ?? throw LinkRefused();
        await context.SignInAsync(Authentication.SessionScheme, Authentication.PrincipalFor(account, ActorKind.Session, clock.GetUtcNow()));
        return TypedResults.Ok(account);
    }

    public static async Task<Ok<AccountView>> VerifyEmail(HttpContext context, AccountService accounts, TimeProvider clock)
    {
        var body = await JsonBody.ReadAsync<MailedLink>(context);
        var account = await accounts.VerifyEmailAsync(body.Account, body.Code) ?? throw LinkRefused();
        await context.SignInAsync(Authentication.SessionScheme, Authentication.PrincipalFor(account, ActorKind.Session, clock.GetUtcNow()));
        return TypedResults.Ok(account);
    }

    private static ApiProblemException LinkRefused() =>
        new(StatusCodes.Status401Unauthorized, "Link not valid", "This link is not valid (any more): a link works once and expires. Ask for a new one.");

    public static async Task<NoContent> SignOut(HttpContext context)
    {
        await context.SignOutAsync(Authentication.SessionScheme);
        return TypedResults.NoContent();
    }

    public static Ok<AntiforgeryTokenView> Antiforgery(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new AntiforgeryTokenView(ApiAntiforgery.HeaderName, tokens.RequestToken!));
    }

    public static async Task<Ok<AccountView>> Me(HttpContext context, Access access) =>
        TypedResults.Ok((await access.RequireAccountAsync(context)).Account!);

    public static async Task<Ok<AccountView>> Change(HttpContext context, Access access, SetLanguageCommand command)
    {
        var actor = SetLanguageCommand.Authorise(await access.ActorAsync(context));
        var body = await JsonBody.ReadAsync<AccountChange>(context);
        var account = await command.RunAsync(actor, body.Language);
        await command.RefreshSessionAsync(context, actor, account);
        return TypedResults.Ok(account);
    }

    public static async Task<Ok<PersonalDataExport>> Export(HttpContext context, Access access, IClusterClient orleans)
    {
        var actor = await access.RequireAccountAsync(context);
        var accountId = actor.Account!.Id;
        var account = await orleans.GetGrain<IAccountGrain>(accountId).Export() ?? throw ApiProblems.NotFound("account", accountId);
        var feed = orleans.GetGrain<IFeedGrain>(accountId);
        var commitments = await Task.WhenAll(account.Commitments.Select(c => WithWholeHistoryAsync(orleans, c)));
        var export = new PersonalDataExport(account.Account, account.SignIn, account.Participant, account.ParticipantDetails, commitments,
            account.Memberships, account.AccessTokens, await orleans.GetGrain<IFollowerGrain>(accountId).GetFollowing(),
            await feed.GetEmailNotifications(), (await feed.GetPage(null, FollowRules.MaxPageSize)).Items, account.ExportedAt);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"civic-contracting-{actor.Account.Id}.json\"";
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(export);
    }

    /// <summary>
    /// The commitment with every report of its history (oldest first, as the newest are in a view): an export holds
    /// everything, though a view carries only the newest reports.
    /// </summary>
    private static async Task<CivicContracting.Commitments.CommitmentView> WithWholeHistoryAsync(IClusterClient orleans, CivicContracting.Commitments.CommitmentView view)
    {
        if (view.ReportCount <= view.Reports.Count)
            return view;
        var grain = orleans.GetGrain<CivicContracting.Commitments.ICommitmentGrain>(view.Id);
        var newestFirst = new List<CivicContracting.Commitments.ProgressReport>(view.ReportCount);
        for (var page = 1; ; page++)
        {
            var history = await grain.GetReports(page, CivicContracting.Commitments.ReportHistory.MaxPageSize);
            newestFirst.AddRange(history.Reports);
            if (history.Reports.Count < history.PageSize || newestFirst.Count >= history.TotalReports)
                break;
        }
        newestFirst.Reverse();
        return view with { Reports = newestFirst };
    }

    public static async Task<Ok<AccountDeletion>> Delete(HttpContext context, Access access, DeleteAccountCommand command)
    {
        var deletion = await command.RunAsync(await access.ActorAsync(context));
        await context.SignOutAsync(Authentication.SessionScheme);
        return TypedResults.Ok(deletion);
    }

    public static async Task<Created<AccountView>> AddResident(HttpContext context, Access access, AddResidentCommand command)
    {
        var actor = AddResidentCommand.Authorise(await access.ActorAsync(context));
        var body = await JsonBody.ReadAsync<ResidentSignUp>(context);
        var account = await command.RunAsync(actor, body);
        return TypedResults.Created($"/api/participants/{account.ParticipantId}", account);
    }

    public static async Task<Created<ParticipantProfile>> AddOrganisation(HttpContext context, Access access, AddOrganisationCommand command)
    {
        var actor = AddOrganisationCommand.Authorise(await access.ActorAsync(context));
        var body = await JsonBody.ReadAsync<OrganisationSignUp>(context);
        var (_, organisation) = await command.RunAsync(actor, body);
        return TypedResults.Created($"/api/participants/{organisation.Id}", organisation);
    }

    public static async Task<Ok<IReadOnlyList<AccessTokenInfo>>> ListTokens(HttpContext context, Access access, IClusterClient orleans)
    {
        var actor = await access.RequireAccountAsync(context);
        return TypedResults.Ok(await orleans.GetGrain<IAccountGrain>(actor.Account!.Id).ListAccessTokens());
    }

    public static async Task<Created<CreatedAccessToken>> CreateToken(HttpContext context, Access access, CreateAccessTokenCommand command)
    {
        var actor = CreateAccessTokenCommand.Authorise(await access.ActorAsync(context));
        var body = await JsonBody.ReadAsync<AccessTokenCreation>(context);
        var created = await command.RunAsync(actor, body);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/api/me/tokens/{created.Info.TokenId}", created);
    }

    public static async Task<Ok<AccessTokenInfo>> RevokeToken(string tokenId, HttpContext context, Access access, RevokeAccessTokenCommand command) =>
        TypedResults.Ok(await command.RunAsync(await access.ActorAsync(context), tokenId));

    public static async Task<Ok<IReadOnlyList<MemberView>>> Members(string organisationId, HttpContext context, Access access, IClusterClient orleans)
    {
        await Organisations.RequireAsync(orleans, organisationId);
        await access.RequireForParticipantAsync(context, organisationId, ParticipantRight.ReadPrivate);
        var directory = await orleans.GetGrain<IOrganisationMembersGrain>(organisationId).List();
        return TypedResults.Ok<IReadOnlyList<MemberView>>([.. directory.Select(m => new MemberView(m.AccountId, m.DisplayName, m.Role, m.Since))]);
    }

    public static async Task<Ok<MemberView>> SetMember(string organisationId, HttpContext context, Access access, SetMemberCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), organisationId);
        var body = await JsonBody.ReadAsync<MembershipChange>(context);
        var account = await command.RunAsync(permit, body.LoginName, body.Role);
        var membership = account.Memberships.Single(m => m.OrganisationId == permit.OrganisationId);
        return TypedResults.Ok(new MemberView(account.Id, account.DisplayName, membership.Role, membership.Since));
    }

    public static async Task<NoContent> RemoveMember(string organisationId, string accountId, HttpContext context, Access access, RemoveMemberCommand command)
    {
        await command.RunAsync(await access.ActorAsync(context), organisationId, accountId);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<AccountView>> GrantRole(string accountId, HttpContext context, Access access, GrantRoleCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), accountId);
        var body = await JsonBody.ReadAsync<RoleChange>(context);
        return TypedResults.Ok(await command.RunAsync(permit, body.Role));
    }

    public static async Task<Ok<AccountView>> RevokeRole(string accountId, string role, HttpContext context, Access access, RevokeRoleCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), accountId);
        return TypedResults.Ok(await command.RunAsync(permit, EnumNames.Require<PlatformRole>(role, "role")));
    }
}
