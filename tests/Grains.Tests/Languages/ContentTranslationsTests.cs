using System.Globalization;
using CivicContracting.Goals;
using CivicContracting.Texts;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Languages;

/// <summary>The city's texts in up to three languages: which text a reader gets, and what the rules refuse.</summary>
public sealed class ContentTranslationsTests
{
    private static readonly GoalScope City = new(PlaceLevel.City, []);

    [Fact]
    public void A_reader_gets_the_translation_into_their_language_else_the_original_with_its_language()
    {
        var translations = new ContentTranslations(Fr: "Moins de déchets");

        Assert.Equal(new ResolvedText("Moins de déchets", "fr"), ContentTranslations.Resolve("Minder afval", null, translations, "fr"));
        Assert.Equal(new ResolvedText("Minder afval", "nl"), ContentTranslations.Resolve("Minder afval", null, translations, "en"));
        Assert.Equal(new ResolvedText("Minder afval", "nl"), ContentTranslations.Resolve("Minder afval", null, translations, "nl"));
        Assert.Equal(new ResolvedText("Minder afval", "nl"), ContentTranslations.Resolve("Minder afval", null, null, "fr"));
        // A blank translation is none; an original in English stays English for an English reader.
        Assert.Equal(new ResolvedText("Minder afval", "nl"), ContentTranslations.Resolve("Minder afval", "nl", new ContentTranslations(Fr: " "), "fr"));
        Assert.Equal(new ResolvedText("Less waste", "en"), ContentTranslations.Resolve("Less waste", "en", new ContentTranslations(Nl: "Minder afval"), "en"));
        Assert.Equal(new ResolvedText("Minder afval", "nl"), ContentTranslations.Resolve("Less waste", "en", new ContentTranslations(Nl: "Minder afval"), "nl"));
    }

    [Fact]
    public void A_goal_stored_before_translations_reads_as_dutch_for_everyone()
    {
        var before = new GoalDefinition("Minder afval", "Sorteren.", City);

        Assert.Equal(new ResolvedText("Minder afval", "nl"), before.TitleIn("fr"));
        Assert.Equal(new ResolvedText("Sorteren.", "nl"), before.DescriptionIn("en"));
        Assert.True(InputRules.Goal(before).IsValid);
    }

    [Fact]
    public void The_rules_refuse_an_unknown_language_an_overlong_translation_and_a_translation_into_the_original_language()
    {
        var errors = InputRules.Goal(new GoalDefinition("Minder afval", "", City,
            Language: "de",
            TitleTranslations: new ContentTranslations(Fr: new string('x', InputRules.MaxTitleLength + 1), En: "Less\nwaste"),
            DescriptionTranslations: new ContentTranslations(Nl: "Sorteren.", Fr: "Trier\u202Eeb")));

        Assert.Equal(["language", "translations.description.fr", "translations.title.en", "translations.title.fr"], errors.ByField.Keys.Order(StringComparer.Ordinal));

        var dutchOriginal = InputRules.Goal(new GoalDefinition("Minder afval", "", City, TitleTranslations: new ContentTranslations(Nl: "Iets anders")));
        Assert.Equal(["translations.title.nl"], dutchOriginal.ByField.Keys);

        var fine = InputRules.Goal(new GoalDefinition("Minder afval", "", City, Language: "nl",
            TitleTranslations: new ContentTranslations(Fr: "Moins de déchets", En: "Less waste"), DescriptionTranslations: new ContentTranslations(En: "Line one\nline two")));
        Assert.True(fine.IsValid);
    }

    [Fact]
    public void A_map_from_the_api_names_an_unknown_language_by_its_field_in_the_readers_language()
    {
        var (ui, culture) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fr-BE");
        try
        {
            var errors = new InputRules.Errors();
            var translations = ContentRules.Translations(
                new Dictionary<string, string?> { ["de"] = "Weniger Müll", ["en"] = "Less waste", ["fr"] = "  ", ["nl"] = "Minder afval" },
                "Minder afval", "nl", "translations.title", errors);

            Assert.Equal(new ContentTranslations(En: "Less waste"), translations);
            var message = Assert.Single(errors.ByField["translations.title.de"]);
            Assert.Contains("n'est pas une langue", message, StringComparison.Ordinal);
            Assert.Single(errors.ByField);
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, culture);
        }
    }
}
