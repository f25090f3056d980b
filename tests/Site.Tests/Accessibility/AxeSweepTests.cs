using System.Net;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests.Accessibility;

/// <summary>
/// axe with the WCAG 2.2 AA rules over every public page and the pages of a signed-in person, the new-commitment flow's
/// steps included: no violation of any impact. With it, the HTML validator's rule for required selects (a first option
/// with an empty value, so "nothing chosen" is possible), which axe does not check.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class AxeSweepTests(SiteAppFixture app, BrowserFixture browser, ITestOutputHelper output)
{
    private readonly List<string> _problems = [];
    private int _pages;

    [Fact]
    public async Task Every_public_page_and_the_commitment_flow_pass_axe_with_the_WCAG_2_2_AA_rules()
    {
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var ambitionId = ambition["id"]!.GetValue<string>();
        var objectiveId = (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{ambitionId}"))["children"]![0]!["id"]!.GetValue<string>();
        var district = await Demo.KesselLoDistrictAsync(app.Public);
        var neighbourhood = await SignedInBrowser.KesselLoNeighbourhoodAsync(app);
        var commitment = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{Demo.SchoolResultCommitment}");

        var home = await LiveMapTests.OpenLiveHomeAsync(app, browser);
        await CheckAsync(home, "/");
        await CheckAsync(home, "/ at 390 px", width: 390);
        await home.Context.CloseAsync();

        var visitor = await browser.NewPageAsync();
        foreach (var path in new[]
        {
            "/goals", $"/goals/{ambitionId}", $"/goals/{objectiveId}", $"/commitments/{Demo.SchoolResultCommitment}",
            $"/participants/{commitment["participantId"]}", $"/places/{neighbourhood}", $"/places/{district["code"]}", "/places",
            "/sessions", "/account/sign-in", "/account/register", "/accessibility",
        })
        {
            Assert.Equal((int)HttpStatusCode.OK, (await visitor.GotoAsync(app.Url(path).ToString()))?.Status);
            await CheckAsync(visitor, path);
        }
        await visitor.Context.CloseAsync();

        // A person without a participant yet: the account page asks for the neighbourhood.
        var newcomer = await SignedInBrowser.RegisterAsync(app, browser, "Nog Geen Wijk", neighbourhoodCode: null);
        await CheckAsync(newcomer, "/account (no participant yet)");
        await newcomer.Context.CloseAsync();

        // A resident through the flow: step 1, step 2 of each level, and step 2 sent empty (its errors).
        var resident = await SignedInBrowser.RegisterAsync(app, browser, "Axe Bewoner", neighbourhood);
        await CheckAsync(resident, "/account");
        await resident.GotoAsync(app.Url($"/commitments/new?goal={Uri.EscapeDataString(objectiveId)}").ToString());
        await CheckAsync(resident, "/commitments/new (step 1)");
        foreach (var level in new[] { "pledge", "action", "result" })
        {
            await resident.GotoAsync(app.Url($"/commitments/new?goal={Uri.EscapeDataString(objectiveId)}&level={level}&step=2").ToString());
            await CheckAsync(resident, $"/commitments/new (step 2, {level})");
        }
        await resident.GetByRole(AriaRole.Button, new() { Name = "Bewaren en nalezen" }).ClickAsync();
        await Expect(resident.Locator("#t-metric")).ToBeVisibleAsync();
        await CheckAsync(resident, "/commitments/new (step 2, result, with errors)");
        await resident.Context.CloseAsync();

        output.WriteLine($"axe (WCAG 2.2 AA) on {_pages} pages: {_problems.Count} problems");
        Assert.True(_problems.Count == 0, $"On {_pages} pages:\n" + string.Join("\n", _problems));
    }

    private async Task CheckAsync(IPage page, string name, int? width = null)
    {
        if (width is { } w)
            await page.SetViewportSizeAsync(w, 844);
        _pages++;
        var results = await page.RunAxe(ScreenshotTests.Wcag22AA());
        _problems.AddRange(results.Violations.Select(v =>
            $"{name}: {v.Impact} {v.Id} ({v.Help}) at {string.Join(", ", v.Nodes.Take(4).Select(n => n.Target?.ToString()))}"));
        var selects = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('select[required]:not([multiple])')]
              .filter(s => !(s.size > 1) && !(s.options.length > 0 && s.options[0].value === '' && s.options[0].parentElement === s))
              .map(s => '#' + s.id + (s.options.length === 0 ? ' (no options)' : ' (first option "' + s.options[0].value + '")'))
            """);
        _problems.AddRange(selects.Select(s => $"{name}: a required select without an empty first option: {s}"));
    }
}
