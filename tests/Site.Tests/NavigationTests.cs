using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests;

/// <summary>Reaching and using a goal page in a real browser: by keyboard only, and with the commitment filters.</summary>
[Collection(SiteCollection.Name)]
public sealed partial class NavigationTests(SiteAppFixture app, BrowserFixture browser)
{
    /// <summary>The path of the focused element when it is a link, else null.</summary>
    private const string FocusedLinkPath =
        "() => { const a = document.activeElement; return a && a.tagName === 'A' && a.href ? new URL(a.href, location.href).pathname : null; }";

    [Fact]
    public async Task Keyboard_alone_reaches_a_goal_page_from_the_home_page()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(app.Url("/").ToString());

        await page.Keyboard.PressAsync("Tab");
        var first = await page.EvaluateAsync<string?>("() => document.activeElement?.textContent?.trim() ?? null");
        Assert.True(first?.Contains("Naar de inhoud", StringComparison.Ordinal) == true, $"The first Tab should reach the skip link 'Naar de inhoud', not '{first}'");

        await TabToAsync(page, path => path == "/goals", "the nav link to /goals", 40);
        await EnterNavigatesAsync(page, new Regex("/goals$"), "the nav link to /goals");
        await Expect(page.Locator("#goal-tree")).ToBeVisibleAsync(new() { Timeout = 30_000 });

        await TabToAsync(page, path => path.StartsWith("/goals/", StringComparison.Ordinal), "a link to a goal page", 80);
        await EnterNavigatesAsync(page, new Regex("/goals/[^/?#]+$"), "a link to a goal page");
        await Expect(page.Locator("h1").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("level", "result")]
    [InlineData("kind", "school")]
    public async Task Goal_page_filters_show_only_the_matching_commitments(string filter, string value)
    {
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync(app.Url($"/goals/{ambition["id"]}").ToString());
        Assert.Equal((int)HttpStatusCode.OK, response?.Status);

        var form = page.Locator("#commitment-filters");
        foreach (var name in new[] { "level", "kind", "neighbourhood", "status" })
            await Expect(form.Locator($"select[name=\"{name}\"]")).ToHaveCountAsync(1);
        var submit = form.Locator("button[type=\"submit\"], input[type=\"submit\"], button:not([type])");
        await Expect(submit).ToHaveCountAsync(1);

        await form.Locator($"select[name=\"{filter}\"]").SelectOptionAsync(value);
        await Task.WhenAll(page.WaitForURLAsync(url => url.Contains($"{filter}={value}", StringComparison.Ordinal)), submit.ClickAsync());

        var rows = page.Locator("#goal-commitments tbody tr");
        var values = await rows.EvaluateAllAsync<string?[]>($"rows => rows.map(r => r.getAttribute('data-{filter}'))");
        Assert.True(values.Length > 0, $"No commitment rows after filtering {filter}={value} (URL {page.Url})");
        Assert.True(values.All(v => v == value), $"After filtering {filter}={value} the rows have data-{filter}: {string.Join(", ", values.Distinct())}");
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// Presses Enter on the focused link and waits for the navigation to commit (not for every subresource: on a
    /// loaded 2-core machine "load" can be slow). In about one full run in five, Chromium left the first such
    /// navigation pending for 30 s (cause not found yet; it never happened when the test ran alone). Then Enter is
    /// pressed once more on the same, still focused link, and the test prints that it had to, with the requests the
    /// page made. A link that does not navigate at all still fails the test.
    /// </summary>
    private static async Task EnterNavigatesAsync(IPage page, Regex target, string what)
    {
        var requests = new List<string>();
        page.Request += (_, request) => { lock (requests) requests.Add($"{request.Method} {request.Url}"); };
        var focused = await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML ?? 'none'");
        for (var attempt = 1; ; attempt++)
        {
            await page.Keyboard.PressAsync("Enter");
            try
            {
                await page.WaitForURLAsync(target, new() { WaitUntil = WaitUntilState.Commit, Timeout = 15_000 });
                if (attempt > 1)
                    Console.WriteLine($"Site.Tests: Enter on {what} navigated only after press {attempt}; requests seen: {string.Join(", ", requests)}");
                return;
            }
            catch (TimeoutException) when (attempt < 2)
            {
            }
            catch (TimeoutException)
            {
                var now = await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML ?? 'none'");
                string seen;
                lock (requests)
                    seen = string.Join(", ", requests);
                Assert.Fail($"Enter on {what} did not navigate (still at {page.Url}). Focused before: {focused}; now: {now}; requests since: {seen}");
            }
        }
    }

    private static async Task TabToAsync(IPage page, Func<string, bool> wanted, string what, int maxTabs)
    {
        for (var tab = 0; tab < maxTabs; tab++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<string?>(FocusedLinkPath) is { } path && wanted(path))
                return;
        }
        Assert.Fail($"{maxTabs} presses of Tab on {page.Url} did not reach {what}.");
    }
}
