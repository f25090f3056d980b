using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests;

/// <summary>
/// Issue 15, acceptance 1: a new resident who picks French or English in the switcher walks home → goal → the commitment
/// flow → formal confirmation → a progress report. No page on the way shows a Dutch text of the site or an untranslated
/// key, the formal text is confirmed in the chosen language, and its hash verifies.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed partial class MultilingualFlowTests(SiteAppFixture app, BrowserFixture browser)
{
    [Theory]
    [InlineData("fr", "fr-BE", "Langue : français (fr)\n")]
    [InlineData("en", "en-BE", "Language: English (en)\n")]
    public async Task A_resident_commits_confirms_and_reports_in_French_or_English_without_Dutch_or_untranslated_texts(string language, string culture, string firstLine)
    {
        var texts = SiteTexts.Of(language);
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var objectiveId = (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{ambition["id"]}"))["children"]![0]!["id"]!.GetValue<string>();
        var district = await Demo.KesselLoDistrictAsync(app.Public);
        var neighbourhoodCode = (await Demo.PlacesAsync(app.Public, "neighbourhood"))
            .First(n => n["parentCode"]!.GetValue<string>() == district["code"]!.GetValue<string>())["code"]!.GetValue<string>();

        // The switcher on the home page, as a visitor would.
        var page = await browser.NewPageAsync();
        Assert.Equal((int)HttpStatusCode.OK, (await page.GotoAsync(app.Url("/").ToString()))?.Status);
        await page.Locator($".language-switcher a[data-language=\"{language}\"]").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", culture);
        await AssertInLanguageAsync(page, texts, "/");

        await page.GotoAsync(app.Url($"/goals/{objectiveId}").ToString());
        await AssertInLanguageAsync(page, texts, "/goals/{id}");

        // Registers.
        await page.GotoAsync(app.Url("/account/register").ToString());
        await AssertInLanguageAsync(page, texts, "/account/register");
        await page.Locator("#displayName").FillAsync("Camille Dubois");
        await page.Locator("#loginName").FillAsync($"resident-{language}-{Guid.NewGuid():N}@example.org");
        await page.Locator("#password").FillAsync("à vélo vers l'école chaque jour");
        await page.Locator("#neighbourhoodCode").SelectOptionAsync(neighbourhoodCode);
        await page.GetByRole(AriaRole.Button, new() { Name = texts["Account.RegisterButton"], Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account$"));
        await AssertInLanguageAsync(page, texts, "/account");

        // The guided flow from the goal's page: a result commitment.
        await page.GotoAsync(app.Url($"/goals/{objectiveId}").ToString());
        await page.Locator("[data-commit-to-goal]").ClickAsync();
        await Expect(page.Locator("#goal")).ToHaveValueAsync(objectiveId);
        await AssertInLanguageAsync(page, texts, "/commitments/new (step 1)");
        await page.Locator("#level-result").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = texts["Flow.Next"], Exact = true }).ClickAsync();
        await Expect(page.Locator("#t-metric")).ToBeVisibleAsync();
        await AssertInLanguageAsync(page, texts, "/commitments/new (step 2)");
        await page.Locator("#terms-title").FillAsync("Chaque jour d'école à vélo");
        await page.Locator("#terms-description").FillAsync("Notre famille va à l'école à vélo plutôt qu'en voiture.");
        await page.Locator("#t-metric").FillAsync("jours d'école par mois à vélo");
        await page.Locator("#t-unit").FillAsync("jours");
        await page.Locator("#t-baseline").FillAsync("4");
        await page.Locator("#t-target").FillAsync("18");
        await page.Locator("#t-deadline").FillAsync("2027-06-30");
        await page.GetByRole(AriaRole.Button, new() { Name = texts["Flow.SaveDraft"], Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/commitments/[^/]+/confirm$"));
        var commitmentId = Regex.Match(page.Url, "/commitments/([^/]+)/confirm").Groups[1].Value;
        await AssertInLanguageAsync(page, texts, "/commitments/{id}/confirm");

        // The formal text is shown in the chosen language, and that is the text confirmed.
        var shown = (await page.Locator("[data-commitment-text]").TextContentAsync())!;
        Assert.StartsWith(firstLine, shown.TrimStart(), StringComparison.Ordinal);
        await Expect(page.Locator("[data-commitment-text]")).ToHaveAttributeAsync("data-text-language", language);
        await page.Locator("#commit").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = texts["Confirm.Button"], Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/commitments/{commitmentId}\\?confirmed=1$"));
        await AssertInLanguageAsync(page, texts, "/commitments/{id}");

        var view = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{commitmentId}");
        var confirmation = view["confirmation"]!;
        Assert.Equal(language, confirmation["language"]!.GetValue<string>());
        var text = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{commitmentId}/text");
        Assert.Equal(language, text["language"]!.GetValue<string>());
        Assert.True(text["isConfirmedText"]!.GetValue<bool>());
        Assert.Equal(shown.Trim(), text["text"]!.GetValue<string>().Trim());
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text["text"]!.GetValue<string>())));
        Assert.Equal(hash, text["textHash"]!.GetValue<string>());
        Assert.Equal(hash, confirmation["textHash"]!.GetValue<string>());

        // A progress report.
        await page.GotoAsync(app.Url($"/commitments/{commitmentId}/report").ToString());
        await AssertInLanguageAsync(page, texts, "/commitments/{id}/report");
        await page.Locator("#value").FillAsync("12");
        await page.Locator("#note").FillAsync("Un bon mois.");
        await page.GetByRole(AriaRole.Button, new() { Name = texts["Report.Button"], Exact = true }).ClickAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("Un bon mois.");
        await AssertInLanguageAsync(page, texts, "/commitments/{id} (after the report)");
        Assert.Equal(12, (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{commitmentId}"))["currentValue"]!.GetValue<double>());
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// The page is in <paramref name="texts"/>' language: no text of the site that Dutch words differently appears (texts of
    /// at least three words, without placeholders: short ones such as "Doel" could be a participant's words), and no key.
    /// </summary>
    private static async Task AssertInLanguageAsync(IPage page, SiteTexts texts, string where)
    {
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        var shown = await page.Locator("body").InnerTextAsync();
        var dutch = texts.DutchOnly.Where(d => shown.Contains(d, StringComparison.Ordinal)).ToList();
        Assert.True(dutch.Count == 0, $"{where} ({texts.Language}) shows Dutch texts of the site: {string.Join(" | ", dutch.Take(5))}");
        var keys = KeyLike().Matches(shown).Select(m => m.Value).Where(texts.IsKey).Distinct().ToList();
        Assert.True(keys.Count == 0, $"{where} ({texts.Language}) shows untranslated keys: {string.Join(", ", keys.Take(5))}");
    }

    [GeneratedRegex(@"\b[A-Z][A-Za-z]+(\.[A-Za-z0-9]+)+\b")]
    private static partial Regex KeyLike();

    /// <summary>The site's texts in one language, from the resource files, with the Dutch ones it words differently.</summary>
    private sealed class SiteTexts
    {
        private readonly Dictionary<string, string> _texts;
        private readonly HashSet<string> _keys;

        private SiteTexts(string language, Dictionary<string, string> texts, Dictionary<string, string> dutch)
        {
            Language = language;
            _texts = texts;
            _keys = [.. dutch.Keys];
            DutchOnly = [.. dutch
                // A key the language lacks shows the Dutch text (the resource falls back to it).
                .Where(d => !texts.TryGetValue(d.Key, out var own) || !string.Equals(own, d.Value, StringComparison.Ordinal))
                .Select(d => d.Value)
                .Where(v => !v.Contains('{', StringComparison.Ordinal) && !v.Contains('<', StringComparison.Ordinal) && v.Split(' ').Length >= 3)
                .Distinct()];
        }

        public string Language { get; }

        public IReadOnlyList<string> DutchOnly { get; }

        public string this[string key] => _texts[key];

        public bool IsKey(string candidate) => _keys.Contains(candidate);

        public static SiteTexts Of(string language) => new(language, Read($"SiteText.{language}.resx"), Read("SiteText.resx"));

        private static Dictionary<string, string> Read(string file)
        {
            var path = Path.Combine(RepositoryRoot(), "src", "Web", "Texts", file);
            return XDocument.Load(path).Root!.Elements("data")
                .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);
        }

        private static string RepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CivicContracting.sln")))
                    return dir.FullName;
            }
            throw new InvalidOperationException("CivicContracting.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
