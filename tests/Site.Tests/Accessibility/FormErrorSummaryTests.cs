using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests.Accessibility;

/// <summary>
/// One pattern for a form sent back with errors (Pages/Shared/_ErrorSummary): a summary at the top that has the focus,
/// its entries links to the fields; each field with an error is aria-invalid and described by its error line.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class FormErrorSummaryTests(SiteAppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task Step_2_of_the_commitment_flow_sent_empty_focuses_a_summary_that_links_to_each_field_marked_invalid()
    {
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var objectiveId = (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{ambition["id"]}"))["children"]![0]!["id"]!.GetValue<string>();
        var page = await SignedInBrowser.RegisterAsync(app, browser, "Foutje Bewoner", await SignedInBrowser.KesselLoNeighbourhoodAsync(app));
        await page.GotoAsync(app.Url($"/commitments/new?goal={Uri.EscapeDataString(objectiveId)}&level=result&step=2").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Bewaren en nalezen" }).ClickAsync();

        await AssertSummaryAsync(page, ["terms-title", "t-metric", "t-unit", "t-baseline", "t-target", "t-deadline"]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_register_form_sent_empty_uses_the_same_summary()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(app.Url("/account/register").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Account maken" }).ClickAsync();

        await AssertSummaryAsync(page, ["displayName", "loginName", "password"]);
        await page.Context.CloseAsync();
    }

    private static async Task AssertSummaryAsync(IPage page, string[] fieldIds)
    {
        var summary = page.Locator("[data-error-summary]");
        await Expect(summary).ToBeFocusedAsync();
        await Expect(summary).ToHaveAttributeAsync("role", "alert");
        foreach (var id in fieldIds)
        {
            var field = page.Locator($"#{id}");
            await Expect(summary.Locator($"a[href=\"#{id}\"]")).ToHaveCountAsync(1);
            await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
            var describedBy = (await field.GetAttributeAsync("aria-describedby") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var errorLines = new List<string>();
            foreach (var describer in describedBy)
            {
                var line = page.Locator($"[id=\"{describer}\"].field-error");
                if (await line.CountAsync() == 1)
                    errorLines.Add((await line.TextContentAsync() ?? "").Trim());
            }
            Assert.True(errorLines.Any(l => l.Length > 0), $"#{id} is not described by an error line (aria-describedby=\"{string.Join(' ', describedBy)}\")");
        }
        // The summary's link moves to its field.
        await summary.Locator($"a[href=\"#{fieldIds[0]}\"]").ClickAsync();
        await Expect(page.Locator($"#{fieldIds[0]}")).ToBeFocusedAsync();
    }
}
