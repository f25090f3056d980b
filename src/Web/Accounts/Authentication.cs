using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using CivicContracting.Accounts;
using CivicContracting.Web.Security;
using CivicContracting.Web.Site;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Accounts;

/// <summary>
/// Who a request is. Three credentials, one per kind of client:
/// <list type="bullet">
/// <item>a cookie session (<see cref="SessionScheme"/>) for people on the site, and for the API from their browser
/// with an antiforgery header on writes (<see cref="ApiAntiforgery"/>);</item>
/// <item><c>Authorization: Bearer ccp.…</c>, a personal access token an integrator creates, names, scopes and revokes;</item>
/// <item><c>Authorization: Bearer &lt;Api:OperatorToken&gt;</c>, the bootstrap credential: the platform itself (seeding,
/// the first administrator, load tests, probes of the operators' tools).</item>
/// </list>
/// Requests with an Authorization header are judged by it alone; others by their cookie.
/// </summary>
public static class Authentication
{
    public const string DefaultScheme = "Default";
    public const string SessionScheme = "Session";
    public const string TokenScheme = "Bearer";

    /// <summary>Kept for the dashboard's operator check.</summary>
    public const string OperatorRole = ActorClaims.OperatorRole;

    public const string SessionCookieName = "cc_session";

    public static IServiceCollection AddCivicContractingAuthentication(this IServiceCollection services, OperatorToken token)
    {
        services.AddSingleton(token);
        services.AddSingleton<Access>();
        services.AddAuthentication(DefaultScheme)
            .AddPolicyScheme(DefaultScheme, "Session or bearer token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? TokenScheme : SessionScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(TokenScheme, _ => { })
            .AddCookie(SessionScheme, o =>
            {
                o.Cookie.Name = SessionCookieName;
                o.Cookie.HttpOnly = true;
                // Lax: a link from elsewhere opens the site signed in; cross-site writes are refused by antiforgery.
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromDays(14);
                o.LoginPath = SitePaths.SignIn;
                o.LogoutPath = SitePaths.SignOut;
                o.AccessDeniedPath = SitePaths.ErrorPath(403);
                o.ReturnUrlParameter = "returnUrl";
                o.Events = new CookieAuthenticationEvents
                {
                    OnValidatePrincipal = SessionValidation.ValidateAsync,
                    OnRedirectToLogin = context => SitePaths.IsPage(context.Request.Path)
                        ? Redirect(context)
                        : WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized,
                            "Sign in first: a session cookie (POST /api/session) or 'Authorization: Bearer <personal access token>'."),
                    OnRedirectToAccessDenied = context => SitePaths.IsPage(context.Request.Path)
                        ? Redirect(context)
                        : WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Your account may not do this."),
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(AccessPolicies.SignedInPolicy, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(AccessPolicies.AdministratorPolicy, policy => policy.RequireRole(OperatorRole, ActorClaims.RoleName(PlatformRole.Administrator)));
        return services;
    }

    /// <summary>The principal of a session or an access token, with the account's roles at the time.</summary>
    public static ClaimsPrincipal PrincipalFor(AccountView account, ActorKind kind, DateTimeOffset now, AccessTokenGrant? token = null)
    {
        var claims = new List<Claim>
        {
            new(ActorClaims.AccountId, account.Id),
            new(ClaimTypes.Name, account.DisplayName),
            new(ActorClaims.Kind, kind.ToString()),
            new(ActorClaims.CheckedAt, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        if (account.LanguageChosen)
            claims.Add(new Claim(ActorClaims.Language, account.Language));
        claims.AddRange(account.Roles.Select(r => new Claim(ClaimTypes.Role, ActorClaims.RoleName(r))));
        if (token is not null)
        {
            claims.Add(new Claim(ActorClaims.TokenId, token.TokenId));
            claims.AddRange(token.Scopes.Select(s => new Claim(ActorClaims.Scope, s)));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, kind == ActorKind.Session ? SessionScheme : TokenScheme));
    }

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    internal static async Task WriteProblemAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
            context.Response.Headers.WWWAuthenticate = "Bearer";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = status,
                Title = status == StatusCodes.Status401Unauthorized ? "Unauthorized" : "Forbidden",
                Detail = detail,
            },
        });
    }
}

/// <summary>
/// Bearer tokens: the operator token, or a personal access token (<c>ccp.&lt;id&gt;.&lt;secret&gt;</c>) verified by its
/// grain, which keeps only the secret's SHA-256 and refuses revoked and expired tokens.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OperatorToken operatorToken,
    IClusterClient orleans,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return AuthenticateResult.NoResult();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("The Authorization header must use the Bearer scheme.");
        var presented = header[BearerPrefix.Length..].Trim();

        if (AccessTokenSecrets.TryParse(presented, out var tokenId, out var secret))
        {
            var grant = await orleans.GetGrain<IAccessTokenGrain>(tokenId).Verify(AccountRules.HashSecret(secret));
            var account = grant is null ? null : await orleans.GetGrain<IAccountGrain>(grant.AccountId).Get();
            if (grant is null || account is null)
                return AuthenticateResult.Fail("The access token is unknown, revoked or expired.");
            var principal = Authentication.PrincipalFor(account, ActorKind.AccessToken, clock.GetUtcNow(), grant);
            return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
        }
        if (!operatorToken.Matches(presented))
            return AuthenticateResult.Fail("The bearer token is neither a personal access token nor the operator token.");

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "operator"), new Claim(ActorClaims.AccountId, "operator"),
             new Claim(ActorClaims.Kind, nameof(ActorKind.Operator)), new Claim(ClaimTypes.Role, ActorClaims.OperatorRole)],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await Authentication.WriteProblemAsync(Context, StatusCodes.Status401Unauthorized,
            (result.Failure?.Message ?? "Sign in first.")
            + " Send 'Authorization: Bearer <token>' with a personal access token (POST /api/me/tokens) or, to bootstrap, the operator token (Api:OperatorToken).");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Authentication.WriteProblemAsync(Context, StatusCodes.Status403Forbidden, "Your credentials may not do this: it needs an administrator or the operator token.");
}
