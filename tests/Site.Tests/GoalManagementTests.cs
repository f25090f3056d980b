using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests;

/// <summary>
/// Goal management in a real browser: an administrator (the role granted by the operator, as in production) edits a
/// goal's wording and target on the site, and the goal page shows the citizen panel's words and what is committed against
/// what the new target requires; a member of the public sees the same. Every page is checked with axe.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class GoalManagementTests(SiteAppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task An_administrator_edits_a_goals_wording_and_target_and_sees_the_uncommitted_gap_on_its_page()
    {
        var accessibility = new List<string>();
        var op = app.Operator;

        // A quantitative goal (1000 → 400 t CO2) with one result commitment in its unit (100 → 40: 60 committed) and one in kWh.
        var goalId = $"g-site-gap-{Guid.NewGuid():N}";
        await SiteAppFixture.PostJsonAsync(op, "/api/goals", new
        {
            id = goalId,
            title = "Minder CO2 uit verwarming",
            description = "De uitstoot van verwarming in Leuven daalt.",
            scope = new { level = "city" },
            target = new { metric = "CO2-uitstoot van verwarming", unit = "t CO2", baseline = 1000, target = 400, deadline = "2030-12-31" },
        }, HttpStatusCode.Created);
        await CommitAsync(goalId, "t CO2", 100, 40);
        await CommitAsync(goalId, "kWh", 5000, 4000);
        // The goal page reads this host's copy of the commitments, refreshed every few seconds.
        await WaitForGapAsync(goalId, g => g["commitments"]!.GetValue<int>() == 1 && g["notComparable"]!.AsArray().Count == 1);

        // Anyone else is refused the edit page: the sign-in page for the public.
        using (var anonymous = await app.Public.GetAsync($"/goals/{goalId}/edit"))
        {
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.Contains("/account/sign-in?returnUrl=", anonymous.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
        }

        // A new person signs up on the site; the operator makes them an administrator.
        var admin = await browser.NewPageAsync();
        await admin.GotoAsync(app.Url("/account/register").ToString());
        await admin.GetByLabel("Je naam").FillAsync("An Beheerder");
        await admin.GetByLabel("E-mailadres (om aan te melden)").FillAsync($"beheer-{Guid.NewGuid():N}@example.org");
        await admin.GetByLabel("Wachtwoord").FillAsync("doelen beheren is fijn");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Account maken" }).ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex("/account$"));

        // Before the role: the goal page offers no editing, and the edit page is refused.
        await admin.GotoAsync(app.Url($"/goals/{goalId}").ToString());
        await Expect(admin.Locator("[data-edit-goal]")).ToHaveCountAsync(0);
        var refused = await admin.GotoAsync(app.Url($"/goals/{goalId}/edit").ToString());
        Assert.Equal((int)HttpStatusCode.Forbidden, refused?.Status);

        var me = await admin.Context.APIRequest.GetAsync(app.Url("/api/me").ToString());
        var accountId = JsonNode.Parse(await me.TextAsync())!["id"]!.GetValue<string>();
        await SiteAppFixture.PostJsonAsync(op, $"/api/accounts/{accountId}/roles", new { role = "administrator" }, HttpStatusCode.OK);

        // The goal page now offers editing; the edit form shows the goal as it is.
        await admin.GotoAsync(app.Url($"/goals/{goalId}").ToString());
        await Expect(admin.Locator("#goal-gap [data-gap-uncommitted]")).ToHaveTextAsync(new Regex(@"^540\st CO2$"));
        await admin.Locator("[data-edit-goal]").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex($"/goals/{goalId}/edit$"));
        await Expect(admin.Locator("h1")).ToContainTextAsync("Minder CO2 uit verwarming");
        await Expect(admin.GetByLabel("Titel", new() { Exact = true })).ToHaveValueAsync("Minder CO2 uit verwarming");
        await Expect(admin.Locator("#target-target")).ToHaveValueAsync("400");
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(admin, "/goals/{id}/edit"));

        // A bad target is refused next to its field, and nothing is stored.
        await admin.Locator("#target-target").FillAsync("1000");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Wijzigingen opslaan" }).ClickAsync();
        await Expect(admin.Locator("#target\\.target-error")).ToBeVisibleAsync();
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(admin, "/goals/{id}/edit (refused)"));
        Assert.Equal(1, (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{goalId}"))["version"]!.GetValue<int>());

        // The citizen panel's wording and a target of 1000 → 700: 300 required, 60 committed, 240 still to commit.
        await admin.GetByLabel("Tekst van het burgerpanel").FillAsync("Warme huizen die de planeet niet opwarmen.");
        await admin.GetByLabel("Bron", new() { Exact = true }).FillAsync("Burgerpanel Kessel-Lo, gedeelde visie");
        await admin.Locator("#target-target").FillAsync("700");
        await admin.GetByLabel("Waarom deze wijziging (niet verplicht)").FillAsync("Eerst de helft van het oorspronkelijke doel.");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Wijzigingen opslaan" }).ClickAsync();

        await Expect(admin).ToHaveURLAsync(new Regex($"/goals/{goalId}\\?saved=1$"));
        await Expect(admin.Locator("[data-goal-saved]")).ToBeVisibleAsync();
        await Expect(admin.Locator("[data-citizen-panel-wording]")).ToHaveTextAsync("Warme huizen die de planeet niet opwarmen.");
        await Expect(admin.Locator(".panel-wording figcaption")).ToContainTextAsync("Burgerpanel Kessel-Lo, gedeelde visie");
        await Expect(admin.Locator("main")).ToContainTextAsync("700");
        await Expect(admin.Locator("#goal-gap [data-gap-figure]")).ToHaveTextAsync(new Regex(@"Toegezegd: 60\st CO2 van de vereiste 300\st CO2 \(20\s?%\)"));
        await Expect(admin.Locator("#goal-gap [data-gap-uncommitted]")).ToHaveTextAsync(new Regex(@"^240\st CO2$"));
        await Expect(admin.Locator("#goal-gap [data-gap-not-comparable]")).ToContainTextAsync("kWh");
        await Expect(admin.Locator("#goal-gap .gap-committed")).ToHaveClassAsync(new Regex(@"\bshare-20\b"));
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(admin, "/goals/{id} (administrator)"));

        // Stored as version 2, by the administrator, the first version still readable.
        var versions = (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{goalId}/versions")).AsArray();
        Assert.Equal(2, versions.Count);
        Assert.Equal(400, versions[0]!["target"]!["target"]!.GetValue<double>());
        Assert.Equal("An Beheerder", versions[1]!["by"]!.GetValue<string>());
        Assert.Equal("Eerst de helft van het oorspronkelijke doel.", versions[1]!["note"]!.GetValue<string>());

        // A member of the public sees the same on the goal page.
        var visitor = await browser.NewPageAsync();
        await visitor.GotoAsync(app.Url($"/goals/{goalId}").ToString());
        await Expect(visitor.Locator("[data-citizen-panel-wording]")).ToHaveTextAsync("Warme huizen die de planeet niet opwarmen.");
        await Expect(visitor.Locator("#goal-gap [data-gap-uncommitted]")).ToHaveTextAsync(new Regex(@"^240\st CO2$"));
        await Expect(visitor.Locator("[data-edit-goal]")).ToHaveCountAsync(0);
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(visitor, "/goals/{id}"));

        // The administrator creates an objective of it from the goal page.
        await admin.GetByRole(AriaRole.Link, new() { Name = "Doelstelling toevoegen" }).ClickAsync();
        await Expect(admin.Locator("#goal-parent")).ToHaveValueAsync(goalId);
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(admin, "/goals/new"));
        await admin.GetByLabel("Titel", new() { Exact = true }).FillAsync("Minder CO2 uit verwarming in Kessel-Lo");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Doel aanmaken" }).ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex(@"/goals/g-[0-9a-f]+\?saved=1$"));
        await Expect(admin.Locator("nav.breadcrumbs")).ToContainTextAsync("Minder CO2 uit verwarming");
        var objectives = (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{goalId}"))["children"]!.AsArray();
        Assert.Equal("Minder CO2 uit verwarming in Kessel-Lo", Assert.Single(objectives)!["title"]!.GetValue<string>());

        await admin.Context.CloseAsync();
        await visitor.Context.CloseAsync();
        Assert.True(accessibility.Count == 0, "axe found serious or critical violations:\n" + string.Join("\n", accessibility));
    }

    private async Task CommitAsync(string goalId, string unit, double baseline, double target)
    {
        var op = app.Operator;
        var participant = await SiteAppFixture.PostJsonAsync(op, "/api/participants", new
        {
            kind = "business",
            name = $"Bedrijf {Guid.NewGuid():N}",
            neighbourhoodCode = "24062W07",
            contactEmail = "bedrijf@example.org",
        }, HttpStatusCode.Created);
        var draft = await SiteAppFixture.PostJsonAsync(op, "/api/commitments", new
        {
            participantId = participant["id"]!.GetValue<string>(),
            goals = new[] { new { goalId, weight = 1.0 } },
            neighbourhoodCode = "24062W07",
            terms = new
            {
                level = "result",
                title = $"Van {baseline} naar {target} {unit}",
                description = "Een resultaatsverbintenis van de test.",
                target = new { metric = "uitstoot", unit, baseline, target, deadline = "2030-06-30" },
            },
        }, HttpStatusCode.Created);
        var id = draft["id"]!.GetValue<string>();
        var text = await SiteAppFixture.GetJsonAsync(op, $"/api/commitments/{id}/text");
        await SiteAppFixture.PostJsonAsync(op, $"/api/commitments/{id}/confirmation", new { confirmedBy = "Zaakvoerder", textHash = text["textHash"]!.GetValue<string>() }, HttpStatusCode.OK);
    }

    private Task WaitForGapAsync(string goalId, Func<JsonNode, bool> done) =>
        Eventually.Value(async () => (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{goalId}"))["uncommittedGap"],
            gap => gap is not null && done(gap), TimeSpan.FromSeconds(30), "the goal's gap in the expected state");
}
