using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests;

/// <summary>
/// The co-creation sessions issue's acceptance in a real browser: a coach of the support team records a citizen-panel
/// session through the form, a resident makes a commitment linked to it through the guided flow, and the session's public
/// page shows what came out of it — without the support team's notes. Every page of the way is checked with axe.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class CoCreationSessionTests(SiteAppFixture app, BrowserFixture browser, ITestOutputHelper output)
{
    private const string Notes = "Vertrouwelijk: twee bewoners willen teruggebeld worden.";

    [Fact]
    public async Task A_coach_records_a_session_a_resident_commits_at_it_through_the_flow_and_the_session_page_shows_the_commitment()
    {
        var accessibility = new List<string>();
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var objective = (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{ambition["id"]}"))["children"]![2]!;
        var objectiveId = objective["id"]!.GetValue<string>();
        var district = await Demo.KesselLoDistrictAsync(app.Public);
        var neighbourhoodCode = (await Demo.PlacesAsync(app.Public, "neighbourhood")).First(n => n["parentCode"]!.GetValue<string>() == district["code"]!.GetValue<string>())["code"]!.GetValue<string>();

        // A person of the support team: signed up through the form, made coach by the operator.
        var coach = await RegisterAsync("Coach Van Leuven 2030", neighbourhoodCode);
        var me = JsonNode.Parse(await (await coach.Context.APIRequest.GetAsync(app.Url("/api/me").ToString())).TextAsync())!;
        await SiteAppFixture.PostJsonAsync(app.Operator, $"/api/accounts/{me["id"]!.GetValue<string>()}/roles", new { role = "coach" }, HttpStatusCode.OK);

        // The coach records the session.
        await coach.GotoAsync(app.Url("/sessions").ToString());
        await coach.Locator("[data-record-session]").ClickAsync();
        await Expect(coach).ToHaveURLAsync(new Regex("/sessions/new$"));
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(coach, "/sessions/new"));
        var title = $"Burgerpanel Kessel-Lo {Guid.NewGuid().ToString("N")[..6]}";
        var day = DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await coach.GetByLabel("Soort moment", new() { Exact = true }).SelectOptionAsync("citizenPanel");
        await coach.GetByLabel("Titel van het moment", new() { Exact = true }).FillAsync(title);
        await coach.GetByLabel("Datum", new() { Exact = true }).FillAsync(day);
        await coach.GetByLabel("Beginuur", new() { Exact = true }).FillAsync("19:30");
        await coach.GetByLabel("Wijk", new() { Exact = true }).SelectOptionAsync(neighbourhoodCode);
        await coach.GetByLabel("Locatie (zaal of adres)", new() { Exact = true }).FillAsync("Zaal De Bron");
        await coach.GetByLabel("Doelen waaraan gewerkt werd", new() { Exact = true }).SelectOptionAsync([objectiveId]);
        await coach.GetByLabel("Bewoners", new() { Exact = true }).FillAsync("18");
        await coach.GetByLabel("Scholen", new() { Exact = true }).FillAsync("3");
        await coach.GetByLabel("Notities voor het ondersteuningsteam (mag leeg)", new() { Exact = true }).FillAsync(Notes);
        await coach.GetByRole(AriaRole.Button, new() { Name = "Cocreatie-moment bewaren" }).ClickAsync();
        await coach.WaitForLoadStateAsync();
        if (coach.Url.Contains("/sessions/new", StringComparison.Ordinal))
            Assert.Fail("The session was refused: " + string.Join(" | ", await coach.Locator(".field-error, .form-errors").AllTextContentsAsync()));
        await Expect(coach).ToHaveURLAsync(new Regex("/sessions/[^/?]+\\?saved=1$"));
        var sessionId = Regex.Match(coach.Url, "/sessions/([^/?]+)\\?").Groups[1].Value;
        await Expect(coach.Locator("h1")).ToHaveTextAsync(title);
        await Expect(coach.Locator("[data-session-notes]")).ToContainTextAsync(Notes);
        await Expect(coach.Locator("[data-attendance-total]")).ToHaveAttributeAsync("data-attendance-total", "21");
        await Expect(coach.Locator("[data-session-starts]")).ToContainTextAsync("19:30"); // Brussels time, as entered
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(coach, "/sessions/{id} (coach)"));

        // Someone not on the support team gets no form.
        var resident = await RegisterAsync("Bewoner Op Het Burgerpanel", neighbourhoodCode);
        await resident.GotoAsync(app.Url("/sessions/new").ToString());
        await Expect(resident.Locator("#venue")).ToHaveCountAsync(0);

        // The resident commits from the session's page, through the guided flow, with the session chosen.
        await resident.GotoAsync(app.Url($"/sessions/{sessionId}").ToString());
        await Expect(resident.Locator("[data-session-notes]")).ToHaveCountAsync(0);
        await resident.Locator("[data-commit-at-session]").ClickAsync();
        await resident.Locator("#goal").SelectOptionAsync(objectiveId);
        await resident.Locator("#level-pledge").CheckAsync();
        await resident.GetByRole(AriaRole.Button, new() { Name = "Verder" }).ClickAsync();
        await Expect(resident.Locator("#sessionId")).ToHaveValueAsync(sessionId);
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(resident, "/commitments/new (step 2, with a session)"));
        await resident.GetByLabel("Titel", new() { Exact = true }).FillAsync("Onze straat wordt een speelstraat");
        await resident.GetByRole(AriaRole.Button, new() { Name = "Bewaren en nalezen" }).ClickAsync();
        await Expect(resident).ToHaveURLAsync(new Regex("/commitments/[^/]+/confirm$"));
        var commitmentId = Regex.Match(resident.Url, "/commitments/([^/]+)/confirm").Groups[1].Value;
        await resident.GetByLabel("Ik verbind me tot deze tekst, in eigen naam").CheckAsync();
        await resident.GetByRole(AriaRole.Button, new() { Name = "Formeel bevestigen" }).ClickAsync();
        await Expect(resident).ToHaveURLAsync(new Regex($"/commitments/{commitmentId}\\?confirmed=1$"));
        await Expect(resident.Locator("[data-session-link]")).ToHaveAttributeAsync("href", $"/sessions/{sessionId}");
        Assert.Equal(sessionId, (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{commitmentId}"))["sessionId"]!.GetValue<string>());

        // Anyone sees what came out of the session, and never the support team's notes.
        var visitor = await browser.NewPageAsync();
        Assert.Equal((int)HttpStatusCode.OK, (await visitor.GotoAsync(app.Url($"/sessions/{sessionId}").ToString()))?.Status);
        await Expect(visitor.Locator($"[data-session-commitments] [data-commitment=\"{commitmentId}\"]")).ToContainTextAsync("Onze straat wordt een speelstraat");
        await Expect(visitor.Locator("[data-outcome-count]")).ToHaveAttributeAsync("data-outcome-count", "1");
        await Expect(visitor.Locator("[data-participant-kind=\"resident\"] dd")).ToHaveTextAsync("1");
        await Expect(visitor.Locator("[data-level=\"pledge\"] dd")).ToHaveTextAsync("1");
        await Expect(visitor.Locator("main")).Not.ToContainTextAsync(Notes);
        await Expect(visitor.Locator("[data-session-goals]")).ToContainTextAsync(objective["title"]!.GetValue<string>());
        await Expect(visitor.Locator("a[href=\"/api/sessions/" + sessionId + "\"]")).ToHaveCountAsync(1);
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(visitor, "/sessions/{id}"));
        await visitor.GotoAsync(app.Url("/sessions").ToString());
        await Expect(visitor.Locator($"[data-session=\"{sessionId}\"]")).ToContainTextAsync(title);
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(visitor, "/sessions"));

        Assert.True(accessibility.Count == 0, "axe found serious or critical violations:\n" + string.Join("\n", accessibility));
        output.WriteLine($"session {sessionId} recorded; commitment {commitmentId} made at it through the site");
        foreach (var page in new[] { coach, resident, visitor })
            await page.Context.CloseAsync();
    }

    /// <summary>A new resident of <paramref name="neighbourhoodCode"/>, registered through the form and signed in.</summary>
    private async Task<IPage> RegisterAsync(string name, string neighbourhoodCode)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(app.Url("/account/register").ToString());
        await page.GetByLabel("Je naam").FillAsync(name);
        await page.GetByLabel("E-mailadres (om aan te melden)").FillAsync($"s-{Guid.NewGuid():N}@example.org");
        await page.GetByLabel("Wachtwoord").FillAsync("een lang genoeg wachtwoord");
        await page.GetByLabel("Je wijk").SelectOptionAsync(neighbourhoodCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Account maken" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account$"));
        return page;
    }
}
