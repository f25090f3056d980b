using CivicContracting.Web.Security;
using CivicContracting.Web.Texts;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.LanguageSwitch;

/// <summary>
/// The language switcher's links: <c>GET /language/{code}?returnUrl=/local/path</c> remembers the language in a
/// strictly necessary cookie and goes back to the page. A plain link works without script; only a path on this site
/// is followed back, anything else (another host, <c>//host</c>, <c>/\host</c>) goes to the home page, so the link can
/// never send a person elsewhere.
/// </summary>
public static class LanguageEndpoints
{
    public const string Path = "/language";

    public static string SwitchUrl(string code, string returnUrl) =>
        $"{Path}/{Uri.EscapeDataString(code)}?returnUrl={Uri.EscapeDataString(returnUrl)}";

    public static void MapLanguage(this IEndpointRouteBuilder app) =>
        app.MapGet(Path + "/{code}", Switch).ExcludeFromDescription();

    private static IResult Switch(string code, string? returnUrl, HttpContext context, IOptions<SecurityOptions> security)
    {
        var target = IsLocal(returnUrl) ? returnUrl! : "/";
        if (SiteCulture.Match(code) is { } culture)
        {
            context.Response.Cookies.Append(SiteCulture.CookieName, culture.Name, new CookieOptions
            {
                Path = "/",
                HttpOnly = true,
                IsEssential = true,
                SameSite = SameSiteMode.Lax,
                Secure = security.Value.SecureCookiesOnly || context.Request.IsHttps,
                MaxAge = SiteCulture.CookieLifetime,
            });
        }
        // Not cached: the answer sets a cookie for this visitor only.
        context.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(target);
    }

    /// <summary>A path on this site: one leading slash, not "//" or "/\" (which browsers follow to another host), no control characters.</summary>
    public static bool IsLocal(string? url) =>
        url is { Length: > 0 } u && u[0] == '/'
        && (u.Length == 1 || (u[1] != '/' && u[1] != '\\'))
        && !u.Any(char.IsControl);
}
