using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests;

/// <summary>The language switcher in a real browser: one click makes the site English, and it stays English.</summary>
[Collection(SiteCollection.Name)]
public sealed class LanguageSwitchTests(SiteAppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task Switching_to_English_on_the_home_page_keeps_the_site_English_across_pages()
    {
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        // The browser asks for Dutch (BrowserFixture's locale): the switch, not the browser, makes the pages English.
        var page = await browser.NewPageAsync();
        await page.GotoAsync(app.Url("/").ToString());
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl-BE");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Samen naar een klimaatneutraal Leuven");

        var english = page.Locator(".language-switcher a[hreflang=\"en\"]");
        await Expect(english).ToHaveTextAsync("English");
        await Task.WhenAll(page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", new() { WaitUntil = WaitUntilState.Commit }), english.ClickAsync());
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en-BE");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Together towards a climate-neutral Leuven");
        await Expect(page.Locator(".language-switcher a[aria-current=\"true\"]")).ToHaveAttributeAsync("hreflang", "en");
        // The map's legend, drawn by script from the texts the page hands it, is English too.
        await Expect(page.Locator(".map-legend")).ToContainTextAsync("Commitments per", new() { Timeout = 30_000 });

        var goal = await page.GotoAsync(app.Url($"/goals/{ambition["id"]}").ToString());
        Assert.Equal((int)HttpStatusCode.OK, goal?.Status);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en-BE");
        await Expect(page.Locator("#main")).ToContainTextAsync("Where things stand");
        await Expect(page.Locator("#main")).Not.ToContainTextAsync("Stand van zaken");

        // Following the site's own navigation keeps the language.
        await Task.WhenAll(page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/places", new() { WaitUntil = WaitUntilState.Commit }),
            page.Locator("header nav a[href=\"/places\"]").ClickAsync());
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en-BE");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Neighbourhoods and districts");

        // And back to Dutch, on the page where the person is.
        await Task.WhenAll(page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/places", new() { WaitUntil = WaitUntilState.Commit }),
            page.Locator(".language-switcher a[hreflang=\"nl\"]").ClickAsync());
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl-BE");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Wijken en deelgemeenten");
        await page.Context.CloseAsync();
    }
}
