using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Security;

/// <summary>
/// Reads are public; writes need <c>Authorization: Bearer &lt;operator token&gt;</c>. Real accounts come in a
/// later issue; until then operators and integrators share the configured token.
/// </summary>
public static class OperatorAuthentication
{
    public const string Scheme = "OperatorToken";
    public const string Policy = "operator";
    public const string Role = "operator";

    public static IServiceCollection AddOperatorAuthentication(this IServiceCollection services, OperatorToken token)
    {
        services.AddSingleton(token);
        services.AddAuthentication(Scheme)
            .AddScheme<AuthenticationSchemeOptions, OperatorTokenHandler>(Scheme, _ => { });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireRole(Role));
        return services;
    }

    /// <summary>Marks an endpoint (or group) as a write that needs the operator token.</summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policy);
}

public sealed class OperatorTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OperatorToken token,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return Task.FromResult(AuthenticateResult.NoResult());
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.Fail("The Authorization header must use the Bearer scheme."));
        if (!token.Matches(header[BearerPrefix.Length..].Trim()))
            return Task.FromResult(AuthenticateResult.Fail("The bearer token is not the operator token."));

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator"), new Claim(ClaimTypes.Role, OperatorAuthentication.Role)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = (result.Failure?.Message ?? "This is a write and needs the operator token.")
                    + " Send 'Authorization: Bearer <token>' with the token configured at Api:OperatorToken.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = StatusCodes.Status403Forbidden, Title = "Forbidden", Detail = "This needs the operator role." },
        });
    }
}
