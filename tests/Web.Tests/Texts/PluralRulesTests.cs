using System.Globalization;
using CivicContracting.Web;
using CivicContracting.Web.Texts;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Tests.Texts;

/// <summary>The CLDR cardinal rules of the site's languages, and the plural texts that use them.</summary>
public sealed class PluralRulesTests
{
    [Theory]
    [InlineData("nl-BE", 0, "other")]
    [InlineData("nl-BE", 1, "one")]
    [InlineData("nl-BE", 2, "other")]
    [InlineData("nl-BE", 1.5, "other")]
    [InlineData("en-BE", 1, "one")]
    [InlineData("en-BE", 0, "other")]
    [InlineData("en-BE", 1_000_000, "other")]
    [InlineData("fr-BE", 0, "one")]
    [InlineData("fr-BE", 1, "one")]
    [InlineData("fr-BE", 1.5, "one")]
    [InlineData("fr-BE", 2, "other")]
    [InlineData("fr-BE", 1_000, "other")]
    [InlineData("fr-BE", 1_000_000, "many")]
    [InlineData("fr-BE", 3_000_000, "many")]
    [InlineData("fr-BE", 1_000_001, "other")]
    [InlineData("fr-BE", 1_500_000, "other")]
    public void Category_follows_CLDR(string culture, double count, string expected) =>
        Assert.Equal(expected, PluralRules.Category(CultureInfo.GetCultureInfo(culture), (decimal)count));

    [Theory]
    [InlineData("nl-BE", 1, "1 melding, op gisteren")]
    [InlineData("nl-BE", 2, "2 meldingen, de eerste op gisteren")]
    [InlineData("en-BE", 1, "1 report, on gisteren")]
    [InlineData("en-BE", 1234, "1.234 reports, the first on gisteren")]
    public void Plural_picks_the_form_and_writes_the_count_in_the_language(string culture, int count, string expected)
    {
        var previous = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            Assert.Equal(expected, Localizer().Plural("Moderation.FlagCount", count, "gisteren").Value);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = previous;
        }
    }

    [Fact]
    public void A_category_without_its_own_text_falls_back_to_other()
    {
        var previous = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            // French "many" (a million): the site's texts have no .many forms, so .other is used.
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("fr-BE");
            var text = Localizer().Plural("KindCount.resident", 2_000_000);
            Assert.False(text.ResourceNotFound, text.SearchedLocation);
            Assert.Contains("KindCount.resident.other", text.Name, StringComparison.Ordinal);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = previous;
        }
    }

    private static IStringLocalizer<SiteText> Localizer() =>
        new StringLocalizer<SiteText>(new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
}
