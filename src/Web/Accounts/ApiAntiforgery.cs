using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Antiforgery;

namespace CivicContracting.Web.Accounts;

/// <summary>
/// Cross-site request forgery protection. Forms on the site carry ASP.NET Core's antiforgery field (Razor Pages
/// check it). API writes made with the session cookie must send the token in <see cref="HeaderName"/> (read it from
/// GET /api/session/antiforgery): a cookie goes with any request a browser makes, a header only with ours. Writes with
/// a bearer token need no such header: a browser never adds one on its own.
/// </summary>
public static class ApiAntiforgery
{
    public const string HeaderName = "X-CSRF-TOKEN";
    public const string CookieName = "cc_af";

    /// <summary>Writes that need no session yet: registering, signing in.</summary>
    private static readonly string[] Exempt = ["/api/accounts", "/api/session", "/api/session/link", "/api/session/link/redeem", "/api/accounts/verify-email"];

    public static IServiceCollection AddCivicContractingAntiforgery(this IServiceCollection services) =>
        services.AddAntiforgery(o =>
        {
            o.HeaderName = HeaderName;
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

    /// <summary>After authentication: refuses a session's API write without a valid token with 400 problem+json, before any endpoint runs.</summary>
    public static IApplicationBuilder UseApiAntiforgery(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (RateLimits.IsApiWrite(context.Request)
                && context.User.FindFirst(ActorClaims.Kind)?.Value == nameof(ActorKind.Session)
                && !(HttpMethods.IsPost(context.Request.Method) && Exempt.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase))))
            {
                var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
                if (!await antiforgery.IsRequestValidAsync(context))
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                    {
                        HttpContext = context,
                        ProblemDetails =
                        {
                            Status = StatusCodes.Status400BadRequest,
                            Title = "Antiforgery token missing or invalid",
                            Detail = $"A write with the session cookie must send the header {HeaderName} with the token from GET /api/session/antiforgery. Nothing was changed.",
                        },
                    });
                    return;
                }
            }
            await next(context);
        });
}
