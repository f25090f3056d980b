using CivicContracting.Texts;

namespace CivicContracting.Commitments;

/// <summary>A template's terms in the language a person takes it up in.</summary>
public static class TemplateTerms
{
    /// <summary>
    /// The terms and their language for a take-up in <paramref name="language"/>: the template's title and description
    /// in that language when the city translated the title (and the description, if there is one), else the original
    /// terms in the template's language. Never half translated: a copy's text is in one language.
    /// </summary>
    public static (CommitmentTerms Terms, string? Language) In(CommitmentView template, string? language)
    {
        var original = (template.Terms, template.Language);
        if (language is null || !ContentLanguage.IsSupported(language) || language == ContentLanguage.OriginalOf(template.Language))
            return original;
        if (template.TitleTranslations?.In(language) is not { } title)
            return original;
        var description = string.IsNullOrWhiteSpace(template.Terms.Description) ? template.Terms.Description : template.DescriptionTranslations?.In(language);
        if (description is null)
            return original;
        return (template.Terms with { Title = title, Description = description }, language);
    }

    /// <summary>The template's title in <paramref name="language"/>, or the original, with the language it is in.</summary>
    public static ResolvedText TitleIn(CommitmentView template, string language) =>
        ContentTranslations.Resolve(template.Terms.Title, template.Language, template.TitleTranslations, language);

    /// <summary>The template's description in <paramref name="language"/>, or the original, with the language it is in.</summary>
    public static ResolvedText DescriptionIn(CommitmentView template, string language) =>
        ContentTranslations.Resolve(template.Terms.Description, template.Language, template.DescriptionTranslations, language);
}
