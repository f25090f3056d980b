using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests.Accessibility;

/// <summary>
/// The home page's map for a keyboard and for the eye: each neighbourhood is one named link (its area), reached within
/// 5 Tabs from the map's start and opened with Enter; the rings are pictures, neither Tab stops nor click targets; the
/// participant-kind colours have 3:1 against what they touch (WCAG 1.4.11), measured on the colours the page draws.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class MapAccessibilityTests(SiteAppFixture app, BrowserFixture browser, ITestOutputHelper output)
{
    private const string NeighbourhoodLinks = "#live-map a.map-neighbourhood-link";

    [Fact]
    public async Task From_the_maps_start_a_neighbourhood_is_reached_within_5_Tabs_and_Enter_opens_its_page()
    {
        var page = await LiveMapTests.OpenLiveHomeAsync(app, browser);
        await Expect(page.Locator(NeighbourhoodLinks)).ToHaveCountAsync(24);

        // The map's start: its first control (the goal filter).
        await page.Locator("#map-goal").FocusAsync();
        var tabs = 0;
        string? code = null;
        var walked = new List<string>();
        while (tabs < 5 && code is null)
        {
            await page.Keyboard.PressAsync("Tab");
            tabs++;
            var focused = await page.EvaluateAsync<JsonElement>(
                "() => { const el = document.activeElement; return { tag: el.tagName, code: el.matches('a.map-neighbourhood-link') ? el.getAttribute('data-code') : null, name: el.getAttribute('aria-label') || el.id || el.className?.baseVal || el.className || '' }; }");
            walked.Add($"{focused.GetProperty("tag").GetString()} {focused.GetProperty("name").GetString()}");
            code = focused.GetProperty("code").GetString();
        }
        Assert.True(code is not null, $"No neighbourhood after {tabs} Tabs from the map's start; focus went: {string.Join(" → ", walked)}");
        output.WriteLine($"first neighbourhood after {tabs} Tab(s): {string.Join(" → ", walked)}");

        // Named by its figures ("Kessel-Lo: 12 engagementen, …"), a link to its page.
        var link = page.Locator($"{NeighbourhoodLinks}[data-code=\"{code}\"]");
        var name = await link.GetAttributeAsync("aria-label");
        var place = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/places/{code}");
        Assert.Matches(new Regex($"^{Regex.Escape(place["name"]!.GetValue<string>())}: .*(engagement|nog geen)"), name ?? "");
        await Expect(link).ToHaveAttributeAsync("href", $"/places/{code}");

        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex($"/places/{Regex.Escape(code)}$"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Every_neighbourhood_is_one_named_link_and_the_rings_are_neither_Tab_stops_nor_click_targets()
    {
        var page = await LiveMapTests.OpenLiveHomeAsync(app, browser);
        await Expect(page.Locator(NeighbourhoodLinks)).ToHaveCountAsync(24);
        var report = await page.EvaluateAsync<JsonElement>("""
            () => {
              const map = document.querySelector('#live-map .leaflet-container');
              const focusable = [...map.querySelectorAll('*')].filter(el => el.tabIndex >= 0 && !el.closest('.leaflet-control-container'));
              const unnamed = focusable.filter(el => !el.matches('a.map-neighbourhood-link[href][aria-label]')).map(el => el.outerHTML.slice(0, 120));
              const links = [...document.querySelectorAll('#live-map a.map-neighbourhood-link')];
              const missed = [];
              for (const marker of document.querySelectorAll('#live-map .map-marker')) {
                const glyph = marker.querySelector('.map-glyph').getBoundingClientRect();
                if (glyph.width === 0) continue;
                const x = glyph.left + glyph.width / 2, y = glyph.top + glyph.height / 2;
                if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
                const hit = document.elementFromPoint(x, y);
                const area = hit && hit.closest('a.map-neighbourhood-link');
                if (!area) missed.push(marker.dataset.code + ': ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing'));
              }
              return {
                unnamed,
                names: links.map(a => a.getAttribute('aria-label')),
                codes: new Set(links.map(a => a.getAttribute('data-code'))).size,
                markersHidden: [...document.querySelectorAll('#live-map .map-marker')].every(m => m.getAttribute('aria-hidden') === 'true'),
                missed,
              };
            }
            """);
        var unnamed = report.GetProperty("unnamed").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.True(unnamed.Count == 0, $"Tab stops in the map that are not a named neighbourhood link: {string.Join(" | ", unnamed)}");
        Assert.Equal(24, report.GetProperty("codes").GetInt32());
        Assert.All(report.GetProperty("names").EnumerateArray(), n => Assert.Matches(": ", n.GetString() ?? ""));
        Assert.True(report.GetProperty("markersHidden").GetBoolean(), "A ring is exposed to assistive technology");
        var missed = report.GetProperty("missed").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.True(missed.Count == 0, $"A click on a ring's centre does not reach a neighbourhood link: {string.Join(" | ", missed)}");
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// The rings of the city centre's small neighbourhoods overlapped at 1280 px and piled up at 390 px. Measured on the
    /// page: each ring's outer circle (its white halo) by its bounding box; no two rings of different neighbourhoods
    /// overlap by more than 1 px. Measured again after a zoom in and out, which redraws every ring.
    /// </summary>
    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task The_rings_of_different_neighbourhoods_do_not_overlap(int width, int height)
    {
        var page = await LiveMapTests.OpenLiveHomeAsync(app, browser, width, height);
        await Expect(page.Locator("#live-map .map-marker")).ToHaveCountAsync(24);
        await AssertNoRingsOverlapAsync(page, $"{width} px");

        await page.Locator("#live-map .leaflet-control-zoom-in").ClickAsync();
        await AssertNoRingsOverlapAsync(page, $"{width} px, zoomed in");
        await page.Locator("#live-map .leaflet-control-zoom-out").ClickAsync();
        await AssertNoRingsOverlapAsync(page, $"{width} px, zoomed out again");
        await page.Context.CloseAsync();
    }

    private async Task AssertNoRingsOverlapAsync(IPage page, string where)
    {
        const double Tolerance = 1;
        // The rings are placed at the frame after a redraw (and a zoom animates): wait until they hold still.
        string? previous = null;
        var closest = 0.0;
        var overlaps = await Eventually.Value(async () =>
        {
            var rings = await page.EvaluateAsync<JsonElement>("""
                () => [...document.querySelectorAll('#live-map .map-marker')].map(m => {
                  const r = m.querySelector('.map-glyph__svg circle').getBoundingClientRect();
                  return { code: m.dataset.code, x: r.left + r.width / 2, y: r.top + r.height / 2, r: Math.max(r.width, r.height) / 2 };
                })
                """);
            var list = rings.EnumerateArray().Select(r => (Code: r.GetProperty("code").GetString()!, X: r.GetProperty("x").GetDouble(),
                Y: r.GetProperty("y").GetDouble(), R: r.GetProperty("r").GetDouble())).ToList();
            var found = new List<string>();
            closest = double.MaxValue;
            for (var i = 0; i < list.Count; i++)
            {
                for (var j = i + 1; j < list.Count; j++)
                {
                    var (a, b) = (list[i], list[j]);
                    var overlap = a.R + b.R - Math.Sqrt(Math.Pow(a.X - b.X, 2) + Math.Pow(a.Y - b.Y, 2));
                    closest = Math.Min(closest, -overlap);
                    if (a.R > 0 && b.R > 0 && overlap > Tolerance)
                        found.Add(string.Create(CultureInfo.InvariantCulture, $"{a.Code} (r {a.R:0.0}) and {b.Code} (r {b.R:0.0}) by {overlap:0.0} px"));
                }
            }
            var snapshot = string.Join(";", list.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.X:0.0},{r.Y:0.0},{r.R:0.0}")));
            var still = snapshot == previous;
            previous = snapshot;
            return (Still: still, Rings: list.Count, Overlaps: string.Join("; ", found));
        }, m => m.Still && m.Rings == 24 && m.Overlaps.Length == 0, TimeSpan.FromSeconds(10), $"the 24 rings at {where} holding still without overlaps");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{where}: {overlaps.Rings} rings, none overlapping; the closest two {closest:0.0} px apart"));
    }

    [Fact]
    public async Task Ring_colours_have_3_to_1_against_the_halo_and_the_map_the_halo_stands_out_from_every_fill_and_neighbouring_kinds_differ()
    {
        var page = await LiveMapTests.OpenLiveHomeAsync(app, browser);
        await Expect(page.Locator("#live-map .map-legend__ring")).ToHaveCountAsync(6);
        var colours = await page.EvaluateAsync<JsonElement>("""
            () => {
              const rgb = (c) => { const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(c); return m ? [+m[1], +m[2], +m[3]] : null; };
              const probe = document.createElement('span');
              document.body.append(probe);
              const css = (c) => { probe.style.color = ''; probe.style.color = c; return rgb(getComputedStyle(probe).color); };
              // A ring with participants: its white halo, then the halo's edge, then the kinds' arcs.
              const svg = document.querySelector('#live-map circle[stroke-dasharray]').ownerSVGElement;
              const [halo, edge] = svg.querySelectorAll('circle');
              const result = {
                legend: [...document.querySelectorAll('#live-map .map-legend__kind')].map(li => ({ label: li.textContent.trim(), colour: rgb(getComputedStyle(li.querySelector('.map-legend__ring')).borderTopColor) })),
                rings: [...new Set([...document.querySelectorAll('#live-map .map-glyph__svg circle[stroke-dasharray]')].map(c => c.getAttribute('stroke')))].map(css),
                haloFill: css(halo.getAttribute('fill')),
                haloEdge: css(edge.getAttribute('stroke')),
                haloEdgeOpacity: edge.getAttribute('stroke-opacity'),
                background: rgb(getComputedStyle(document.querySelector('#live-map .leaflet-container')).backgroundColor),
                fills: [...document.querySelectorAll('#live-map .map-legend__swatch')].map(s => rgb(getComputedStyle(s).backgroundColor)),
              };
              probe.remove();
              return result;
            }
            """);
        static Rgb Read(JsonElement e) => new(e[0].GetInt32(), e[1].GetInt32(), e[2].GetInt32());
        var legend = colours.GetProperty("legend").EnumerateArray().Select(k => (Label: k.GetProperty("label").GetString()!, Colour: Read(k.GetProperty("colour")))).ToList();
        var rings = colours.GetProperty("rings").EnumerateArray().Select(Read).ToList();
        var haloFill = Read(colours.GetProperty("haloFill"));
        var haloEdge = Read(colours.GetProperty("haloEdge"));
        var background = Read(colours.GetProperty("background"));
        var fills = colours.GetProperty("fills").EnumerateArray().Select(Read).ToList();
        Assert.Equal(6, legend.Count);
        Assert.Equal(8, fills.Count);
        Assert.True(rings.Count >= 3, $"Only {rings.Count} ring colours drawn");
        Assert.All(rings, r => Assert.Contains(r, legend.Select(l => l.Colour)));

        var problems = new List<string>();
        // An opaque edge: its colour is what is measured.
        if (colours.GetProperty("haloEdgeOpacity").ValueKind != JsonValueKind.Null)
            problems.Add($"The halo's edge is drawn with stroke-opacity {colours.GetProperty("haloEdgeOpacity")}");
        foreach (var (label, colour) in legend)
        {
            var onHalo = Contrast(colour, haloFill);
            var onMap = Contrast(colour, background);
            output.WriteLine($"{label} {colour}: {onHalo:0.00} against the halo {haloFill}, {onMap:0.00} against the map {background}");
            if (onHalo < 3 || onMap < 3)
                problems.Add($"{label} {colour}: {onHalo:0.00} against the halo, {onMap:0.00} against the map (WCAG 1.4.11 asks 3:1)");
        }
        foreach (var fill in fills.Append(background))
        {
            var best = Math.Max(Contrast(haloFill, fill), Contrast(haloEdge, fill));
            if (best < 3)
                problems.Add($"The ring's halo ({haloFill} edged {haloEdge}) has only {best:0.00} against the fill {fill}");
        }
        for (var i = 1; i < legend.Count; i++)
        {
            var between = Contrast(legend[i - 1].Colour, legend[i].Colour);
            output.WriteLine($"legend neighbours {legend[i - 1].Label} / {legend[i].Label}: {between:0.00}");
            // Apart in lightness too, not by hue alone, so neighbours stay apart for people who do not see the hue.
            if (between < 1.75)
                problems.Add($"Neighbouring legend swatches {legend[i - 1].Label} and {legend[i].Label} differ by only {between:0.00}:1");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await page.Context.CloseAsync();
    }

    private sealed record Rgb(int R, int G, int B)
    {
        public double Luminance => 0.2126 * Linear(R) + 0.7152 * Linear(G) + 0.0722 * Linear(B);

        private static double Linear(int channel)
        {
            var c = channel / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"#{R:X2}{G:X2}{B:X2}");
    }

    /// <summary>The WCAG contrast ratio (relative luminance).</summary>
    private static double Contrast(Rgb a, Rgb b)
    {
        var (light, dark) = a.Luminance >= b.Luminance ? (a.Luminance, b.Luminance) : (b.Luminance, a.Luminance);
        return (light + 0.05) / (dark + 0.05);
    }
}
