using System.Net;
using System.Text.Json.Nodes;
using CivicContracting.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests;

/// <summary>
/// The search box in a real browser (issue 16's acceptance): "fiets" typed into the header of the Dutch site finds De ARK's
/// bike commitment, and "vélo" on the French site finds the school's commitment written in French (the demo's are Dutch, so
/// the test has the school make one in French through the API first), with the word marked in the hit.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class SearchTests(SiteAppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task Fiets_on_the_Dutch_site_and_velo_on_the_French_site_find_the_schools_bike_commitment()
    {
        var school = (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{Demo.SchoolResultCommitment}")).AsObject();
        var french = await FrenchBikeCommitmentAsync(school);

        var page = await browser.NewPageAsync();
        await page.GotoAsync(app.Url("/").ToString());
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl-BE");
        await SearchFromTheHeaderAsync(page, "fiets");
        // Other tests of this collection make bike commitments of their own, so the results page narrows the search as a
        // visitor would: commitments, in the school's neighbourhood, at its level.
        await page.Locator("#search-type").SelectOptionAsync("commitment");
        await page.Locator("#search-neighbourhood").SelectOptionAsync((string)school["neighbourhoodCode"]!);
        await page.Locator("#search-level").SelectOptionAsync((string)school["terms"]!["level"]!);
        await Task.WhenAll(page.WaitForURLAsync(url => new Uri(url).Query.Contains("level=", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit }),
            page.Locator("form.search-form button").ClickAsync());
        var dutchHit = page.Locator($"[data-search-result=\"{Demo.SchoolResultCommitment}\"]");
        await Expect(dutchHit).ToBeVisibleAsync();
        await Expect(dutchHit.Locator("mark").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^fiets", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        await Expect(page.Locator("[data-search-count]")).ToContainTextAsync("resulta");

        // The French site: switched with the language switcher, then the same box.
        await Task.WhenAll(page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/search", new() { WaitUntil = WaitUntilState.Commit }),
            page.Locator(".language-switcher a[hreflang=\"fr\"]").ClickAsync());
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr-BE");
        await SearchFromTheHeaderAsync(page, "vélo");
        var frenchHit = page.Locator($"[data-search-result=\"{french}\"]");
        await Expect(frenchHit).ToBeVisibleAsync();
        await Expect(frenchHit.Locator("h3 mark").First).ToHaveTextAsync("vélo");
        await Expect(page.Locator("[data-search-count]")).ToContainTextAsync("pour « vélo »");
        await page.Context.CloseAsync();
    }

    private static async Task SearchFromTheHeaderAsync(IPage page, string words)
    {
        await page.Locator("#site-search-q").FillAsync(words);
        await Task.WhenAll(page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/search", new() { WaitUntil = WaitUntilState.Commit }),
            page.Locator(".site-search button").ClickAsync());
        await Expect(page.Locator("#search-q")).ToHaveValueAsync(words);
    }

    /// <summary>De ARK's commitment written in French (confirmed), once it is in the index.</summary>
    private async Task<string> FrenchBikeCommitmentAsync(JsonObject school)
    {
        var id = $"c-fr-{Guid.NewGuid():N}";
        await SiteAppFixture.PostJsonAsync(app.Operator, "/api/commitments", new
        {
            id,
            participantId = (string)school["participantId"]!,
            goals = school["goals"]!.AsArray().Select(g => new { goalId = (string)g!["goalId"]!, weight = 1.0 }).ToArray(),
            neighbourhoodCode = (string)school["neighbourhoodCode"]!,
            language = "fr",
            terms = new
            {
                level = "pledge",
                title = "Notre école vient à vélo",
                description = "Les élèves et les enseignants de De ARK viennent à l'école à pied ou à vélo.",
            },
        }, HttpStatusCode.Created);
        var text = await SiteAppFixture.GetJsonAsync(app.Operator, $"/api/commitments/{id}/text");
        await SiteAppFixture.PostJsonAsync(app.Operator, $"/api/commitments/{id}/confirmation",
            new { confirmedBy = "Directie De ARK", textHash = (string)text["textHash"]! }, HttpStatusCode.OK);
        await Eventually.Value(async () => (await SiteAppFixture.GetJsonAsync(app.Public, "/api/search?q=v%C3%A9lo&culture=fr&type=commitment"))["results"]!.AsArray()
            .Select(r => (string)r!["id"]!).ToList(), ids => ids.Contains(id), what: "the French commitment in the index");
        return id;
    }
}
