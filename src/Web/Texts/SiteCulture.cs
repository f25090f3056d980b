using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace CivicContracting.Web.Texts;

/// <summary>
/// The site speaks Dutch (Belgium) by default. Texts live in Texts/SiteText*.resx: a French or English file
/// added there, with its culture listed in <see cref="Supported"/>, is picked by ?culture= or the browser's language.
/// </summary>
public static class SiteCulture
{
    public static readonly CultureInfo Default = CultureInfo.GetCultureInfo("nl-BE");

    public static readonly CultureInfo[] Supported = [Default, ApiCultureProvider.French, ApiCultureProvider.English];

    /// <summary>Leuven's time zone: a date a person picks ("before 30 June") ends at midnight there.</summary>
    public static readonly TimeZoneInfo TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    public static RequestLocalizationOptions Options() => new()
    {
        DefaultRequestCulture = new RequestCulture(Default),
        SupportedCultures = Supported,
        SupportedUICultures = Supported,
        FallBackToParentCultures = true,
        FallBackToParentUICultures = true,
        // First: the API answers by Accept-Language, in English without one (the site's pages fall through to the rest).
        RequestCultureProviders = [new ApiCultureProvider(), new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()],
    };

    /// <summary>The two-letter language for the html lang attribute.</summary>
    public static string Language => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
}
