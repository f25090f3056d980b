using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests.Accessibility;

/// <summary>A person with a fresh account, registered through the form and signed in.</summary>
public static class SignedInBrowser
{
    /// <summary>Registers <paramref name="name"/> (a resident of <paramref name="neighbourhoodCode"/>, or with no participant yet when null).</summary>
    public static async Task<IPage> RegisterAsync(SiteAppFixture app, BrowserFixture browser, string name, string? neighbourhoodCode)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(app.Url("/account/register").ToString());
        await page.GetByLabel("Je naam").FillAsync(name);
        await page.GetByLabel("E-mailadres (om aan te melden)").FillAsync($"a11y-{Guid.NewGuid():N}@example.org");
        await page.GetByLabel("Wachtwoord").FillAsync("een lang genoeg wachtwoord");
        if (neighbourhoodCode is not null)
            await page.GetByLabel("Je wijk").SelectOptionAsync(neighbourhoodCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Account maken" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account$"));
        return page;
    }

    /// <summary>A Kessel-Lo neighbourhood's code.</summary>
    public static async Task<string> KesselLoNeighbourhoodAsync(SiteAppFixture app)
    {
        var district = await Demo.KesselLoDistrictAsync(app.Public);
        return (await Demo.PlacesAsync(app.Public, "neighbourhood"))
            .First(n => n["parentCode"]!.GetValue<string>() == district["code"]!.GetValue<string>())["code"]!.GetValue<string>();
    }
}
