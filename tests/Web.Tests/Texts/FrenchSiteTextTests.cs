using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace CivicContracting.Web.Tests.Texts;

/// <summary>
/// A key missing from SiteText.fr.resx silently falls back to Dutch on a French page, and a lost or renamed
/// placeholder drops a number or a name from the sentence (or throws a FormatException): the French file must have
/// exactly the Dutch file's keys, each with the same placeholders.
/// </summary>
public sealed partial class FrenchSiteTextTests
{
    [Fact]
    public void French_site_texts_have_exactly_the_Dutch_keys()
    {
        var dutch = Texts("SiteText.resx");
        var french = Texts("SiteText.fr.resx");

        var missing = dutch.Keys.Where(k => !french.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var extra = french.Keys.Where(k => !dutch.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "Keys in SiteText.resx but not in SiteText.fr.resx:\n" + string.Join("\n", missing));
        Assert.True(extra.Count == 0, "Keys in SiteText.fr.resx but not in SiteText.resx:\n" + string.Join("\n", extra));
    }

    [Fact]
    public void French_site_texts_keep_every_placeholder_of_the_Dutch_text()
    {
        var dutch = Texts("SiteText.resx");
        var french = Texts("SiteText.fr.resx");

        var different = dutch
            .Where(d => french.ContainsKey(d.Key) && Placeholders(d.Value) != Placeholders(french[d.Key]))
            .Select(d => $"{d.Key}: nl {Placeholders(d.Value)} / fr {Placeholders(french[d.Key])}")
            .ToList();
        Assert.True(different.Count == 0, "Placeholders differ:\n" + string.Join("\n", different));
    }

    [Fact]
    public void French_site_texts_are_not_empty()
    {
        var empty = Texts("SiteText.fr.resx").Where(t => string.IsNullOrWhiteSpace(t.Value)).Select(t => t.Key).ToList();
        Assert.True(empty.Count == 0, "Empty French texts: " + string.Join(", ", empty));
    }

    /// <summary>The texts of one resource file by key; a key defined twice fails here, as it would fail the build.</summary>
    private static Dictionary<string, string> Texts(string fileName)
    {
        var resx = XDocument.Load(Path.Combine(RepositoryRoot(), "src", "Web", "Texts", fileName));
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var data in resx.Root!.Elements("data"))
        {
            var name = (string)data.Attribute("name")!;
            Assert.True(texts.TryAdd(name, (string?)data.Element("value") ?? ""), $"{fileName} defines {name} twice.");
        }
        return texts;
    }

    // {0}, {1:N0}, {name}: sorted, so a translation may reorder them but not lose, add or rename one.
    private static string Placeholders(string text) =>
        string.Join(" ", Placeholder().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal));

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex Placeholder();

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CivicContracting.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"No CivicContracting.sln above {AppContext.BaseDirectory}.");
    }
}
