using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests;

/// <summary>
/// The interactive API reference (/api/docs, Scalar) in a real browser: it renders the app's own OpenAPI document (an
/// operation's title shows), with no console error, no Content-Security-Policy violation and no request to another host.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class ApiReferenceBrowserTests(SiteAppFixture app, BrowserFixture browser)
{
    private const string RecordViolations = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e =>
          window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + (e.sourceFile || '') + ':' + e.lineNumber));
        """;

    [Fact]
    public async Task The_API_reference_shows_the_operations_from_this_host_only()
    {
        var page = await browser.NewPageAsync();
        var origin = app.Url("/").GetLeftPart(UriPartial.Authority);
        var elsewhere = new List<string>();
        var console = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(origin, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal)
                && !request.Url.StartsWith("blob:", StringComparison.Ordinal))
            {
                lock (elsewhere)
                    elsewhere.Add(request.Url);
            }
        };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (console)
                    console.Add(message.Text);
            }
        };
        page.PageError += (_, error) =>
        {
            lock (console)
                console.Add(error);
        };
        await page.AddInitScriptAsync(RecordViolations);

        var response = await page.GotoAsync(app.Url("/api/docs").ToString());
        Assert.Equal((int)HttpStatusCode.OK, response?.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Civic Contracting API" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // The goals list, by its summary (the first sentence of what the endpoint says of itself), in the Goals group.
        await page.GetByRole(AriaRole.Button, new() { Name = "Open Group - Goals" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Lists goals, oldest first, each with its live aggregate") }))
            .ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        // Scalar's bundle (zod) probes once whether it may compile code (`Function('')` in a try) and, refused by the
        // policy, which allows no eval, validates without compiling: that one blocked probe is expected, nothing else.
        var violations = (await page.EvaluateAsync<string[]>("() => window.__cspViolations"))
            .Where(v => !(v.StartsWith("script-src blocked eval at ", StringComparison.Ordinal) && v.Contains("/api/docs/scalar.js:", StringComparison.Ordinal)))
            .ToList();
        await page.Context.CloseAsync();
        Assert.True(violations.Count == 0, $"securitypolicyviolation events:\n{string.Join("\n", violations)}");
        lock (console)
        {
            var errors = console.Where(m => !m.Contains("'unsafe-eval' is not an allowed source of script", StringComparison.Ordinal)).ToList();
            Assert.True(errors.Count == 0, $"console errors:\n{string.Join("\n", errors)}");
        }
        lock (elsewhere)
            Assert.True(elsewhere.Count == 0, $"requests to other hosts:\n{string.Join("\n", elsewhere)}");
    }
}
