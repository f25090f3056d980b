using System.Globalization;

namespace CivicContracting.Texts;

/// <summary>
/// The languages a person reads the platform in and writes their own text in: Dutch (the default), French and English,
/// each as its two-letter code. A person's account, their e-mails and feed, and the language a commitment or report was
/// written in are kept as these codes; the cultures carry Belgian formats (decimal comma, day-month-year).
/// </summary>
public static class Languages
{
    public const string Dutch = "nl";
    public const string French = "fr";
    public const string English = "en";

    /// <summary>The language of accounts and texts stored before languages were recorded.</summary>
    public const string Default = Dutch;

    /// <summary>In the switcher's order, the default first.</summary>
    public static IReadOnlyList<string> Codes { get; } = [Dutch, French, English];

    /// <summary>"nl", "fr" or "en" for a language tag such as "fr", "fr-BE", "FR" or "en_GB"; null for any other.</summary>
    public static string? Code(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
            return null;
        var primary = tag.Trim().Split('-', '_')[0].ToLowerInvariant();
        return Codes.FirstOrDefault(c => c == primary);
    }

    /// <summary>The Belgian culture of a code (nl-BE, fr-BE, en-BE); Dutch for null or a code the platform does not speak.</summary>
    public static CultureInfo Culture(string? code) => CultureInfo.GetCultureInfo((Code(code) ?? Default) + "-BE");
}
