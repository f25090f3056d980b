using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CivicContracting.Web.Texts;

/// <summary>
/// Chooses each request's language. Pages: <c>?culture=</c>, then the language cookie the switcher sets, then the
/// signed-in person's own language (their account's, carried in the session), then <c>Accept-Language</c>, else Dutch.
/// The API (<c>/api/*</c>): <c>?culture=</c>, then <c>Accept-Language</c>, else English, so that machine clients and
/// existing integrators that send no header keep getting English messages.
/// ASP.NET Core's own providers match "fr" only to a culture named "fr"; this one maps every code to the site's cultures.
/// </summary>
public sealed class SiteCultureProvider : RequestCultureProvider
{
    public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var isApi = request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
        var culture = Chosen(request, isApi);
        if (culture is null && !isApi && !Path.HasExtension(request.Path.Value))
            culture = await AccountLanguageAsync(httpContext);
        culture ??= FromAcceptLanguage(request.Headers.AcceptLanguage);
        if (culture is null && isApi)
            culture = SiteCulture.English;
        return culture is null ? null : new ProviderCultureResult(culture.Name);
    }

    /// <summary>
    /// The language a request asks for itself — <c>?culture=</c>, the switcher's cookie (pages), <c>Accept-Language</c> — as
    /// nl, fr or en; null when it asks for none (not the API's English default). A new account starts in this language.
    /// </summary>
    public static string? RequestedLanguage(HttpRequest request)
    {
        var isApi = request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
        return (Chosen(request, isApi) ?? FromAcceptLanguage(request.Headers.AcceptLanguage))?.TwoLetterISOLanguageName;
    }

    private static System.Globalization.CultureInfo? Chosen(HttpRequest request, bool isApi)
    {
        var culture = SiteCulture.Match(request.Query[SiteCulture.QueryName].FirstOrDefault());
        if (culture is null && !isApi)
            culture = SiteCulture.Match(request.Cookies[SiteCulture.CookieName]);
        return culture;
    }

    /// <summary>
    /// The signed-in person's language, from their session (no grain call: the session carries it in
    /// <see cref="SiteCulture.LanguageClaim"/> and is renewed when the person changes it). Localization runs before the
    /// authentication middleware; the handler keeps this answer for the rest of the request, so the session is read once.
    /// Files (a path with an extension) are not pages and skip it.
    /// </summary>
    private static async Task<System.Globalization.CultureInfo?> AccountLanguageAsync(HttpContext httpContext)
    {
        var signedIn = await httpContext.AuthenticateAsync();
        return signedIn.Succeeded ? SiteCulture.Match(signedIn.Principal.FindFirst(SiteCulture.LanguageClaim)?.Value) : null;
    }

    /// <summary>The first supported language in the header's order of preference (q-values honoured).</summary>
    private static System.Globalization.CultureInfo? FromAcceptLanguage(StringValues header)
    {
        if (StringValues.IsNullOrEmpty(header) || !StringWithQualityHeaderValue.TryParseList(header, out var languages))
            return null;
        return languages
            .Where(l => l.Quality is not 0)
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => SiteCulture.Match(l.Value.Value))
            .FirstOrDefault(c => c is not null);
    }
}
