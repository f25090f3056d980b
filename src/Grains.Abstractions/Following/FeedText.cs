using System.Globalization;
using System.Resources;

namespace CivicContracting.Following;

/// <summary>
/// The words of feed events, in each reader's language: FeedText.resx (Dutch, the neutral resources), FeedText.fr.resx and
/// FeedText.en.resx. The site's pages, the API and the notification e-mails all make a <see cref="FeedDetail"/> into text
/// here, with the reader's culture given explicitly (grains never run in a person's culture).
/// </summary>
public static class FeedText
{
    private static readonly ResourceManager Texts = new(typeof(FeedText));

    private static readonly TimeZoneInfo Leuven = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    /// <summary>The event's summary in <paramref name="culture"/>; an event without a detail (stored before) as it was written.</summary>
    public static string Summary(FeedEvent feedEvent, CultureInfo culture) =>
        feedEvent.Detail is { } detail && Render(detail, culture) is { } text ? text : feedEvent.Summary;

    /// <summary>The detail's text in <paramref name="culture"/>; null for a key these texts do not know (a newer event).</summary>
    public static string? Render(FeedDetail detail, CultureInfo culture)
    {
        if (Texts.GetString(detail.Key, culture) is not { } format)
            return null;
        var arguments = detail.Arguments.Select(a => Argument(a, culture)).ToArray<object?>();
        return string.Format(culture, format, arguments);
    }

    /// <summary>What kind of change it was ("progress reported"), for a line of a notification e-mail.</summary>
    public static string Kind(FeedEventKind kind, CultureInfo culture) =>
        Texts.GetString("Kind." + kind, culture) ?? Texts.GetString("Kind.Other", culture)!;

    /// <summary>A detail with its arguments (see the keys in FeedText.resx).</summary>
    public static FeedDetail Detail(string key, params FeedArgument[] arguments) => new(key, arguments);

    /// <summary>A person's own text, shown as written.</summary>
    public static FeedArgument Text(string text) => new(Text: text);

    public static FeedArgument Number(double number) => new(Number: number);

    public static FeedArgument Date(DateTimeOffset date) => new(Date: date);

    /// <summary>A word these texts translate, such as "Level.Result".</summary>
    public static FeedArgument Word(string key) => new(Word: key);

    private static string Argument(FeedArgument argument, CultureInfo culture) =>
        argument.Text
        ?? argument.Number?.ToString("#,0.##########", culture)
        ?? (argument.Date is { } date ? TimeZoneInfo.ConvertTime(date, Leuven).ToString("d MMMM yyyy", culture) : null)
        ?? (argument.Word is { } word ? Texts.GetString(word, culture) ?? word : "");
}
