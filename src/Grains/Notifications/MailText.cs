using System.Globalization;
using System.Resources;
using CivicContracting.Texts;

namespace CivicContracting.Notifications;

/// <summary>
/// The words of every e-mail the platform sends, in the recipient's language: MailText.resx (Dutch, the neutral resources
/// and the language of accounts stored before languages), MailText.fr.resx and MailText.en.resx. Looked up with the
/// recipient's culture given explicitly, never the thread's: grains and the mail sender run in no person's culture.
/// The texts carry no counts that need plural forms (a link says until when it works, not for how many hours).
/// </summary>
internal static class MailText
{
    private static readonly ResourceManager Texts = new(typeof(MailText));

    private static readonly TimeZoneInfo Leuven = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    public static string Get(string key, CultureInfo culture) =>
        Texts.GetString(key, culture) ?? throw new MissingManifestResourceException($"No mail text '{key}'.");

    public static string Format(string key, CultureInfo culture, params object?[] arguments) =>
        string.Format(culture, Get(key, culture), arguments);

    /// <summary>A moment as the recipient reads it: Leuven's time, in their language's format ("8 december 2026, 14:30").</summary>
    public static string Moment(DateTimeOffset at, CultureInfo culture) =>
        TimeZoneInfo.ConvertTime(at, Leuven).ToString("d MMMM yyyy, HH:mm", culture);

    /// <summary>The culture of a language code (nl, fr, en); Dutch for none.</summary>
    public static CultureInfo Culture(string? language) => Languages.Culture(language);
}
