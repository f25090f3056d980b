using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CivicContracting.Web.Texts;

/// <summary>
/// Chooses each request's language. Pages: <c>?culture=</c>, then the language cookie the switcher sets, then
/// <c>Accept-Language</c>, else Dutch. The API (<c>/api/*</c>): <c>?culture=</c>, then <c>Accept-Language</c>, else
/// English, so that machine clients and existing integrators that send no header keep getting English messages.
/// ASP.NET Core's own providers match "fr" only to a culture named "fr"; this one maps every code to the site's cultures.
/// </summary>
public sealed class SiteCultureProvider : RequestCultureProvider
{
    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var culture = SiteCulture.Match(request.Query[SiteCulture.QueryName].FirstOrDefault());
        var isApi = request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
        if (culture is null && !isApi)
            culture = SiteCulture.Match(request.Cookies[SiteCulture.CookieName]);
        culture ??= FromAcceptLanguage(request.Headers.AcceptLanguage);
        if (culture is null && isApi)
            culture = SiteCulture.English;
        return Task.FromResult(culture is null ? null : new ProviderCultureResult(culture.Name));
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
