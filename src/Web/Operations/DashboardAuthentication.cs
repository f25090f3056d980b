using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Operations;

/// <summary>
/// Operator authorisation for the dashboard. A browser cannot put a bearer token on a page it navigates to, so the dashboard
/// also takes HTTP Basic credentials whose password is the operator token (any user name): the browser asks for them once
/// and sends them with every request of the dashboard, including its polling. <c>Authorization: Bearer &lt;token&gt;</c>
/// works as everywhere else. Use it over HTTPS (behind the ingress) like the token itself.
/// </summary>
public static class DashboardAuthentication
{
    public const string Scheme = "OperatorDashboard";
    public const string Policy = "operator-dashboard";

    public static IServiceCollection AddDashboardAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, DashboardAuthenticationHandler>(Scheme, _ => { });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireRole(Authentication.OperatorRole));
        return services;
    }
}

public sealed class DashboardAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OperatorToken token)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return Task.FromResult(AuthenticateResult.NoResult());
        string? candidate = null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            candidate = header["Bearer ".Length..].Trim();
        else if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                candidate = colon < 0 ? null : decoded[(colon + 1)..];
            }
            catch (FormatException)
            {
                return Task.FromResult(AuthenticateResult.Fail("The Basic credentials are not base64."));
            }
        }
        if (candidate is null || !token.Matches(candidate))
            return Task.FromResult(AuthenticateResult.Fail("The credentials do not carry the operator token."));

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator"), new Claim(ClaimTypes.Role, Authentication.OperatorRole)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"Civic Contracting operators\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }
}
