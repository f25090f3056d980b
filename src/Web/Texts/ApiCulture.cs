using System.Globalization;
using CivicContracting.Web.Site;
using Microsoft.AspNetCore.Localization;

namespace CivicContracting.Web.Texts;

/// <summary>
/// The language of the API (every path that is not a site page): the first language of <c>Accept-Language</c>, by
/// quality, that the platform speaks (nl, fr, en, each in its Belgian form), and English when the header is absent or
/// names none of them, so that scripts and tests that send no header keep reading English problem details. Site pages
/// are left to the other providers (Dutch by default).
/// </summary>
public sealed class ApiCultureProvider : RequestCultureProvider
{
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-BE");
    public static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-BE");

    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        if (SitePaths.IsPage(httpContext.Request.Path))
            return NullProviderCultureResult;
        var chosen = httpContext.Request.GetTypedHeaders().AcceptLanguage
            .Where(l => l.Quality is not 0)
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => Spoken(l.Value.Value))
            .FirstOrDefault(c => c is not null) ?? English;
        return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult(chosen.Name));
    }

    /// <summary>The Belgian culture of a language tag's language ("nl-NL" → nl-BE), or null for a language not spoken here.</summary>
    public static CultureInfo? Spoken(string? tag)
    {
        var language = tag?.Split('-')[0].ToLowerInvariant();
        return language switch
        {
            "nl" => SiteCulture.Default,
            "fr" => French,
            "en" => English,
            _ => null,
        };
    }
}
