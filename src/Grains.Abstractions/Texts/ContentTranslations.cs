using System.Globalization;

namespace CivicContracting.Texts;

/// <summary>
/// The languages the city writes its content in (goals, objectives, co-creation sessions): Dutch, French and English.
/// Content stored before translations has no language recorded: it is Dutch, Leuven's language.
/// </summary>
public static class ContentLanguage
{
    public const string Dutch = "nl";
    public const string French = "fr";
    public const string English = "en";

    /// <summary>The languages, Dutch (the default original) first.</summary>
    public static IReadOnlyList<string> All { get; } = [Dutch, French, English];

    public static bool IsSupported(string? code) => code is Dutch or French or English;

    /// <summary>The language of an original text: the one recorded, else Dutch.</summary>
    public static string OriginalOf(string? recorded) => recorded ?? Dutch;

    /// <summary>"nl", "fr" or "en" for a culture such as nl-BE, fr-BE or en-BE; Dutch for any other.</summary>
    public static string Of(CultureInfo culture) =>
        culture.TwoLetterISOLanguageName is var code && IsSupported(code) ? code : Dutch;
}

/// <summary>
/// The translations of one text the city writes (a goal's title, a session's title): the text in the other languages
/// than the original's. The original stays in the field it always had; this sits beside it, so content stored before
/// translations loads unchanged (no translations: the original for everyone). A record of strings, so two equal sets
/// of translations compare equal (a repeated definition stays a no-op).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.ContentTranslations.v1")]
public sealed record ContentTranslations(
    [property: Id(0)] string? Nl = null,
    [property: Id(1)] string? Fr = null,
    [property: Id(2)] string? En = null)
{
    /// <summary>The translation into <paramref name="language"/>, or null when there is none (blank counts as none).</summary>
    public string? In(string language)
    {
        var text = language switch
        {
            ContentLanguage.Dutch => Nl,
            ContentLanguage.French => Fr,
            ContentLanguage.English => En,
            _ => null,
        };
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    /// <summary>These translations with <paramref name="language"/>'s set to <paramref name="text"/>.</summary>
    public ContentTranslations With(string language, string? text) => language switch
    {
        ContentLanguage.Dutch => this with { Nl = text },
        ContentLanguage.French => this with { Fr = text },
        ContentLanguage.English => this with { En = text },
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, "Not a content language."),
    };

    /// <summary>Whether there is no translation at all; not part of the JSON of a view that carries translations.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => ContentLanguage.All.All(l => In(l) is null);

    /// <summary>Null for no translations, so that "none" is stored and compared one way only.</summary>
    public static ContentTranslations? OrNull(ContentTranslations? translations) =>
        translations is null || translations.IsEmpty ? null : translations;

    /// <summary>Every text by language code, the original included (the API's full <c>translations</c>).</summary>
    public static IReadOnlyDictionary<string, string> ToMap(string original, string? originalLanguage, ContentTranslations? translations)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var language in ContentLanguage.All)
        {
            if (translations?.In(language) is { } text)
                map[language] = text;
        }
        map[ContentLanguage.OriginalOf(originalLanguage)] = original;
        return map;
    }

    /// <summary>
    /// The text to show to someone reading <paramref name="language"/>: its translation if there is one, else the original,
    /// with the language the text actually is in (so a page can mark a fallback with <c>lang</c>).
    /// </summary>
    public static ResolvedText Resolve(string original, string? originalLanguage, ContentTranslations? translations, string language)
    {
        var from = ContentLanguage.OriginalOf(originalLanguage);
        if (language == from)
            return new ResolvedText(original, from);
        return translations?.In(language) is { } text ? new ResolvedText(text, language) : new ResolvedText(original, from);
    }
}

/// <summary>A text as it is shown: the words and the language they are in.</summary>
public readonly record struct ResolvedText(string Text, string Language);
