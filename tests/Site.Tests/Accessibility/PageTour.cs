using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests.Accessibility;

/// <summary>One page (or one state of a page) the tour stops at, with the HTML document the server sent for it.</summary>
public sealed record TourStop(IPage Page, string Language, string Name, IResponse Document);

/// <summary>
/// Every page of the site in one language, as a visitor, a person without a participant and a resident see it: the live
/// home page (also at 390 px), the public pages, the account page, the new-commitment flow's steps (each level's step 2,
/// and step 2 sent empty with its errors), the formal confirmation, the confirmed commitment and its report form. The
/// language is the switcher's cookie, set on each browser context before its first page.
/// </summary>
public static class PageTour
{
    /// <summary>The site's languages, as the switcher names them.</summary>
    public static readonly string[] Languages = ["nl", "fr", "en"];

    public static async Task WalkAsync(SiteAppFixture app, BrowserFixture browser, string language, Func<TourStop, Task> visit)
    {
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var ambitionId = ambition["id"]!.GetValue<string>();
        var objectiveId = (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{ambitionId}"))["children"]![0]!["id"]!.GetValue<string>();
        var district = await Demo.KesselLoDistrictAsync(app.Public);
        var neighbourhood = await SignedInBrowser.KesselLoNeighbourhoodAsync(app);
        var commitment = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{Demo.SchoolResultCommitment}");

        var (home, homeDocument) = await OpenAsync(app, browser, language);
        await GoAsync(home, app, "/");
        await Expect(home.Locator("#live-map")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
        await visit(new TourStop(home, language, "/", homeDocument()));
        await home.SetViewportSizeAsync(390, 844);
        await visit(new TourStop(home, language, "/ at 390 px", homeDocument()));
        await home.Context.CloseAsync();

        var (visitor, visitorDocument) = await OpenAsync(app, browser, language);
        foreach (var path in new[]
        {
            "/goals", $"/goals/{ambitionId}", $"/goals/{objectiveId}", $"/commitments/{Demo.SchoolResultCommitment}",
            $"/participants/{commitment["participantId"]}", $"/places/{neighbourhood}", $"/places/{district["code"]}", "/places",
            "/sessions", "/account/sign-in", "/account/register", "/accessibility", "/privacy", "/open-data", "/search?q=fiets",
        })
        {
            await GoAsync(visitor, app, path);
            await visit(new TourStop(visitor, language, path, visitorDocument()));
        }
        await visitor.Context.CloseAsync();

        // A person without a participant yet: the account page asks for the neighbourhood.
        var (newcomer, newcomerDocument) = await OpenAsync(app, browser, language);
        await RegisterAsync(newcomer, app, "Nog Geen Wijk", neighbourhoodCode: null);
        await visit(new TourStop(newcomer, language, "/account (no participant yet)", newcomerDocument()));
        await newcomer.Context.CloseAsync();

        // A resident through the flow from the goal's "commit" link: step 1, step 2 of each level, step 2 sent empty (its
        // errors), then filled in; the formal confirmation, the confirmed commitment and its report form.
        var (resident, residentDocument) = await OpenAsync(app, browser, language);
        await RegisterAsync(resident, app, "Axe Bewoner", neighbourhood);
        await visit(new TourStop(resident, language, "/account", residentDocument()));
        await GoAsync(resident, app, $"/goals/{objectiveId}");
        await resident.Locator("[data-commit-to-goal]").ClickAsync();
        await Expect(resident.Locator("#goal")).ToHaveValueAsync(objectiveId);
        await visit(new TourStop(resident, language, "/commitments/new (step 1)", residentDocument()));
        foreach (var level in new[] { "pledge", "action", "result" })
        {
            await GoAsync(resident, app, $"/commitments/new?goal={Uri.EscapeDataString(objectiveId)}&level={level}&step=2");
            await visit(new TourStop(resident, language, $"/commitments/new (step 2, {level})", residentDocument()));
        }
        await resident.Locator("main form[method=post] button[type=submit]").ClickAsync();
        await Expect(resident.Locator("[data-error-summary]")).ToBeFocusedAsync();
        await visit(new TourStop(resident, language, "/commitments/new (step 2, result, with errors)", residentDocument()));

        await FillResultTermsAsync(resident);
        await resident.Locator("main form[method=post] button[type=submit]").ClickAsync();
        await Expect(resident).ToHaveURLAsync(new Regex("/commitments/[^/]+/confirm$"));
        var commitmentId = Regex.Match(resident.Url, "/commitments/([^/]+)/confirm").Groups[1].Value;
        await visit(new TourStop(resident, language, "/commitments/{id}/confirm", residentDocument()));
        await resident.Locator("#commit").CheckAsync();
        await resident.Locator("main form:has(#commit) button[type=submit]").ClickAsync();
        await Expect(resident).ToHaveURLAsync(new Regex($"/commitments/{commitmentId}\\?confirmed=1$"));
        await visit(new TourStop(resident, language, "/commitments/{id} (confirmed)", residentDocument()));
        await GoAsync(resident, app, $"/commitments/{commitmentId}/report");
        await visit(new TourStop(resident, language, "/commitments/{id}/report", residentDocument()));
        await resident.Context.CloseAsync();
    }

    /// <summary>
    /// A fresh browser context in <paramref name="language"/> (the switcher's cookie) and a function that gives the HTML
    /// document of its page's last navigation (the server's answer, before any script ran).
    /// </summary>
    public static async Task<(IPage Page, Func<IResponse> Document)> OpenAsync(SiteAppFixture app, BrowserFixture browser, string language, int width = 1280, int height = 900)
    {
        var page = await browser.NewPageAsync(width, height);
        await page.Context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "cc_language", Value = language, Url = app.BaseAddress.ToString() }]);
        IResponse? last = null;
        page.Response += (_, response) =>
        {
            if (response.Request.IsNavigationRequest && response.Frame == page.MainFrame && response.Status == (int)HttpStatusCode.OK)
                last = response;
        };
        return (page, () => last ?? throw new InvalidOperationException($"No page was loaded yet at {page.Url}"));
    }

    public static async Task GoAsync(IPage page, SiteAppFixture app, string path) =>
        Assert.Equal((int)HttpStatusCode.OK, (await page.GotoAsync(app.Url(path).ToString()))?.Status);

    /// <summary>Registers through the form in whatever language the page is in (a resident of the neighbourhood, or no participant yet when null).</summary>
    public static async Task RegisterAsync(IPage page, SiteAppFixture app, string name, string? neighbourhoodCode)
    {
        await GoAsync(page, app, "/account/register");
        await page.Locator("#displayName").FillAsync(name);
        await page.Locator("#loginName").FillAsync($"tour-{Guid.NewGuid():N}@example.org");
        await page.Locator("#password").FillAsync("een lang genoeg wachtwoord");
        if (neighbourhoodCode is not null)
            await page.Locator("#neighbourhoodCode").SelectOptionAsync(neighbourhoodCode);
        await page.Locator("main form[method=post] button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account$"));
    }

    /// <summary>A result commitment's terms on step 2.</summary>
    public static async Task FillResultTermsAsync(IPage page)
    {
        await page.Locator("#terms-title").FillAsync("Elke schooldag met de fiets");
        await page.Locator("#t-metric").FillAsync("schooldagen per maand met de fiets");
        await page.Locator("#t-unit").FillAsync("dagen");
        await page.Locator("#t-baseline").FillAsync("4");
        await page.Locator("#t-target").FillAsync("18");
        await page.Locator("#t-deadline").FillAsync("2027-06-30");
    }
}
