using System.Collections;
using System.Globalization;
using System.Resources;
using System.Security.Cryptography;
using System.Text;
using CivicContracting.Commitments;
using CivicContracting.Goals;

namespace CivicContracting.Grains.Tests.FormalText;

/// <summary>
/// The formal text in Dutch, French and English: its language line, its words and Belgian formats, and its hash. The
/// exact texts are pinned: a confirmation is verified by rendering its terms again, so a changed word would orphan every
/// hash recorded in that language (a change on purpose needs a new form, beside this one).
/// </summary>
public sealed class CommitmentTextTests
{
    private static readonly CommitmentTerms Result = new(CommitmentLevel.Result, "Minder uitstoot", "We meten elk jaar.",
        Target: new QuantitativeTarget("CO₂-uitstoot", "ton", 1234.5, 12, new DateOnly(2030, 6, 30)));

    private static readonly CommitmentTerms Action = new(CommitmentLevel.Action, "Schoolstraat", "Twee acties.",
        Milestones: [new Milestone("m1", "Fietsherstelnamiddag", new DateOnly(2030, 6, 1)), new Milestone("m2", "Bakfietsen", new DateOnly(2031, 1, 15))]);

    [Fact]
    public void The_Dutch_text_names_its_language_first_and_writes_Belgian_Dutch()
    {
        Assert.Equal("""
            Taal: Nederlands (nl)
            Niveau: Resultaatsverbintenis
            Titel: Minder uitstoot
            Beschrijving: We meten elk jaar.
            Doel: CO₂-uitstoot van 1.234,5 naar 12 ton tegen 30 juni 2030

            """.ReplaceLineEndings("\n"), CommitmentText.Render(Result, "nl"));
        Assert.Equal("""
            Taal: Nederlands (nl)
            Niveau: Actie-engagement
            Titel: Schoolstraat
            Beschrijving: Twee acties.
            Actie m1: Fietsherstelnamiddag (uiterlijk op 1 juni 2030)
            Actie m2: Bakfietsen (uiterlijk op 15 januari 2031)

            """.ReplaceLineEndings("\n"), CommitmentText.Render(Action, "nl"));
    }

    [Fact]
    public void The_French_text_names_its_language_first_and_writes_Belgian_French()
    {
        Assert.Equal("""
            Langue : français (fr)
            Niveau : Engagement de résultat
            Titre : Minder uitstoot
            Description : We meten elk jaar.
            Objectif : CO₂-uitstoot de 1 234,5 à 12 ton d'ici le 30 juin 2030

            """.ReplaceLineEndings("\n").Replace("1 234", "1\u202f234", StringComparison.Ordinal), CommitmentText.Render(Result, "fr"));
        Assert.Contains("Action m1 : Fietsherstelnamiddag (au plus tard le 1er juin 2030)\n", CommitmentText.Render(Action, "fr"), StringComparison.Ordinal);
        Assert.Contains("Niveau : Engagement d'action\n", CommitmentText.Render(Action, "fr"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_English_text_names_its_language_first_and_writes_Belgian_English()
    {
        Assert.Equal("""
            Language: English (en)
            Level: Result commitment
            Title: Minder uitstoot
            Description: We meten elk jaar.
            Target: CO₂-uitstoot from 1.234,5 to 12 ton by 30 June 2030

            """.ReplaceLineEndings("\n"), CommitmentText.Render(Result, "en"));
        Assert.Contains("Action m2: Bakfietsen (by 15 January 2031)\n", CommitmentText.Render(Action, "en"), StringComparison.Ordinal);
        Assert.StartsWith("Language: English (en)\nLevel: Pledge\n", CommitmentText.Render(TestData.PledgeTerms(), "en"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_legacy_English_text_is_the_one_confirmed_before_languages()
    {
        Assert.Equal("Level: Result\nTitle: Minder uitstoot\nDescription: We meten elk jaar.\nTarget: CO₂-uitstoot from 1234.5 to 12 ton by 2030-06-30\n",
            CommitmentText.RenderLegacy(Result));
        Assert.Equal("Level: Action\nTitle: Schoolstraat\nDescription: Twee acties.\nAction m1: Fietsherstelnamiddag (due 2030-06-01)\nAction m2: Bakfietsen (due 2031-01-15)\n",
            CommitmentText.RenderLegacy(Action));
        Assert.Equal(Sha256(CommitmentText.RenderLegacy(Result)), CommitmentText.HashLegacy(Result));
        Assert.Equal(CommitmentText.RenderLegacy(Result), CommitmentText.RenderAsRecorded(Result, null));
    }

    [Fact]
    public void Each_language_has_its_own_hash_of_its_exact_text_and_the_default_is_Dutch()
    {
        var hashes = CommitmentText.Languages.Select(l => CommitmentText.Hash(Result, l)).Append(CommitmentText.HashLegacy(Result)).ToList();
        Assert.Equal(4, hashes.Distinct().Count());
        foreach (var language in CommitmentText.Languages)
        {
            Assert.Equal(Sha256(CommitmentText.Render(Result, language)), CommitmentText.Hash(Result, language));
            Assert.Equal(CommitmentText.Hash(Result, language), CommitmentText.HashAsRecorded(Result, language));
        }
        Assert.Equal(CommitmentText.Render(Result, "nl"), CommitmentText.Render(Result));
        Assert.Equal(CommitmentText.Hash(Result, "nl"), CommitmentText.Hash(Result));
    }

    [Fact]
    public void The_text_does_not_depend_on_the_machine_s_culture()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            var texts = new[] { "en-US", "fr-FR", "ar-SA", "" }.Select(name =>
            {
                CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
                return string.Concat(CommitmentText.Languages.Select(l => CommitmentText.Render(Result, l)));
            }).Distinct();
            Assert.Single(texts);
        }
        finally
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = before;
        }
    }

    [Theory]
    [InlineData(0.1, "0,1")]
    [InlineData(-1234567.25, "-1.234.567,25")]
    [InlineData(999, "999")]
    [InlineData(1000, "1.000")]
    public void Numbers_keep_every_digit_with_Belgian_separators(double value, string written)
    {
        var terms = Result with { Target = Result.Target! with { Baseline = value } };
        Assert.Contains($" van {written} naar ", CommitmentText.Render(terms, "nl"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fr-BE", "fr")]
    [InlineData("EN", "en")]
    [InlineData("nl_BE", "nl")]
    [InlineData("de", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void A_language_tag_names_one_of_the_three_languages_or_none(string? tag, string? language) =>
        Assert.Equal(language, CommitmentText.Language(tag));

    [Fact]
    public void Another_language_is_not_rendered() =>
        Assert.Throws<ArgumentException>(() => CommitmentText.Render(Result, "de"));

    [Fact]
    public void Every_word_of_the_text_exists_in_each_language_s_resources()
    {
        var words = new ResourceManager(typeof(CommitmentTextResources));
        var dutch = Keys(words.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false));
        Assert.Contains("Language", dutch);
        foreach (var culture in new[] { "fr", "en" })
            Assert.Equal(dutch, Keys(words.GetResourceSet(CultureInfo.GetCultureInfo(culture), createIfNotExists: true, tryParents: false)));
    }

    private static SortedSet<string> Keys(ResourceSet? set) =>
        new(set!.Cast<DictionaryEntry>().Select(e => (string)e.Key), StringComparer.Ordinal);

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
