using System.Net;
using System.Xml.Linq;
using CivicContracting.Tests.Support;
using CivicContracting.Web.OpenData;

namespace CivicContracting.Web.Tests.OpenData;

/// <summary>
/// The open-data page documents every column of every dataset in the reader's language: the meanings come from
/// SiteText (<c>OpenData.Column.{dataset}.{column}</c>), and the English text is the description the catalogue and the
/// docs use (<see cref="OpenDataDatasets"/>), so the two never drift apart.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class OpenDataPageTests(WebAppFixture app)
{
    [Fact]
    public void The_English_meaning_of_every_column_is_its_documented_description()
    {
        var english = Texts("SiteText.en.resx");
        var drifted = OpenDataDatasets.All
            .SelectMany(d => d.Columns.Select(c => (Key: $"OpenData.Column.{d.Name}.{c.Name}", c.Description)))
            .Where(c => !english.TryGetValue(c.Key, out var text) || text != c.Description)
            .Select(c => $"{c.Key}: '{c.Description}' vs '{(english.TryGetValue(c.Key, out var text) ? text : "(missing)")}'")
            .ToList();
        Assert.True(drifted.Count == 0, "Column descriptions that differ from SiteText.en.resx:\n" + string.Join("\n", drifted));
    }

    [Theory]
    [InlineData("fr", "SiteText.fr.resx")]
    [InlineData("nl", "SiteText.resx")]
    [InlineData("en", "SiteText.en.resx")]
    public async Task The_page_shows_every_column_meaning_in_the_readers_language(string culture, string file)
    {
        var texts = Texts(file);
        var page = WebUtility.HtmlDecode(await app.Public.GetStringAsync($"/open-data?culture={culture}"));

        var missing = OpenDataDatasets.All
            .SelectMany(d => d.Columns.Select(c => $"OpenData.Column.{d.Name}.{c.Name}"))
            .Where(key => !page.Contains($"<td>{texts[key]}</td>", StringComparison.Ordinal))
            .ToList();
        Assert.True(missing.Count == 0, $"Column meanings the {culture} page does not show as {file} has them:\n" + string.Join("\n", missing));
        if (culture != "en")
            Assert.DoesNotContain(OpenDataDatasets.Goals.Columns.Single(c => c.Name == "parent_goal_id").Description, page, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Texts(string file) =>
        XDocument.Load(Path.Combine(Repository.Root, "src", "Web", "Texts", file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);
}
