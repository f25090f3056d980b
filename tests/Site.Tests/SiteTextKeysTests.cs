using System.Text.RegularExpressions;
using System.Xml.Linq;
using CivicContracting.Tests.Support;

namespace CivicContracting.Site.Tests;

/// <summary>
/// A site text that is missing from SiteText.resx renders as its key ("Coach.Overdue.Heading") and no page test need
/// notice it: every key the pages and page models name literally must be in the resource file, once. The French and
/// English files must translate every key of the Dutch (neutral) file with the same placeholders, and no other key: a
/// missing one would show Dutch on a French or English page.
/// </summary>
public sealed partial class SiteTextKeysTests
{
    [Fact]
    public void Every_literal_site_text_key_in_the_pages_is_in_SiteText_resx_once()
    {
        var resx = XDocument.Load(Path.Combine(Repository.Root, "src", "Web", "Texts", "SiteText.resx"));
        var names = resx.Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToList();
        var duplicates = names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "Keys defined twice: " + string.Join(", ", duplicates));
        var defined = names.ToHashSet(StringComparer.Ordinal);

        var web = Path.Combine(Repository.Root, "src", "Web");
        var used = Directory.EnumerateFiles(web, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => LiteralKey().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetRelativePath(web, f), Key: m.Groups["key"].Value)))
            .ToList();
        Assert.True(used.Count > 500, $"Expected the pages to name hundreds of site texts, found {used.Count}: is the pattern still right?");
        var missing = used.Where(u => !defined.Contains(u.Key)).Select(u => $"{u.Key} ({u.File})").Distinct().ToList();
        Assert.True(missing.Count == 0, "Site texts used but not in SiteText.resx:\n" + string.Join("\n", missing));

        // T.Plural("Key", n): the Dutch file has Key.one and Key.other (Texts/Plurals.cs).
        var plurals = Directory.EnumerateFiles(web, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => PluralKey().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetRelativePath(web, f), Key: m.Groups["key"].Value)))
            .ToList();
        Assert.True(plurals.Count >= 4, $"Expected the pages to name plural texts, found {plurals.Count}: is the pattern still right?");
        var missingForms = plurals.SelectMany(p => new[] { ".one", ".other" }.Where(form => !defined.Contains(p.Key + form)).Select(form => $"{p.Key}{form} ({p.File})")).Distinct().ToList();
        Assert.True(missingForms.Count == 0, "Plural texts used but without their forms in SiteText.resx:\n" + string.Join("\n", missingForms));
    }

    /// <summary>
    /// A text nobody shows still has to be translated and reviewed in three languages, and a renamed key leaves its old
    /// text behind: every key must be named somewhere in the web project, as a literal ("Key", or "Key" for its
    /// Key.one/Key.other forms) or under a prefix the code completes ("Phase." + phase, $"Kind.{kind}").
    /// </summary>
    [Fact]
    public void Every_site_text_in_SiteText_resx_is_used()
    {
        var web = Path.Combine(Repository.Root, "src", "Web");
        var sources = Directory.EnumerateFiles(web, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".js", StringComparison.Ordinal))
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}lib{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        var literals = sources.SelectMany(s => QuotedName().Matches(s).Select(m => m.Groups["name"].Value)).ToHashSet(StringComparer.Ordinal);
        var prefixes = sources.SelectMany(s => CompletedPrefix().Matches(s).Select(m => m.Groups["prefix"].Value)).Distinct().ToList();

        var unused = Texts("SiteText.resx").Keys
            .Where(key => !literals.Contains(key)
                && !literals.Contains(PluralForm().Replace(key, ""))
                && !prefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
            .ToList();
        Assert.True(unused.Count == 0, $"{unused.Count} site texts no page or script names (delete them from all three SiteText files):\n" + string.Join("\n", unused));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("fr")]
    public void Every_site_text_is_translated_with_the_same_placeholders(string language)
    {
        var neutral = Texts("SiteText.resx");
        var path = Path.Combine(Repository.Root, "src", "Web", "Texts", $"SiteText.{language}.resx");
        Assert.True(File.Exists(path), $"{path} is missing: the site speaks {language}.");
        var translated = Texts($"SiteText.{language}.resx");

        var untranslated = neutral.Keys.Where(k => !translated.ContainsKey(k) || string.IsNullOrWhiteSpace(translated[k])).ToList();
        Assert.True(untranslated.Count == 0, $"{untranslated.Count} site texts without a {language} text:\n" + string.Join("\n", untranslated));
        var unknown = translated.Keys.Where(k => !neutral.ContainsKey(k)).ToList();
        Assert.True(unknown.Count == 0, $"Keys in SiteText.{language}.resx that SiteText.resx lacks (renamed or removed?):\n" + string.Join("\n", unknown));
        var placeholders = neutral.Keys
            .Where(k => !Placeholders(neutral[k]).SequenceEqual(Placeholders(translated[k])))
            .Select(k => $"{k}: '{neutral[k]}' vs '{translated[k]}'")
            .ToList();
        Assert.True(placeholders.Count == 0, $"Placeholders that differ in SiteText.{language}.resx:\n" + string.Join("\n", placeholders));
    }

    private static Dictionary<string, string> Texts(string file) =>
        XDocument.Load(Path.Combine(Repository.Root, "src", "Web", "Texts", file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);

    /// <summary>{0}, {1:N0}, {name}: sorted, with repeats, so a translation may reorder them but not drop or add one.</summary>
    private static IEnumerable<string> Placeholders(string text) =>
        PlaceholderPattern().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal);

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex PlaceholderPattern();

    // T.Plural("Key", …), text.Plural("Key", …)
    [GeneratedRegex("""\.Plural\("(?<key>[A-Za-z][A-Za-z0-9_.]*)"\s*,""")]
    private static partial Regex PluralKey();

    // "Key" anywhere: a key named literally (also in scripts and in helpers that take a key).
    [GeneratedRegex("\"(?<name>[A-Za-z][A-Za-z0-9_.]*)\"")]
    private static partial Regex QuotedName();

    // "Phase." + phase, $"Kind.{kind}": a key completed at run time.
    [GeneratedRegex("""(?:"(?<prefix>[A-Za-z][A-Za-z0-9_.]*\.)"\s*\+|\$"(?<prefix>[A-Za-z][A-Za-z0-9_.]*\.)\{)""")]
    private static partial Regex CompletedPrefix();

    [GeneratedRegex(@"\.(?:one|other|many)$")]
    private static partial Regex PluralForm();

    // T["Key"], T["Key", …], text["Key"], siteText["Key"]: a literal key that ends at the closing quote (keys built from
    // parts, like T["Phase." + phase], are not literal and not checked here).
    [GeneratedRegex("""\b(?:T|text|siteText|Text)\["(?<key>[A-Za-z][A-Za-z0-9_.]*)"(?=[\],])""")]
    private static partial Regex LiteralKey();
}
