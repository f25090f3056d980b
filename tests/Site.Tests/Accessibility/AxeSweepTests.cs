using System.Diagnostics;
using Deque.AxeCore.Playwright;
using Xunit.Abstractions;

namespace CivicContracting.Site.Tests.Accessibility;

/// <summary>
/// axe with the WCAG 2.2 AA rules over every page of the <see cref="PageTour"/> (the public pages, the pages of a
/// signed-in person, the new-commitment flow's steps, the confirmation and the report form) in each of the site's
/// languages: no violation of any impact. With it, the HTML validator's rule for required selects (a first option with an
/// empty value, so "nothing chosen" is possible), which axe does not check.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class AxeSweepTests(SiteAppFixture app, BrowserFixture browser, ITestOutputHelper output)
{
    [Theory]
    [InlineData("nl")]
    [InlineData("fr")]
    [InlineData("en")]
    public async Task Every_page_and_the_commitment_flow_pass_axe_with_the_WCAG_2_2_AA_rules(string language)
    {
        var problems = new List<string>();
        var pages = 0;
        var clock = Stopwatch.StartNew();
        await PageTour.WalkAsync(app, browser, language, async stop =>
        {
            pages++;
            var html = await stop.Page.EvaluateAsync<string>("() => document.documentElement.lang");
            if (!html.StartsWith(language, StringComparison.Ordinal))
                problems.Add($"{stop.Name}: <html lang=\"{html}\"> in a {language} tour");
            var results = await stop.Page.RunAxe(ScreenshotTests.Wcag22AA());
            problems.AddRange(results.Violations.Select(v =>
                $"{stop.Name}: {v.Impact} {v.Id} ({v.Help}) at {string.Join(", ", v.Nodes.Take(4).Select(n => n.Target?.ToString()))}"));
            var selects = await stop.Page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('select[required]:not([multiple])')]
                  .filter(s => !(s.size > 1) && !(s.options.length > 0 && s.options[0].value === '' && s.options[0].parentElement === s))
                  .map(s => '#' + s.id + (s.options.length === 0 ? ' (no options)' : ' (first option "' + s.options[0].value + '")'))
                """);
            problems.AddRange(selects.Select(s => $"{stop.Name}: a required select without an empty first option: {s}"));
        });

        output.WriteLine($"axe (WCAG 2.2 AA) on {pages} pages in {language}: {problems.Count} problems, {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(pages >= 24, $"The tour stopped at only {pages} pages");
        Assert.True(problems.Count == 0, $"On {pages} pages in {language}:\n" + string.Join("\n", problems));
    }
}
