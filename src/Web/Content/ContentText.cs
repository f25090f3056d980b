using System.Globalization;
using CivicContracting.Texts;
using CivicContracting.Validation;

namespace CivicContracting.Web.Content;

/// <summary>
/// The translations a management write may carry (<c>"translations": {"title": {"fr": "…", "en": "…"}}</c>): per text,
/// language code → text. The original stays in its own field (<c>title</c>, <c>description</c>), in <c>language</c>.
/// </summary>
public sealed record TranslationsInput(
    IReadOnlyDictionary<string, string?>? Title = null,
    IReadOnlyDictionary<string, string?>? Description = null);

/// <summary>
/// Every text of a goal or session by language code, the original included (<c>"translations": {"title": {"nl": "…",
/// "fr": "…"}}</c>); <see cref="Description"/> is null where there is no description.
/// </summary>
public sealed record TranslationsView(
    IReadOnlyDictionary<string, string> Title,
    IReadOnlyDictionary<string, string>? Description = null);

/// <summary>
/// The city's content in the reader's language: the language of the request (the page's, or the API's by
/// <c>?culture=</c> and <c>Accept-Language</c>, English by default), and how a page marks a text that falls back to another.
/// </summary>
public static class ContentText
{
    /// <summary>nl, fr or en: the language of this request.</summary>
    public static string Reading => ContentLanguage.Of(CultureInfo.CurrentUICulture);

    /// <summary>
    /// The value of a <c>lang</c> attribute for <paramref name="text"/>: its language when that is not the page's (so a
    /// screen reader pronounces the fallback right), null otherwise (Razor then leaves the attribute out).
    /// </summary>
    public static string? LangIfOther(ResolvedText text) => LangIfOther(text.Language);

    /// <summary>As <see cref="LangIfOther(ResolvedText)"/>, for an answer that carries the language apart (null: the page's).</summary>
    public static string? LangIfOther(string? language) => language is null || language == Reading ? null : language;

    /// <summary>A goal's title in the page's language, or the original.</summary>
    public static ResolvedText Title(CivicContracting.Goals.GoalInfo goal) => goal.Definition.TitleIn(Reading);

    /// <summary>A goal's description in the page's language, or the original.</summary>
    public static ResolvedText Description(CivicContracting.Goals.GoalInfo goal) => goal.Definition.DescriptionIn(Reading);

    /// <summary>
    /// Translations from a write's map (see <see cref="TranslationsInput"/>), errors under <c>translations.{field}.{code}</c>;
    /// <paramref name="originalLanguage"/> null means Dutch.
    /// </summary>
    public static ContentTranslations? Parse(IReadOnlyDictionary<string, string?>? map, string original, string? originalLanguage, string field, InputRules.Errors errors) =>
        ContentRules.Translations(map, original ?? "", ContentLanguage.OriginalOf(originalLanguage), $"translations.{field}", errors);

    public static IReadOnlyDictionary<string, string> Map(string original, string? originalLanguage, ContentTranslations? translations) =>
        ContentTranslations.ToMap(original, originalLanguage, translations);

    /// <summary>The text of one form field for a translation: blank means none.</summary>
    public static ContentTranslations? FromForm(string? originalLanguage, IReadOnlyDictionary<string, string?> byLanguage)
    {
        var original = ContentLanguage.OriginalOf(originalLanguage);
        var translations = new ContentTranslations();
        foreach (var (language, text) in byLanguage)
        {
            if (language != original && ContentLanguage.IsSupported(language) && !string.IsNullOrWhiteSpace(text))
                translations = translations.With(language, text.Trim());
        }
        return ContentTranslations.OrNull(translations);
    }
}

/// <summary>The labels of the management forms' optional translation fields.</summary>
public static class ContentFormText
{
    /// <summary>"Title in French (optional)" for <paramref name="language"/>, given the field's own label.</summary>
    public static Func<string, string> Translation(Microsoft.Extensions.Localization.IStringLocalizer T, string language) => language switch
    {
        ContentLanguage.French => field => T["Content.TranslationFr", field],
        ContentLanguage.English => field => T["Content.TranslationEn", field],
        _ => field => T["Content.TranslationNl", field],
    };
}
