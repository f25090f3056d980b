using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests.Accessibility;

/// <summary>
/// The whole commitment flow with the keyboard only (Tab, Shift+Tab, the arrow keys in a radio group, Enter, Space and
/// typing; no click): from the goal page's "commit" link to step 1, step 2 sent with errors (the summary has the focus,
/// its link moves to the field), fixed, confirmed, and a progress report. Every control the focus reaches on the way shows
/// a visible focus indicator.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class KeyboardFlowTests(SiteAppFixture app, BrowserFixture browser, ITestOutputHelper output)
{
    private const int MaxTabs = 80;

    private readonly List<string> _invisible = [];
    private int _reached;

    [Fact]
    public async Task A_resident_commits_confirms_and_reports_with_the_keyboard_only_and_always_sees_the_focus()
    {
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var objectiveId = (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{ambition["id"]}"))["children"]![0]!["id"]!.GetValue<string>();
        var (page, _) = await PageTour.OpenAsync(app, browser, "nl");
        // Set-up, not under test: an account.
        await PageTour.RegisterAsync(page, app, "Toetsenbord Bewoner", await SignedInBrowser.KesselLoNeighbourhoodAsync(app));

        // The goal's page: Tab from the top to its "commit" link, Enter.
        await PageTour.GoAsync(page, app, $"/goals/{objectiveId}");
        await TabToAsync(page, "[data-commit-to-goal]");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex(@"/commitments/new\?goal="));
        await Expect(page.Locator("#goal")).ToHaveValueAsync(objectiveId);

        // Step 1: into the level group, the arrow keys to "result", Space; on to "Next", Enter.
        await TabToAsync(page, "input[name=level]");
        while (!await page.EvaluateAsync<bool>("() => document.activeElement.id === 'level-result'"))
            await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("Space");
        await Expect(page.Locator("#level-result")).ToBeCheckedAsync();
        await AssertFocusVisibleAsync(page, "step 1");
        await TabToAsync(page, "main form button[type=submit]");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#t-metric")).ToBeVisibleAsync();

        // Step 2 sent empty: the error summary has the focus; its first link (Tab, Enter) moves to the title field.
        await TabToAsync(page, "main form[method=post] button[type=submit]");
        await page.Keyboard.PressAsync("Enter");
        var summary = page.Locator("[data-error-summary]");
        await Expect(summary).ToBeFocusedAsync();
        await AssertFocusVisibleAsync(page, "the error summary");
        await page.Keyboard.PressAsync("Tab");
        await Expect(summary.Locator("a[href=\"#terms-title\"]")).ToBeFocusedAsync();
        await AssertFocusVisibleAsync(page, "the summary's first link");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#terms-title")).ToBeFocusedAsync();
        await AssertFocusVisibleAsync(page, "#terms-title after the summary's link");

        // Fixed by typing, field after field with Tab; one step back with Shift+Tab to correct the unit.
        await page.Keyboard.TypeAsync("Elke schooldag met de fiets");
        await TypeIntoAsync(page, "#t-metric", "schooldagen per maand met de fiets");
        await TypeIntoAsync(page, "#t-unit", "dagen");
        await TypeIntoAsync(page, "#t-baseline", "4");
        await page.Keyboard.PressAsync("Shift+Tab");
        await Expect(page.Locator("#t-unit")).ToBeFocusedAsync();
        await AssertFocusVisibleAsync(page, "#t-unit (Shift+Tab)");
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync(" per maand");
        await TypeIntoAsync(page, "#t-target", "18");
        await TabToAsync(page, "#t-deadline");
        await TypeDateAsync(page, "#t-deadline", new DateOnly(2027, 6, 30));
        await TabToAsync(page, "main form[method=post] button[type=submit]");
        await page.Keyboard.PressAsync("Enter");
        // The summary link's fragment (#terms-title) stays on the address through the form posts and their redirects.
        await Expect(page).ToHaveURLAsync(new Regex("/commitments/[^/]+/confirm(#[^/]*)?$"));
        var commitmentId = Regex.Match(page.Url, "/commitments/([^/]+)/confirm").Groups[1].Value;

        // The formal confirmation: Space ticks the box, Enter on the button confirms.
        await TabToAsync(page, "#commit");
        await page.Keyboard.PressAsync("Space");
        await Expect(page.Locator("#commit")).ToBeCheckedAsync();
        await TabToAsync(page, "main form:has(#commit) button[type=submit]");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex($"/commitments/{commitmentId}\\?confirmed=1(#[^/]*)?$"));

        // A progress report from the commitment's page.
        await TabToAsync(page, $"main a[href=\"/commitments/{commitmentId}/report\"]");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex($"/commitments/{commitmentId}/report(#[^/]*)?$"));
        await TypeIntoAsync(page, "#value", "12");
        await TypeIntoAsync(page, "#note", "Een goede maand, met het toetsenbord gemeld.");
        await TabToAsync(page, "main form[method=post] button[type=submit]");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("main")).ToContainTextAsync("met het toetsenbord gemeld.");

        var saved = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{commitmentId}");
        Assert.Equal("schooldagen per maand met de fiets", saved["terms"]!["target"]!["metric"]!.GetValue<string>());
        Assert.Equal("dagen per maand", saved["terms"]!["target"]!["unit"]!.GetValue<string>());
        Assert.Equal(12, saved["currentValue"]!.GetValue<double>());
        output.WriteLine($"{_reached} controls reached with the keyboard");
        Assert.True(_invisible.Count == 0, "Focus not visible on:\n" + string.Join("\n", _invisible));
        await page.Context.CloseAsync();
    }

    /// <summary>Tab into <paramref name="selector"/> and type <paramref name="text"/>.</summary>
    private async Task TypeIntoAsync(IPage page, string selector, string text)
    {
        await TabToAsync(page, selector);
        await page.Keyboard.TypeAsync(text);
    }

    /// <summary>
    /// A date typed into a date field's segments. Their order is the browser's (headless Chromium shows month/day/year
    /// whatever the page's locale), so each order is tried, the field entered anew with Shift+Tab and Tab each time.
    /// </summary>
    private static async Task TypeDateAsync(IPage page, string selector, DateOnly date)
    {
        var expected = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var tried = new List<string>();
        foreach (var order in new[] { "mdy", "dmy", "ymd" })
        {
            if (tried.Count > 0)
            {
                // Back to the first segment, each segment emptied (Backspace), and back to the first again.
                await page.Keyboard.PressAsync("Shift+Tab");
                await page.Keyboard.PressAsync("Tab");
                for (var segment = 0; segment < 3; segment++)
                {
                    await page.Keyboard.PressAsync("Backspace");
                    await page.Keyboard.PressAsync("ArrowRight");
                }
                await page.Keyboard.PressAsync("Shift+Tab");
                await page.Keyboard.PressAsync("Tab");
            }
            foreach (var part in order)
                await page.Keyboard.TypeAsync(part switch { 'd' => date.Day.ToString("D2", CultureInfo.InvariantCulture), 'm' => date.Month.ToString("D2", CultureInfo.InvariantCulture), _ => date.Year.ToString("D4", CultureInfo.InvariantCulture) });
            var value = await page.Locator(selector).InputValueAsync();
            if (value == expected)
                return;
            tried.Add($"{order}: \"{value}\"");
        }
        Assert.Fail($"{selector}: typing {expected} in any segment order gave {string.Join(", ", tried)}");
    }

    /// <summary>Presses Tab until the focus is on <paramref name="selector"/>, checking the focus is visible on every control it passes.</summary>
    private async Task TabToAsync(IPage page, string selector)
    {
        // The page's style sheet loaded: a focus ring is drawn by it.
        await page.WaitForLoadStateAsync(LoadState.Load);
        var walked = new List<string>();
        for (var tabs = 0; tabs < MaxTabs; tabs++)
        {
            await page.Keyboard.PressAsync("Tab");
            var (name, matches) = await AssertFocusVisibleAsync(page, $"on the way to {selector}", selector);
            walked.Add(name);
            if (matches)
                return;
        }
        Assert.Fail($"{selector} not reached in {MaxTabs} Tabs on {page.Url}; focus went: {string.Join(" → ", walked.TakeLast(20))}");
    }

    /// <summary>The focused element shows a focus indicator: an outline of at least 2 px or a box-shadow ring (WCAG 2.4.7).</summary>
    private async Task<(string Name, bool Matches)> AssertFocusVisibleAsync(IPage page, string where, string? selector = null)
    {
        var focus = await page.EvaluateAsync<JsonElement>("""
            (selector) => {
              const el = document.activeElement;
              const style = getComputedStyle(el);
              const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
              const shadow = style.boxShadow && style.boxShadow !== 'none';
              const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.getAttribute('href') ? '[href=' + el.getAttribute('href') + ']' : '')
                + ' "' + (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 30) + '"';
              const seen = 'outline ' + style.outlineStyle + ' ' + style.outlineWidth + ', box-shadow ' + style.boxShadow + ', :focus-visible ' + el.matches(':focus-visible');
              return { name, seen, body: el === document.body, visible: outline || shadow, matches: selector ? el.matches(selector) : false };
            }
            """, selector);
        var name = focus.GetProperty("name").GetString()!;
        _reached++;
        if (focus.GetProperty("body").GetBoolean())
            _invisible.Add($"{where}: the focus is on <body> ({page.Url})");
        else if (!focus.GetProperty("visible").GetBoolean())
            _invisible.Add($"{where}: {name} ({focus.GetProperty("seen").GetString()}; {page.Url})");
        return (name, focus.GetProperty("matches").GetBoolean());
    }
}
