using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace CivicContracting.Web.Texts;

/// <summary>
/// The site speaks Dutch, French and English, each with Belgian formats (decimal comma, day-month-year); Dutch is the
/// default. Texts live in Texts/SiteText.resx (Dutch, the neutral default), SiteText.fr.resx and SiteText.en.resx:
/// fr-BE and en-BE fall back to their parents fr and en, and a key missing there falls back to the Dutch text.
/// <see cref="SiteCultureProvider"/> chooses the culture of each request.
/// </summary>
public static class SiteCulture
{
    public static readonly CultureInfo Default = CultureInfo.GetCultureInfo("nl-BE");

    public static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-BE");

    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-BE");

    /// <summary>In the switcher's order.</summary>
    public static readonly CultureInfo[] Supported = [Default, French, English];

    /// <summary>The strictly necessary cookie that remembers the language a person picked in the switcher.</summary>
    public const string CookieName = "cc_language";

    /// <summary>How long the language cookie is kept.</summary>
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromDays(365);

    /// <summary>The claim of a signed-in person's language (nl, fr, en), which pages speak when the person picked no other.</summary>
    public const string LanguageClaim = "cc:lang";

    /// <summary>The query parameter that picks the language of one request (?culture=fr-BE or ?culture=fr).</summary>
    public const string QueryName = "culture";

    /// <summary>Leuven's time zone: a date a person picks ("before 30 June") ends at midnight there.</summary>
    public static readonly TimeZoneInfo TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    /// <summary>
    /// Chooses the request's culture and says it in <c>Content-Language</c>. The header is set as the response starts, not
    /// by ASP.NET Core's ApplyCurrentCultureToResponseHeaders: the exception handler clears the headers of a failed
    /// request before it writes the problem or error page, and those answers are in the chosen language too.
    /// </summary>
    public static IApplicationBuilder UseSiteCulture(this IApplicationBuilder app)
    {
        app.UseRequestLocalization(Options());
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                if (context.Features.Get<IRequestCultureFeature>() is { } chosen)
                    context.Response.Headers.ContentLanguage = chosen.RequestCulture.UICulture.Name;
                return Task.CompletedTask;
            });
            return next(context);
        });
    }

    public static RequestLocalizationOptions Options()
    {
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Default),
            SupportedCultures = Supported,
            SupportedUICultures = Supported,
            FallBackToParentCultures = true,
            FallBackToParentUICultures = true,
        };
        options.RequestCultureProviders.Clear();
        options.RequestCultureProviders.Add(new SiteCultureProvider());
        return options;
    }

    /// <summary>
    /// The supported culture for a code a person or browser gives: "fr-BE", "fr", "FR", "fr-FR" and "fr-CA" all mean
    /// French (Belgian formats: the site is Belgian). Null for a language the site does not speak.
    /// </summary>
    public static CultureInfo? Match(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
            return null;
        var trimmed = code.Trim();
        var language = trimmed.Split('-', '_')[0];
        return Supported.FirstOrDefault(c => string.Equals(c.Name, trimmed, StringComparison.OrdinalIgnoreCase))
            ?? Supported.FirstOrDefault(c => string.Equals(c.TwoLetterISOLanguageName, language, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The culture name for the html lang attribute (nl-BE, fr-BE, en-BE).</summary>
    public static string Language => CultureInfo.CurrentUICulture.Name;

    /// <summary>The two-letter language (nl, fr, en): hreflang and the switcher's codes.</summary>
    public static string TwoLetterLanguage => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
}
