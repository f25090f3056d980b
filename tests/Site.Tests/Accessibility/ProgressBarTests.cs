using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests.Accessibility;

/// <summary>
/// The &lt;progress&gt; bars after live updates: each bar's value, read against its max, is the percentage printed beside
/// it — on /goals and on a goal page, once a change pushed by the server (a confirmation and a report made through the
/// API) has reached the page. (live.js used to write the 0–1 fraction into max="100" bars: 0.44 of 100 beside "44 %".)
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class ProgressBarTests(SiteAppFixture app, BrowserFixture browser, ITestOutputHelper output)
{
    /// <summary>Every live progress bar with the percentage shown for the same scope: {scope, value, max, shown}.</summary>
    private const string BarsJs = """
        () => [...document.querySelectorAll('progress[data-live-field="progress"]')].map(bar => {
          const scope = bar.getAttribute('data-live-scope');
          const shown = [...document.querySelectorAll('[data-live-field="progress"][data-live-format="percent"]')]
            .find(el => el.getAttribute('data-live-scope') === scope);
          return { scope, value: bar.value, max: bar.max, shown: shown ? shown.textContent : null };
        })
        """;

    /// <summary>Records the changes live.js accepts, through its own module (the same URL, so the same connection).</summary>
    private const string RecordChangesJs = """
        async () => {
          const src = document.querySelector('script[type="module"][src*="live.js"]').src;
          const live = await import(src);
          window.__changes = [];
          live.onChange((change) => window.__changes.push(change));
        }
        """;

    [Fact]
    public async Task Progress_bars_on_the_goals_page_and_a_goal_page_show_the_printed_percentage_after_a_live_update()
    {
        // A Kessel-Lo objective whose bar on /goals shows some progress (a bar at 0 would match any scale).
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var objectives = (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{ambition["id"]}"))["children"]!.AsArray()
            .Select(c => c!["id"]!.GetValue<string>()).ToList();
        var goals = await OpenLiveAsync("/goals");
        var withProgress = (await BarsAsync(goals)).Where(b => b.Value > 0).Select(b => b.Scope).ToHashSet();
        var objective = objectives.FirstOrDefault(o => withProgress.Contains($"goal:{o}"));
        Assert.True(objective is not null, $"No Kessel-Lo objective shows progress on /goals (bars with progress: {string.Join(", ", withProgress)})");
        var scope = $"goal:{objective}";
        var goal = await OpenLiveAsync($"/goals/{objective}");
        var engagedSelector = $"main [data-live-scope=\"{scope}\"][data-live-field=\"totals.engagedCommitments\"]";
        var engagedBefore = Number(await goal.Locator(engagedSelector).First.TextContentAsync());

        // Through the JSON API: a school commits to the objective, confirms and reports its target reached.
        var neighbourhood = await SignedInBrowser.KesselLoNeighbourhoodAsync(app);
        var participant = (await SiteAppFixture.PostJsonAsync(app.Operator, "/api/participants",
            new { kind = "school", name = "Basisschool Voortgangsbalk", neighbourhoodCode = neighbourhood }, HttpStatusCode.Created))["id"]!.GetValue<string>();
        var commitment = (await SiteAppFixture.PostJsonAsync(app.Operator, "/api/commitments", new
        {
            id = $"c-site-progress-{Guid.NewGuid():N}",
            participantId = participant,
            goals = new[] { new { goalId = objective, weight = 1.0 } },
            neighbourhoodCode = neighbourhood,
            terms = new
            {
                level = "result",
                title = "Alle leerlingen te voet of met de fiets",
                description = "Het aandeel verplaatsingen te voet of met de fiets.",
                target = new { metric = "aandeel actieve verplaatsingen", unit = "%", baseline = 20, target = 60, deadline = "2030-06-30" },
            },
        }, HttpStatusCode.Created))["id"]!.GetValue<string>();
        var text = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{commitment}/text");
        await SiteAppFixture.PostJsonAsync(app.Operator, $"/api/commitments/{commitment}/confirmation",
            new { confirmedBy = "De directie", textHash = text["textHash"]!.GetValue<string>() }, HttpStatusCode.OK);
        await SiteAppFixture.PostJsonAsync(app.Operator, $"/api/commitments/{commitment}/progress",
            new { reportId = "r-1", value = 60 }, HttpStatusCode.OK);

        foreach (var (page, path) in new[] { (goals, "/goals"), (goal, $"/goals/{objective}") })
        {
            // The change that counts the new commitment has been applied to the page.
            await page.WaitForFunctionAsync(
                "([scope, engaged]) => (window.__changes || []).some(c => c.scope === scope && c.snapshot.totals.engagedCommitments >= engaged && typeof c.snapshot.progress === 'number')",
                new object[] { scope, engagedBefore + 1 }, new() { Timeout = 15_000 });
            var bars = await BarsAsync(page);
            Assert.Contains(bars, b => b.Scope == scope);
            foreach (var bar in bars)
            {
                Assert.True(bar.Shown is not null, $"{path}: the bar of {bar.Scope} has no percentage beside it");
                var shown = Percent(bar.Shown);
                var read = 100 * bar.Value / bar.Max;
                Assert.True(Math.Abs(read - shown) <= 0.5 + 1e-9,
                    $"{path}: the bar of {bar.Scope} reads {bar.Value.ToString(CultureInfo.InvariantCulture)} of {bar.Max.ToString(CultureInfo.InvariantCulture)} ({read:0.##} %) beside '{bar.Shown}'");
            }
            output.WriteLine($"{path}: {bars.Count} live progress bars match their percentages after the live update");
        }
        await goals.Context.CloseAsync();
        await goal.Context.CloseAsync();
    }

    private async Task<IPage> OpenLiveAsync(string path)
    {
        var page = await browser.NewPageAsync();
        Assert.Equal((int)HttpStatusCode.OK, (await page.GotoAsync(app.Url(path).ToString()))?.Status);
        await page.EvaluateAsync(RecordChangesJs);
        await Expect(page.Locator("[data-live-status]")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
        return page;
    }

    private static async Task<IReadOnlyList<Bar>> BarsAsync(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>(BarsJs);
        return [.. json.EnumerateArray().Select(b => new Bar(
            b.GetProperty("scope").GetString() ?? "", b.GetProperty("value").GetDouble(), b.GetProperty("max").GetDouble(),
            b.GetProperty("shown").ValueKind == JsonValueKind.String ? b.GetProperty("shown").GetString() : null))];
    }

    private sealed record Bar(string Scope, double Value, double Max, string? Shown);

    private static double Percent(string? text)
    {
        var digits = new string((text ?? "").Where(char.IsAsciiDigit).ToArray());
        Assert.True(digits.Length > 0, $"Expected a percentage, got '{text}'");
        return int.Parse(digits, CultureInfo.InvariantCulture);
    }

    private static int Number(string? text)
    {
        var digits = new string((text ?? "").Where(char.IsAsciiDigit).ToArray());
        Assert.True(digits.Length > 0, $"Expected a number, got '{text}'");
        return int.Parse(digits, CultureInfo.InvariantCulture);
    }
}
