using System.Net;
using CivicContracting.Tests.Support;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests;

/// <summary>What people see: full-page screenshots at a desktop and a phone size (kept in artifacts/screenshots), and an accessibility scan.</summary>
[Collection(SiteCollection.Name)]
public sealed class ScreenshotTests(SiteAppFixture app, BrowserFixture browser, ITestOutputHelper output)
{
    private static readonly (int Width, int Height)[] Sizes = [(1280, 900), (390, 844)];

    [Fact]
    public async Task Home_and_goal_pages_are_captured_at_desktop_and_phone_sizes_without_horizontal_scrolling()
    {
        var folder = Path.Combine(Repository.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var tooWide = new List<string>();
        foreach (var (width, height) in Sizes)
        {
            var home = await LiveMapTests.OpenLiveHomeAsync(app, browser, width, height);
            await Expect(home.Locator(LiveMapTests.Neighbourhoods)).ToHaveCountAsync(24);
            tooWide.AddRange(await CaptureAsync(home, folder, "home", width, height));
            await home.Context.CloseAsync();

            var goal = await browser.NewPageAsync(width, height);
            var response = await goal.GotoAsync(app.Url($"/goals/{ambition["id"]}").ToString());
            Assert.Equal((int)HttpStatusCode.OK, response?.Status);
            await Expect(goal.Locator("h1").First).ToBeVisibleAsync();
            tooWide.AddRange(await CaptureAsync(goal, folder, "goal", width, height));
            await goal.Context.CloseAsync();
        }
        Assert.True(tooWide.Count == 0, string.Join("; ", tooWide));
    }

    [Fact]
    public async Task Home_and_goal_pages_have_no_serious_or_critical_accessibility_violations()
    {
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var problems = new List<string>();

        var home = await LiveMapTests.OpenLiveHomeAsync(app, browser);
        problems.AddRange(await SeriousViolationsAsync(home, "/"));
        await home.Context.CloseAsync();

        var goal = await browser.NewPageAsync();
        await goal.GotoAsync(app.Url($"/goals/{ambition["id"]}").ToString());
        problems.AddRange(await SeriousViolationsAsync(goal, $"/goals/{ambition["id"]}"));
        await goal.Context.CloseAsync();

        Assert.True(problems.Count == 0, "axe found serious or critical violations:\n" + string.Join("\n", problems));
    }

    private async Task<IEnumerable<string>> CaptureAsync(IPage page, string folder, string name, int width, int height)
    {
        var path = Path.Combine(folder, $"{name}-{width}x{height}.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 0, $"Empty screenshot {path}");
        // Shown with the test's output, and in the plain `dotnet test` log (./test.sh) where passing tests' output is not.
        output.WriteLine($"screenshot: {path}");
        Console.WriteLine($"Site.Tests screenshot: {path}");
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        return scrollWidth > width ? [$"{name} at {width}×{height} is {scrollWidth} px wide (horizontal scrolling)"] : [];
    }

    /// <summary>The WCAG 2.2 AA rules (A and AA of 2.0, 2.1 and 2.2): axe runs only these.</summary>
    internal static AxeRunOptions Wcag22AA() => new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    };

    internal static async Task<IEnumerable<string>> SeriousViolationsAsync(IPage page, string path)
    {
        var results = await page.RunAxe(Wcag22AA());
        return results.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{path}: {v.Impact} {v.Id} ({v.Help}) at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}");
    }
}
