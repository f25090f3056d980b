using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace CivicContracting.Site.Tests;

/// <summary>
/// A site text that is missing from SiteText.resx renders as its key ("Coach.Overdue.Heading") and no page test need
/// notice it: every key the pages and page models name literally must be in the resource file, once.
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
    }

    // T["Key"], T["Key", …], text["Key"], siteText["Key"]: a literal key that ends at the closing quote (keys built from
    // parts, like T["Phase." + phase], are not literal and not checked here).
    [GeneratedRegex("""\b(?:T|text|siteText|Text)\["(?<key>[A-Za-z][A-Za-z0-9_.]*)"(?=[\],])""")]
    private static partial Regex LiteralKey();
}
