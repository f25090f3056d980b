using CivicContracting.Texts;

namespace CivicContracting.Validation;

/// <summary>The input rules of content in several languages, in the style of <see cref="InputRules"/>.</summary>
public static class ContentRules
{
    /// <summary>
    /// Translations from a map of language codes to texts, as the API and the forms send them; blank texts are left out.
    /// Codes other than nl, fr and en are errors under <paramref name="field"/>.<c>{code}</c>; a text for the original's
    /// own language must be the original (as the API gives it back in the full translations).
    /// </summary>
    public static ContentTranslations? Translations(
        IReadOnlyDictionary<string, string?>? map, string original, string originalLanguage, string field, InputRules.Errors errors)
    {
        if (map is null)
            return null;
        var translations = new ContentTranslations();
        foreach (var (code, text) in map)
        {
            if (!ContentLanguage.IsSupported(code))
            {
                errors.Add($"{field}.{code}", RuleText.UnknownContentLanguage(code));
                continue;
            }
            if (string.IsNullOrWhiteSpace(text))
                continue;
            if (code == originalLanguage)
            {
                if (!string.Equals(text, original, StringComparison.Ordinal))
                    errors.Add($"{field}.{code}", RuleText.OriginalNotATranslation(code));
                continue;
            }
            translations = translations.With(code, text);
        }
        return ContentTranslations.OrNull(translations);
    }

    /// <summary>
    /// Field <paramref name="languageField"/> (null or one of nl, fr, en) and each translation under
    /// <paramref name="field"/>.<c>{code}</c> by the same rules as the original: one line when <paramref name="oneLine"/>,
    /// at most <paramref name="maxLength"/> characters; no translation into the original's own language.
    /// </summary>
    public static void Check(InputRules.Errors errors, string field, ContentTranslations? translations, string? originalLanguage, int maxLength, bool oneLine)
    {
        if (translations is null)
            return;
        var original = ContentLanguage.OriginalOf(originalLanguage);
        foreach (var language in ContentLanguage.All)
        {
            var text = language switch
            {
                ContentLanguage.Dutch => translations.Nl,
                ContentLanguage.French => translations.Fr,
                _ => translations.En,
            };
            if (text is null)
                continue;
            var path = $"{field}.{language}";
            if (language == original)
                errors.Add(path, RuleText.OriginalNotATranslation(language));
            else if (oneLine)
                errors.Line(path, text, maxLength, allowEmpty: true);
            else
                errors.Text(path, text, maxLength, allowEmpty: true);
        }
    }

    /// <summary>The language of the original (field <paramref name="field"/>): left out (Dutch) or one of nl, fr, en.</summary>
    public static void Language(InputRules.Errors errors, string field, string? language)
    {
        if (language is not null && !ContentLanguage.IsSupported(language))
            errors.Add(field, RuleText.UnknownContentLanguage(language));
    }
}
