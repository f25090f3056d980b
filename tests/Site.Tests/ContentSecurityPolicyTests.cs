using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests;

/// <summary>
/// The pages under their Content-Security-Policy (no inline script or style, no eval) in a real browser: the live map
/// and the pages' scripts work, and Chromium reports no violation, neither in the console nor as a
/// securitypolicyviolation event.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class ContentSecurityPolicyTests(SiteAppFixture app, BrowserFixture browser)
{
    /// <summary>Runs before the page's own scripts (Playwright injects it outside the page's CSP) and records every violation.</summary>
    private const string RecordViolations = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e =>
          window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + (e.sourceFile || '') + ':' + e.lineNumber));
        """;

    [Fact]
    public async Task The_home_page_with_its_live_map_and_replay_runs_without_a_policy_violation()
    {
        var (page, console) = await OpenAsync("/");
        await Expect(page.Locator(LiveMapTests.Map)).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
        await Expect(page.Locator(LiveMapTests.Neighbourhoods)).ToHaveCountAsync(24);
        // The replay fetches /api/map/replay and redraws: more script, more styles set through the DOM.
        await page.Locator("#map-replay button").First.ClickAsync();
        await page.WaitForTimeoutAsync(1_500);
        await AssertNoViolationsAsync(page, console, "/");
    }

    [Fact]
    public async Task Goal_commitment_participant_and_place_pages_run_without_a_policy_violation()
    {
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var commitment = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{Demo.SchoolResultCommitment}");
        var participant = commitment["participantId"]!.GetValue<string>();
        foreach (var path in new[] { $"/goals/{ambition["id"]}", $"/commitments/{Demo.SchoolResultCommitment}", $"/participants/{participant}", "/places/24062C", "/goals" })
        {
            var (page, console) = await OpenAsync(path);
            // The live stream stays open, so the network never idles: give the scripts a moment to run and subscribe.
            await page.WaitForLoadStateAsync(LoadState.Load);
            await page.WaitForTimeoutAsync(1_000);
            await AssertNoViolationsAsync(page, console, path);
        }
    }

    private async Task<(IPage Page, List<string> Console)> OpenAsync(string path)
    {
        var page = await browser.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (console)
                    console.Add(message.Text);
            }
        };
        await page.AddInitScriptAsync(RecordViolations);
        var response = await page.GotoAsync(app.Url(path).ToString());
        Assert.Equal((int)HttpStatusCode.OK, response?.Status);
        var csp = await response!.HeaderValueAsync("content-security-policy");
        Assert.True(csp is not null && csp.Contains("script-src 'self'", StringComparison.Ordinal), $"{path}: Content-Security-Policy {csp}");
        return (page, console);
    }

    private static async Task AssertNoViolationsAsync(IPage page, List<string> console, string path)
    {
        var violations = await page.EvaluateAsync<string[]>("() => window.__cspViolations");
        List<string> errors;
        lock (console)
            errors = [.. console.Where(m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))];
        await page.Context.CloseAsync();
        Assert.True(violations.Length == 0, $"{path}: securitypolicyviolation events:\n{string.Join("\n", violations)}");
        Assert.True(errors.Count == 0, $"{path}: console errors about the Content Security Policy:\n{string.Join("\n", errors)}");
    }
}
