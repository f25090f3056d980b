using System.Globalization;
using System.Net;
using CivicContracting.Participants;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests;

/// <summary>
/// The embeddable widgets in a real browser: framed by a page of another origin (a second web server on another port),
/// a goal's widget follows a progress report made through the API without a reload, while the goal's own page refuses to
/// be framed; every widget passes axe in the three languages; the embed code is copied by its button.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class EmbedTests(SiteAppFixture app, BrowserFixture browser, ITestOutputHelper output)
{
    private const string WidgetFigure = "[data-embed-progress]";

    [Fact]
    public async Task A_goal_widget_framed_by_a_page_of_another_origin_shows_its_progress_and_follows_a_report_made_through_the_API_without_a_reload()
    {
        // A goal of its own with one school's result commitment (20 → 60 %), confirmed: the goal's progress comes from it.
        var goal = await app.Operator.DefineGoalAsync();
        var neighbourhood = (await Demo.PlacesAsync(app.Public, "neighbourhood"))[0]["code"]!.GetValue<string>();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, neighbourhood);
        var draft = await app.Operator.CommitAsync(school, neighbourhood, TestApi.ResultTerms(baseline: 20, target: 60), (goal, 1));
        await app.Operator.ConfirmAsync(draft.Id);

        var site = app.BaseAddress.GetLeftPart(UriPartial.Authority);
        await using var other = await OtherOrigin.StartAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>A school's website</title></head>
            <body><h1>Our school</h1>
            <iframe id="widget" src="{site}/embed/goals/{goal}" title="Our goal" width="420" height="260"></iframe>
            <iframe id="commitment" src="{site}/embed/commitments/{draft.Id}" title="Our commitment" width="420" height="260"></iframe>
            <iframe id="refused" src="{site}/goals/{goal}" title="The goal's page" width="420" height="260"></iframe>
            </body></html>
            """);
        Assert.NotEqual(new Uri(site).Port, other.Address.Port);

        var page = await browser.NewPageAsync();
        var refusedPolicy = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Response += (_, response) =>
        {
            if (response.Url == $"{site}/goals/{goal}")
                refusedPolicy.TrySetResult(response.Headers.GetValueOrDefault("content-security-policy"));
        };
        var console = new List<string>();
        page.Console += (_, message) => { lock (console) console.Add(message.Text); };
        var response = await page.GotoAsync(other.Address.ToString());
        Assert.Equal((int)HttpStatusCode.OK, response?.Status);

        var widget = page.FrameLocator("#widget");
        await Expect(widget.Locator("[data-live-status]")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
        var before = await widget.Locator(WidgetFigure).TextContentAsync();
        var commitmentWidget = page.FrameLocator("#commitment");
        await Expect(commitmentWidget.Locator("[data-live-status]")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
        var commitmentBefore = await commitmentWidget.Locator(WidgetFigure).TextContentAsync();
        var widgetFrame = page.Frames.Single(f => f.Url.StartsWith($"{site}/embed/goals/", StringComparison.Ordinal));
        await widgetFrame.EvaluateAsync("() => { window.__marker = 1; }");
        var navigations = 0;
        page.FrameNavigated += (_, frame) =>
        {
            if (frame == widgetFrame || frame == page.MainFrame)
                Interlocked.Increment(ref navigations);
        };

        // A report through the JSON API, as the school's own software would: 40 % on a 20 → 60 % target is half way.
        await (await app.Operator.PostAsync($"/api/commitments/{draft.Id}/progress", new { value = 40.0, note = "Telling na de zomer" }))
            .ReadAsync<System.Text.Json.Nodes.JsonObject>();
        var after = await Eventually.Value(() => widget.Locator(WidgetFigure).TextContentAsync(), text => text != before,
            TimeSpan.FromSeconds(15), "the framed widget's progress figure changing after the report");
        output.WriteLine($"Site.Tests: the framed widget's progress went from '{before}' to '{after}' without a reload.");
        Assert.Equal(50, Percent(after));
        // The commitment's widget reads the commitment again when its goal changes.
        var commitmentAfter = await Eventually.Value(() => commitmentWidget.Locator(WidgetFigure).TextContentAsync(), text => text != commitmentBefore,
            TimeSpan.FromSeconds(15), "the framed commitment widget's progress figure changing after the report");
        Assert.Equal(50, Percent(commitmentAfter));
        Assert.Equal(50.0, await widget.Locator("progress").EvaluateAsync<double>("p => p.value"));
        Assert.Equal(1, await widgetFrame.EvaluateAsync<int>("() => window.__marker"));
        Assert.Equal(0, navigations);

        // The goal's own page refused to be framed: its answer forbade every ancestor, and the frame shows none of it.
        var policy = await refusedPolicy.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        var refused = await (await page.QuerySelectorAsync("#refused"))!.ContentFrameAsync();
        Assert.NotNull(refused);
        Assert.Equal(0, await refused.Locator("[data-commit-to-goal]").CountAsync());
        Assert.False((await refused.ContentAsync()).Contains(goal, StringComparison.Ordinal), "the refused frame shows the goal's page");
        lock (console)
            output.WriteLine("Console: " + string.Join(" | ", console));
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("nl")]
    [InlineData("fr")]
    [InlineData("en")]
    public async Task Every_widget_and_the_embed_code_pass_axe_with_the_WCAG_2_2_AA_rules(string language)
    {
        var ambition = (await Demo.KesselLoAmbitionAsync(app.Public))["id"]!.GetValue<string>();
        var neighbourhood = (await Demo.PlacesAsync(app.Public, "neighbourhood"))[0]["code"]!.GetValue<string>();
        var problems = new List<string>();
        var page = await browser.NewPageAsync(480, 360);
        foreach (var path in new[] { $"/embed/goals/{ambition}", $"/embed/commitments/{Demo.SchoolResultCommitment}", $"/embed/places/{neighbourhood}", "/embed/places/24062", "/embed/map" })
        {
            var response = await page.GotoAsync(app.Url($"{path}?culture={language}").ToString());
            Assert.True(response?.Status == 200, $"{path}: {response?.Status}");
            Assert.StartsWith(language, await page.EvaluateAsync<string>("() => document.documentElement.lang"), StringComparison.Ordinal);
            await Expect(page.Locator("[data-live-status]")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
            if (path == "/embed/map")
                await Expect(page.Locator("#live-map")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
            problems.AddRange(await ScreenshotTests.SeriousViolationsAsync(page, path));
            problems.AddRange((await page.RunAxe(ScreenshotTests.Wcag22AA())).Violations.Where(v => v.Impact is not ("serious" or "critical"))
                .Select(v => $"{path}: {v.Impact} {v.Id} ({v.Help})"));
        }
        await page.Context.CloseAsync();

        // The goal page's embed code, opened, with its copy button (which needs the clipboard permission to copy).
        var goalPage = await browser.NewPageAsync();
        await goalPage.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = app.BaseAddress.GetLeftPart(UriPartial.Authority) });
        await goalPage.GotoAsync(app.Url($"/goals/{ambition}?culture={language}").ToString());
        await goalPage.Locator("[data-embed-code] summary").ClickAsync();
        var copy = goalPage.Locator("[data-embed-copy]");
        await Expect(copy).ToBeVisibleAsync();
        problems.AddRange(await ScreenshotTests.SeriousViolationsAsync(goalPage, $"/goals/{ambition} (embed code open)"));
        await copy.ClickAsync();
        await Expect(goalPage.Locator("[data-embed-copy-status]")).Not.ToBeEmptyAsync();
        var snippet = await goalPage.Locator("[data-embed-snippet]").InputValueAsync();
        Assert.StartsWith($"<iframe src=\"{app.BaseAddress.GetLeftPart(UriPartial.Authority)}/embed/goals/{ambition}\"", snippet, StringComparison.Ordinal);
        Assert.Equal(snippet, await goalPage.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await goalPage.Context.CloseAsync();

        Assert.True(problems.Count == 0, $"In {language}:\n" + string.Join("\n", problems));
    }

    [Fact]
    public async Task Every_widget_and_the_pages_with_embed_code_or_feed_links_are_valid_HTML()
    {
        var ambition = (await Demo.KesselLoAmbitionAsync(app.Public))["id"]!.GetValue<string>();
        var commitment = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{Demo.SchoolResultCommitment}");
        var folder = Directory.CreateTempSubdirectory("civic-vnu-embeds-");
        try
        {
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var path in new[]
            {
                $"/embed/goals/{ambition}", $"/embed/commitments/{Demo.SchoolResultCommitment}", "/embed/places/24062", "/embed/map",
                $"/goals/{ambition}", $"/commitments/{Demo.SchoolResultCommitment}", "/places/24062", "/", "/sessions",
                $"/participants/{commitment["participantId"]}",
            })
            {
                using var response = await app.Public.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
                var file = Path.Combine(folder.FullName, $"page-{files.Count + 1:D2}.html");
                await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync());
                files[Path.GetFileName(file)] = path;
            }
            var errors = await Accessibility.HtmlValidator.ErrorsAsync([.. files.Keys.Select(f => Path.Combine(folder.FullName, f))]);
            Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{files.GetValueOrDefault(e.File, e.File)} line {e.Line}: {e.Text} «{e.Extract.ReplaceLineEndings(" ").Trim()}»")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static int Percent(string? text)
    {
        var digits = new string((text ?? "").Where(char.IsAsciiDigit).ToArray());
        Assert.True(digits.Length > 0, $"Expected a percentage, got '{text}'");
        return int.Parse(digits, CultureInfo.InvariantCulture);
    }

    /// <summary>A second web server on another loopback port (so another origin) that serves one page.</summary>
    private sealed class OtherOrigin : IAsyncDisposable
    {
        private readonly WebApplication _host;

        private OtherOrigin(WebApplication host, Uri address)
        {
            _host = host;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<OtherOrigin> StartAsync(string html)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var host = builder.Build();
            host.MapGet("/", () => Results.Content(html, "text/html; charset=utf-8"));
            await host.StartAsync();
            var address = new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return new OtherOrigin(host, address);
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
        }
    }
}
