using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using CivicContracting.Accounts;
using CivicContracting.Validation;
using CivicContracting.Web.Api;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace CivicContracting.Web.Accounts;

/// <summary>
/// Sign-in through an OpenID Connect provider, e.g. the city's identity provider (configuration section
/// "Accounts:Oidc"; off while <see cref="Authority"/> is empty). Authorization code flow with PKCE.
/// </summary>
public sealed class OidcOptions : IValidatableObject
{
    public const string SectionName = "Accounts:Oidc";

    /// <summary>The provider's issuer URL; its discovery document is read from /.well-known/openid-configuration.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The button's text on the sign-in page; unset, the site's own text in the page's language (Account.SignInWithCity).</summary>
    [StringLength(100, MinimumLength = 1)]
    public string? DisplayName { get; set; }

    /// <summary>Plain-HTTP metadata is for a local test provider only.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Authority);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsEnabled)
            yield break;
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && (RequireHttpsMetadata || authority.Scheme != Uri.UriSchemeHttp)))
            yield return new ValidationResult("Accounts:Oidc:Authority must be the provider's https:// issuer URL (http:// only with Accounts:Oidc:RequireHttpsMetadata=false, for a local test provider).", [nameof(Authority)]);
        if (string.IsNullOrWhiteSpace(ClientId))
            yield return new ValidationResult("Accounts:Oidc:ClientId is required when Accounts:Oidc:Authority is set.", [nameof(ClientId)]);
    }
}

public static class OpenIdConnectSignIn
{
    public const string Scheme = "oidc";

    /// <summary>Holds the provider's answer between its callback and <see cref="CompletePath"/>; never used for anything else.</summary>
    public const string ExternalScheme = "External";

    public const string StartPath = "/account/sign-in/oidc";
    public const string CompletePath = "/account/sign-in/oidc/complete";
    public const string CallbackPath = "/account/sign-in/oidc/callback";

    public static WebApplicationBuilder AddCivicContractingOpenIdConnect(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OidcOptions>().Bind(builder.Configuration.GetSection(OidcOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        var oidc = SettingsValidation.BindAndValidate<OidcOptions>(builder.Configuration, OidcOptions.SectionName);
        if (!oidc.IsEnabled)
            return builder;
        builder.Services.AddAuthentication()
            .AddCookie(ExternalScheme, o =>
            {
                o.Cookie.Name = "cc_external";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddOpenIdConnect(Scheme, oidc.DisplayName, o =>
            {
                o.Authority = oidc.Authority;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret;
                o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
                o.ResponseType = OpenIdConnectResponseType.Code;
                // Query: the code comes back on a top-level GET, so Lax cookies suffice (no SameSite=None form post).
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.SignInScheme = ExternalScheme;
                o.CallbackPath = CallbackPath;
                o.MapInboundClaims = false;
                o.SaveTokens = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email" })
                    o.Scope.Add(scope);
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Events.OnRemoteFailure = context =>
                {
                    context.Response.Redirect(SitePathsSignInFailed);
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        return builder;
    }

    private const string SitePathsSignInFailed = "/account/sign-in?failed=oidc";

    public static void MapOpenIdConnectSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(StartPath, (string? returnUrl) => Results.Challenge(
            new AuthenticationProperties { RedirectUri = $"{CompletePath}?returnUrl={Uri.EscapeDataString(ReturnUrls.Safe(returnUrl))}" }, [Scheme]))
            .ExcludeFromDescription();
        app.MapGet(CompletePath, CompleteAsync).ExcludeFromDescription();
    }

    /// <summary>
    /// The provider said who this is (issuer + subject): find the account that owns that login, or create one, then start
    /// an ordinary session. The provider's own cookie is dropped at once.
    /// </summary>
    private static async Task<IResult> CompleteAsync(HttpContext context, IClusterClient orleans, TimeProvider clock, string? returnUrl)
    {
        var external = await context.AuthenticateAsync(ExternalScheme);
        await context.SignOutAsync(ExternalScheme);
        var subject = external.Principal?.FindFirstValue("sub");
        var issuer = external.Principal?.FindFirst("sub")?.Issuer;
        if (!external.Succeeded || string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(issuer))
            return Results.Redirect(SitePathsSignInFailed);

        var accountId = await orleans.GetGrain<ILoginGrain>(LoginKeys.External(issuer, subject)).GetAccountId();
        AccountView? account;
        if (accountId is not null)
        {
            var grain = orleans.GetGrain<IAccountGrain>(accountId);
            var state = await grain.RecordSignInSuccess();
            account = state.IsLockedOut ? null : await grain.Get();
        }
        else
        {
            var name = external.Principal!.FindFirstValue("name") ?? external.Principal.FindFirstValue("email") ?? "Deelnemer";
            var email = external.Principal.FindFirstValue("email");
            try
            {
                account = await orleans.GetGrain<IAccountGrain>(ApiIds.New("a")).Register(new AccountRegistration(
                    name.Length > InputRules.MaxNameLength ? name[..InputRules.MaxNameLength] : name,
                    email is { Length: <= AccountRules.MaxEmailLength } && email.Contains('@', StringComparison.Ordinal) ? email : null,
                    External: new ExternalLogin(issuer, subject), Language: Texts.SiteCultureProvider.RequestedLanguage(context.Request)));
            }
            catch (StateConflictException)
            {
                // Two first sign-ins at once: the other one created the account.
                var owner = await orleans.GetGrain<ILoginGrain>(LoginKeys.External(issuer, subject)).GetAccountId();
                account = owner is null ? null : await orleans.GetGrain<IAccountGrain>(owner).Get();
            }
        }
        if (account is null)
            return Results.Redirect(SitePathsSignInFailed);
        await context.SignInAsync(Authentication.SessionScheme, Authentication.PrincipalFor(account, ActorKind.Session, clock.GetUtcNow()));
        return Results.LocalRedirect(ReturnUrls.Safe(returnUrl));
    }
}
