using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests;

/// <summary>The home page's live oil-stain map in a real browser: it goes live, follows the API's changes without a reload, and replays.</summary>
[Collection(SiteCollection.Name)]
public sealed class LiveMapTests(SiteAppFixture app, BrowserFixture browser, ITestOutputHelper output)
{
    public const string Map = "#live-map";
    public const string Neighbourhoods = "#live-map path.map-neighbourhood";
    public const string CityEngagedCommitments = "[data-live-scope=\"place:24062\"][data-live-field=\"totals.engagedCommitments\"]";

    /// <summary>Opens the home page and waits until its map is live.</summary>
    public static async Task<IPage> OpenLiveHomeAsync(SiteAppFixture app, BrowserFixture browser, int width = 1280, int height = 900)
    {
        var page = await browser.NewPageAsync(width, height);
        var response = await page.GotoAsync(app.Url("/").ToString());
        Assert.Equal((int)HttpStatusCode.OK, response?.Status);
        await Expect(page.Locator(Map)).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
        return page;
    }

    [Fact]
    public async Task Home_page_map_goes_live_with_the_24_neighbourhoods_a_legend_and_the_Statbel_attribution()
    {
        var page = await OpenLiveHomeAsync(app, browser);
        await Expect(page.Locator(Neighbourhoods)).ToHaveCountAsync(24);
        await Expect(page.Locator($"{Map} .map-legend")).ToBeVisibleAsync();
        await Expect(page.Locator(Map)).ToContainTextAsync("Statbel");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_new_confirmed_commitment_changes_the_counter_and_the_map_within_2_seconds_without_a_reload()
    {
        var page = await OpenLiveHomeAsync(app, browser);
        var counter = page.Locator(CityEngagedCommitments).First;
        await Expect(counter).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\d"));
        var before = Number(await counter.TextContentAsync());
        var updatedBefore = await page.EvaluateAsync<double?>($"() => {UpdatedJs}");
        await page.EvaluateAsync("() => { window.__marker = 1; }");
        // Every change of the city the page's one live stream accepts, so a failure says which stage lagged.
        await page.EvaluateAsync("""
            async () => {
              const src = document.querySelector('script[type="module"][src*="live.js"]').src;
              const { onChange } = await import(src);
              window.__city = [];
              onChange(c => { if (c.scope === 'place:24062') window.__city.push(c.version + ':' + c.snapshot.totals.engagedCommitments); }, { replay: false });
            }
            """);
        var navigations = 0;
        page.FrameNavigated += (_, frame) =>
        {
            if (frame == page.MainFrame)
                Interlocked.Increment(ref navigations);
        };

        // Through the JSON API, as an integrator would: a new school in Kessel-Lo commits to a Kessel-Lo objective and confirms.
        var district = await Demo.KesselLoDistrictAsync(app.Public);
        var neighbourhood = (await Demo.PlacesAsync(app.Public, "neighbourhood")).First(n => n["parentCode"]!.GetValue<string>() == district["code"]!.GetValue<string>())["code"]!.GetValue<string>();
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var objective = (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{ambition["id"]}"))["children"]![0]!["id"]!.GetValue<string>();
        var participant = (await SiteAppFixture.PostJsonAsync(app.Operator, "/api/participants",
            new { kind = "school", name = "Basisschool Live Test", neighbourhoodCode = neighbourhood }, HttpStatusCode.Created))["id"]!.GetValue<string>();
        var commitment = (await SiteAppFixture.PostJsonAsync(app.Operator, "/api/commitments", new
        {
            id = $"c-site-live-{Guid.NewGuid():N}",
            participantId = participant,
            goals = new[] { new { goalId = objective, weight = 1.0 } },
            neighbourhoodCode = neighbourhood,
            terms = new
            {
                level = "result",
                title = "Meer fietsers naar school",
                description = "Het aandeel verplaatsingen te voet of met de fiets.",
                target = new { metric = "aandeel actieve verplaatsingen", unit = "%", baseline = 20, target = 60, deadline = "2030-06-30" },
            },
        }, HttpStatusCode.Created))["id"]!.GetValue<string>();
        var text = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{commitment}/text");
        await SiteAppFixture.PostJsonAsync(app.Operator, $"/api/commitments/{commitment}/confirmation",
            new { confirmedBy = "De directie", textHash = text["textHash"]!.GetValue<string>() }, HttpStatusCode.OK);
        var acknowledged = Stopwatch.StartNew();

        try
        {
            await page.WaitForFunctionAsync(
                $"([selector, expected, updatedBefore]) => {{ const el = document.querySelector(selector); const updated = {UpdatedJs}; " +
                "return !!el && Number(el.textContent.replace(/\\D/g, '')) === expected && updated !== null && (updatedBefore === null || updated > updatedBefore); }",
                new object?[] { CityEngagedCommitments, before + 1, updatedBefore },
                new() { Timeout = 2_000 });
        }
        catch (TimeoutException)
        {
            var now = await counter.TextContentAsync();
            var updatedNow = await page.EvaluateAsync<double?>($"() => {UpdatedJs}");
            var received = await page.EvaluateAsync<string[]>("() => window.__city");
            var server = (await SiteAppFixture.GetJsonAsync(app.Public, "/api/places/24062"))["totals"]?["engagedCommitments"]?.ToJsonString();
            Assert.Fail($"2 s after the confirmation the city counter shows '{now}' (expected {before + 1}, was {before}) and the map's data-updated is {updatedNow?.ToString(CultureInfo.InvariantCulture) ?? "absent"} (was {updatedBefore?.ToString(CultureInfo.InvariantCulture) ?? "absent"}); " +
                $"the API now says {server ?? "nothing"}; the page's stream brought these city changes (version:count): [{string.Join(", ", received)}].");
        }
        var elapsed = acknowledged.Elapsed;
        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.__marker"));
        Assert.Equal(0, navigations);
        var figure = $"Site.Tests: the home page showed the new commitment {elapsed.TotalMilliseconds:N0} ms after the API acknowledged the confirmation (bound: 2,000 ms).";
        output.WriteLine(figure);
        Console.WriteLine(figure);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_replay_plays_the_spread_frame_by_frame_and_returns_to_live()
    {
        var page = await OpenLiveHomeAsync(app, browser);
        // Record every state and frame the map goes through, so a fast replay cannot slip between two looks.
        await page.EvaluateAsync("""
            () => {
              const map = document.querySelector('#live-map');
              window.__replay = { states: [map.dataset.state], frames: [] };
              new MutationObserver(() => {
                const r = window.__replay;
                if (r.states[r.states.length - 1] !== map.dataset.state) r.states.push(map.dataset.state);
                if (map.dataset.state === 'replay' && map.dataset.frame !== undefined && r.frames[r.frames.length - 1] !== Number(map.dataset.frame)) r.frames.push(Number(map.dataset.frame));
              }).observe(map, { attributes: true, attributeFilter: ['data-state', 'data-frame'] });
            }
            """);
        await page.Locator("#map-replay button").First.ClickAsync();
        await page.WaitForFunctionAsync("() => window.__replay.states.includes('replay')", null, new() { Timeout = 5_000 });
        await page.WaitForFunctionAsync("() => window.__replay.frames.length >= 2", null, new() { Timeout = 10_000 });
        await Expect(page.Locator(Map)).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 45_000 });

        var states = await page.EvaluateAsync<string[]>("() => window.__replay.states");
        var frames = await page.EvaluateAsync<double[]>("() => window.__replay.frames");
        Assert.True(states.Length >= 3 && states[0] == "live" && states.Contains("replay") && states[^1] == "live",
            $"The map's states went {string.Join(" → ", states)}");
        Assert.True(frames.Zip(frames.Skip(1)).All(p => p.Second > p.First), $"The replay's frames went {string.Join(" → ", frames)}");
        await page.Context.CloseAsync();
    }

    private static int Number(string? text)
    {
        var digits = new string((text ?? "").Where(char.IsAsciiDigit).ToArray());
        Assert.True(digits.Length > 0, $"Expected a number, got '{text}'");
        return int.Parse(digits, CultureInfo.InvariantCulture);
    }

    /// <summary>The map's data-updated as a number (a number as is, or a date as milliseconds), null when absent.</summary>
    private const string UpdatedJs =
        "(() => { const u = document.querySelector('#live-map')?.dataset.updated; if (u === undefined || u === '') return null; " +
        "const n = Number(u); return Number.isFinite(n) ? n : (Number.isFinite(Date.parse(u)) ? Date.parse(u) : null); })()";
}
