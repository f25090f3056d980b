using System.Globalization;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Texts;

/// <summary>
/// CLDR cardinal plural categories for the site's languages (no ICU MessageFormat package is available for .NET here;
/// the three rules are short). Dutch and English: "one" for exactly 1, else "other". French: "one" when the integer
/// part is 0 or 1 (0, 1, 1.5), "many" for non-zero whole multiples of 1,000,000, else "other".
/// See https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html.
/// </summary>
public static class PluralRules
{
    public const string One = "one";
    public const string Many = "many";
    public const string Other = "other";

    public static string Category(CultureInfo culture, decimal count)
    {
        var n = Math.Abs(count);
        var integer = decimal.Truncate(n);
        var whole = integer == n;
        return culture.TwoLetterISOLanguageName switch
        {
            "fr" when integer is 0 or 1 => One,
            "fr" when whole && integer != 0 && integer % 1_000_000 == 0 => Many,
            "fr" => Other,
            _ when whole && integer == 1 => One,
            _ => Other,
        };
    }
}

/// <summary>
/// Plural texts: a key <c>Foo</c> with a count is written in the resource files as <c>Foo.one</c> and <c>Foo.other</c>
/// (French may add <c>Foo.many</c>; a category a language leaves out falls back to <c>Foo.other</c>).
/// <c>T.Plural(key, n)</c> picks the form for the request's language; in the text, <c>{0}</c> is the count written in
/// that language's format and <c>{1}</c>, <c>{2}</c>… are the further arguments.
/// </summary>
public static class PluralLocalizer
{
    public static LocalizedString Plural(this IStringLocalizer localizer, string key, decimal count, params object?[] arguments)
    {
        var culture = CultureInfo.CurrentUICulture;
        var category = PluralRules.Category(culture, count);
        object?[] all = [count.ToString("#,0.##", CultureInfo.CurrentCulture), .. arguments];
        var text = localizer[key + "." + category, all!];
        return text.ResourceNotFound && category != PluralRules.Other ? localizer[key + "." + PluralRules.Other, all!] : text;
    }
}
