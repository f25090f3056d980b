using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests;

/// <summary>
/// The participation issue's acceptance, tried as a new user would in a real browser: a new resident registers, makes a
/// result commitment towards a Kessel-Lo objective through the guided flow, confirms it formally and reports progress,
/// while a second browser (another person, not signed in) watches the goal page and the live map change without a reload.
/// Every page of the way is checked with axe.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed partial class ParticipationTests(SiteAppFixture app, BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task A_new_resident_registers_commits_to_a_Kessel_Lo_objective_confirms_and_reports_and_a_second_browser_sees_it_live()
    {
        var accessibility = new List<string>();
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var objective = (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{ambition["id"]}"))["children"]![0]!;
        var objectiveId = objective["id"]!.GetValue<string>();
        var district = await Demo.KesselLoDistrictAsync(app.Public);
        var neighbourhood = (await Demo.PlacesAsync(app.Public, "neighbourhood")).First(n => n["parentCode"]!.GetValue<string>() == district["code"]!.GetValue<string>());
        var neighbourhoodCode = neighbourhood["code"]!.GetValue<string>();

        // The second browser: the goal page and the live map, both live.
        var goalScope = $"goal:{objectiveId}";
        var goalEngaged = $"main [data-live-scope=\"{goalScope}\"][data-live-field=\"totals.engagedCommitments\"]";
        var goalProgress = $"main [data-live-scope=\"{goalScope}\"][data-live-field=\"progress\"]";
        var watcher = await browser.NewPageAsync();
        Assert.Equal((int)HttpStatusCode.OK, (await watcher.GotoAsync(app.Url($"/goals/{objectiveId}").ToString()))?.Status);
        await Expect(watcher.Locator("[data-live-status]")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
        var map = await LiveMapTests.OpenLiveHomeAsync(app, browser);
        var engagedBefore = Number(await watcher.Locator(goalEngaged).First.TextContentAsync());
        var cityBefore = Number(await map.Locator(LiveMapTests.CityEngagedCommitments).First.TextContentAsync());
        await watcher.EvaluateAsync("() => { window.__marker = 1; }");
        await map.EvaluateAsync("() => { window.__marker = 1; }");

        // The new resident registers.
        var person = await browser.NewPageAsync();
        await person.GotoAsync(app.Url("/account/register").ToString());
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(person, "/account/register"));
        var login = $"bewoner-{Guid.NewGuid():N}@example.org";
        await person.GetByLabel("Je naam").FillAsync("Lotte Janssens");
        await person.GetByLabel("E-mailadres (om aan te melden)").FillAsync(login);
        await person.GetByLabel("Wachtwoord").FillAsync("fietsen naar school is fijn");
        await person.GetByLabel("Je wijk").SelectOptionAsync(neighbourhoodCode);
        await person.GetByRole(AriaRole.Button, new() { Name = "Account maken" }).ClickAsync();
        await Expect(person).ToHaveURLAsync(new Regex("/account$"));
        await Expect(person.Locator("h1")).ToHaveTextAsync("Mijn account");
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(person, "/account"));

        // From the objective's page into the guided flow: the result level, with its example.
        await person.GotoAsync(app.Url($"/goals/{objectiveId}").ToString());
        await person.Locator("[data-commit-to-goal]").ClickAsync();
        await Expect(person.Locator("#goal")).ToHaveValueAsync(objectiveId);
        await Expect(person.Locator("#level-result-example")).ToContainTextAsync("De ARK");
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(person, "/commitments/new (step 1)"));
        await person.Locator("#level-result").CheckAsync();
        await person.GetByRole(AriaRole.Button, new() { Name = "Verder" }).ClickAsync();

        await Expect(person.Locator("#t-metric")).ToBeVisibleAsync();
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(person, "/commitments/new (step 2)"));
        await Expect(person.Locator("#neighbourhoodCode")).ToHaveValueAsync(neighbourhoodCode);
        await person.GetByLabel("Titel").FillAsync("Elke schooldag met de fiets");
        await person.GetByLabel("Toelichting (mag kort)").FillAsync("Ons gezin fietst naar school in plaats van met de auto te rijden.");
        await person.Locator("#t-metric").FillAsync("schooldagen per maand met de fiets");
        await person.Locator("#t-unit").FillAsync("dagen");
        await person.Locator("#t-baseline").FillAsync("4");
        await person.Locator("#t-target").FillAsync("18");
        await person.Locator("#t-deadline").FillAsync("2027-06-30");
        await person.GetByRole(AriaRole.Button, new() { Name = "Bewaren en nalezen" }).ClickAsync();
        await person.WaitForLoadStateAsync();
        if (person.Url.EndsWith("/commitments/new", StringComparison.Ordinal))
            Assert.Fail("The draft was refused: " + string.Join(" | ", await person.Locator(".field-error, .form-errors").AllTextContentsAsync()) + await person.Locator("main").InnerTextAsync());

        // Preview and formal confirmation: the exact text, ticked, confirmed.
        await Expect(person).ToHaveURLAsync(new Regex("/commitments/[^/]+/confirm$"));
        var commitmentId = Regex.Match(person.Url, "/commitments/([^/]+)/confirm").Groups[1].Value;
        await Expect(person.Locator("[data-commitment-text]")).ToContainTextAsync("Elke schooldag met de fiets");
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(person, "/commitments/{id}/confirm"));

        // The draft is saved: resumed and edited before confirming.
        await person.Locator("[data-edit-draft]").ClickAsync();
        await Expect(person.Locator("#terms-title")).ToHaveValueAsync("Elke schooldag met de fiets");
        await Expect(person.Locator("#t-target")).ToHaveValueAsync("18");
        await person.GetByLabel("Titel").FillAsync("Elke schooldag met de fiets naar school");
        await person.GetByRole(AriaRole.Button, new() { Name = "Bewaren en nalezen" }).ClickAsync();
        await Expect(person).ToHaveURLAsync(new Regex($"/commitments/{commitmentId}/confirm$"));
        await Expect(person.Locator("[data-commitment-text]")).ToContainTextAsync("Elke schooldag met de fiets naar school");
        // The page is Dutch: it shows (and confirms) the Dutch formal text.
        var formalText = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{commitmentId}/text?language=nl");
        Assert.Equal(formalText["text"]!.GetValue<string>().Trim(), (await person.Locator("[data-commitment-text]").TextContentAsync())!.Trim());
        Assert.Equal(engagedBefore, Number(await watcher.Locator(goalEngaged).First.TextContentAsync())); // a draft counts nowhere
        await person.GetByLabel("Ik verbind me tot deze tekst, in eigen naam").CheckAsync();
        await person.GetByRole(AriaRole.Button, new() { Name = "Formeel bevestigen" }).ClickAsync();
        await Expect(person).ToHaveURLAsync(new Regex($"/commitments/{commitmentId}\\?confirmed=1$"));
        await Expect(person.Locator("[role=status]")).ToContainTextAsync("Bevestigd");

        // The confirmation is public: who (the pseudonym, never the name), when, and the text's hash.
        var view = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{commitmentId}");
        Assert.Equal(formalText["textHash"]!.GetValue<string>(), view["confirmation"]!["textHash"]!.GetValue<string>());
        Assert.DoesNotContain("Janssens", view.ToJsonString(), StringComparison.Ordinal);

        // The second browser sees it, live, without a reload.
        await Expect(watcher.Locator(goalEngaged).First).ToHaveTextAsync(engagedBefore + 1 + "", new() { Timeout = 10_000 });
        await Expect(map.Locator(LiveMapTests.CityEngagedCommitments).First).ToHaveTextAsync(new Regex($"^\\D*{Regex.Escape(Format(cityBefore + 1))}\\D*$"), new() { Timeout = 10_000 });
        var progressBeforeReport = await watcher.Locator(goalProgress).First.TextContentAsync();

        // Progress: the target reached.
        await person.GetByRole(AriaRole.Link, new() { Name = "Voortgang rapporteren" }).ClickAsync();
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(person, "/commitments/{id}/report"));
        await person.Locator("#value").FillAsync("18");
        await person.GetByLabel("Notitie (mag leeg)").FillAsync("De hele maand gefietst.");
        await person.Locator("#photo").SetInputFilesAsync(new FilePayload { Name = "fietsen.png", MimeType = "image/png", Buffer = OnePixelPng });
        await person.GetByRole(AriaRole.Button, new() { Name = "Rapporteren" }).ClickAsync();
        await Expect(person.Locator("[role=status]")).ToContainTextAsync("Gerapporteerd");
        await Expect(person.Locator("main")).ToContainTextAsync("De hele maand gefietst.");
        var reported = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{commitmentId}");
        Assert.Equal(18, reported["currentValue"]!.GetValue<double>());
        var evidenceUrl = reported["reports"]![0]!["evidenceUrl"]!.GetValue<string>();
        Assert.StartsWith("/api/evidence/", evidenceUrl, StringComparison.Ordinal);
        using (var photo = await app.Public.GetAsync(evidenceUrl))
        {
            Assert.Equal("image/png", photo.Content.Headers.ContentType?.MediaType);
            Assert.Equal(OnePixelPng, await photo.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(1.0, reported["progress"]!.GetValue<double>(), 6);

        await Expect(watcher.Locator(goalProgress).First).Not.ToHaveTextAsync(progressBeforeReport ?? "", new() { Timeout = 10_000 });
        Assert.Equal(1, await watcher.EvaluateAsync<int>("() => window.__marker"));
        Assert.Equal(1, await map.EvaluateAsync<int>("() => window.__marker"));

        // The person's account page lists it, and the data export holds it.
        await person.GotoAsync(app.Url("/account").ToString());
        await Expect(person.Locator("main")).ToContainTextAsync("Elke schooldag met de fiets");
        var export = await person.Context.APIRequest.GetAsync(app.Url("/api/me/export").ToString());
        Assert.Equal(200, export.Status);
        Assert.Contains(commitmentId, await export.TextAsync(), StringComparison.Ordinal);

        Assert.True(accessibility.Count == 0, "axe found serious or critical violations:\n" + string.Join("\n", accessibility));
        output.WriteLine($"commitment {commitmentId} made, confirmed and reported through the site");
        await person.Context.CloseAsync();
        await watcher.Context.CloseAsync();
        await map.Context.CloseAsync();
    }

    [Fact]
    public async Task A_commitment_conditional_on_a_neighbour_comes_into_force_when_one_clicks_me_too_and_a_follower_reads_it_in_their_feed()
    {
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var objectiveId = (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{ambition["id"]}"))["children"]![1]!["id"]!.GetValue<string>();
        var district = await Demo.KesselLoDistrictAsync(app.Public);
        var neighbourhoodCode = (await Demo.PlacesAsync(app.Public, "neighbourhood")).First(n => n["parentCode"]!.GetValue<string>() == district["code"]!.GetValue<string>())["code"]!.GetValue<string>();

        // A follower of the objective.
        var follower = await RegisterAsync("Volger Van Doelen", neighbourhoodCode);
        await follower.GotoAsync(app.Url($"/goals/{objectiveId}").ToString());
        await follower.Locator("[data-follow]").ClickAsync();
        await Expect(follower.Locator("[data-follow]")).ToHaveAttributeAsync("aria-pressed", "true");

        // A resident commits, on condition that one neighbour joins.
        var first = await RegisterAsync("Eerste Bewoner", neighbourhoodCode);
        await first.GotoAsync(app.Url($"/commitments/new?goal={Uri.EscapeDataString(objectiveId)}&level=pledge&step=2").ToString());
        await first.GetByLabel("Titel").FillAsync("Autovrije zondag in onze straat");
        await first.Locator("#condition-threshold").CheckAsync();
        await first.Locator("#c-required").FillAsync("1");
        await first.Locator("#c-deadline").FillAsync(DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(first, "/commitments/new (step 2, pledge)"));
        await first.GetByRole(AriaRole.Button, new() { Name = "Bewaren en nalezen" }).ClickAsync();
        await Expect(first).ToHaveURLAsync(new Regex("/commitments/[^/]+/confirm$"));
        var commitmentPath = Regex.Match(first.Url, "(/commitments/[^/]+)/confirm").Groups[1].Value;
        await first.GetByLabel("Ik verbind me tot deze tekst, in eigen naam").CheckAsync();
        await first.GetByRole(AriaRole.Button, new() { Name = "Formeel bevestigen" }).ClickAsync();
        await Expect(first.Locator("[data-condition-status]")).ToHaveAttributeAsync("data-condition-status", "waiting");

        // A neighbour clicks "me too": the condition is met.
        var neighbour = await RegisterAsync("Buur Die Meedoet", neighbourhoodCode);
        await neighbour.GotoAsync(app.Url(commitmentPath).ToString());
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(neighbour, "/commitments/{id} (signed in, conditional)"));
        await neighbour.GetByRole(AriaRole.Button, new() { Name = "Ik doe ook mee" }).ClickAsync();
        await Expect(neighbour.Locator("[role=status]")).ToContainTextAsync("Je doet mee");
        await Expect(neighbour.Locator("[data-condition-status]")).ToHaveAttributeAsync("data-condition-status", "met");
        await Expect(neighbour.Locator("[data-co-signers]")).ToHaveAttributeAsync("data-co-signers", "1");

        // The follower's feed tells of the confirmation and the join.
        await follower.GotoAsync(app.Url("/account/feed").ToString());
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(follower, "/account/feed"));
        await Expect(follower.Locator("[data-feed] .feed-item").Filter(new() { HasText = "Autovrije zondag" })).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        await Expect(follower.Locator("[data-feed]")).ToContainTextAsync("iemand doet mee");
        await follower.GetByRole(AriaRole.Button, new() { Name = "Alles als gelezen markeren" }).ClickAsync();
        await Expect(follower.Locator("[data-feed] .feed-item.unread")).ToHaveCountAsync(0);

        // The pledge, now in force, is upgraded to an action commitment through the same steps; the pledge stays readable.
        await first.GotoAsync(app.Url(commitmentPath).ToString());
        await first.Locator("[data-upgrade]").ClickAsync();
        await first.Locator("#level-action").CheckAsync();
        await first.GetByRole(AriaRole.Button, new() { Name = "Verder" }).ClickAsync();
        await first.GetByLabel("Actie 1", new() { Exact = true }).FillAsync("Straat afsluiten met de buren");
        await first.GetByLabel("Datum actie 1").FillAsync(DateTime.UtcNow.AddDays(40).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(first, "/commitments/{id}/upgrade"));
        await first.GetByRole(AriaRole.Button, new() { Name = "Bewaren en nalezen" }).ClickAsync();
        await Expect(first.Locator("[data-commitment-text]")).ToContainTextAsync("Straat afsluiten met de buren");
        await first.GetByLabel("Ik verbind me tot deze tekst, in eigen naam").CheckAsync();
        await first.GetByRole(AriaRole.Button, new() { Name = "Opwaarderen en formeel bevestigen" }).ClickAsync();
        await Expect(first.Locator("[role=status]")).ToContainTextAsync("Opgewaardeerd");
        var upgraded = await SiteAppFixture.GetJsonAsync(app.Public, $"/api{commitmentPath}");
        Assert.Equal("action", upgraded["terms"]!["level"]!.GetValue<string>());
        Assert.Equal("pledge", upgraded["earlierVersions"]![0]!["terms"]!["level"]!.GetValue<string>());

        Assert.True(accessibility.Count == 0, "axe found serious or critical violations:\n" + string.Join("\n", accessibility));
        foreach (var page in new[] { follower, first, neighbour })
            await page.Context.CloseAsync();
    }

    private readonly List<string> accessibility = [];

    /// <summary>A new resident of <paramref name="neighbourhoodCode"/>, registered through the form and signed in.</summary>
    private async Task<IPage> RegisterAsync(string name, string neighbourhoodCode)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(app.Url("/account/register").ToString());
        await page.GetByLabel("Je naam").FillAsync(name);
        await page.GetByLabel("E-mailadres (om aan te melden)").FillAsync($"p-{Guid.NewGuid():N}@example.org");
        await page.GetByLabel("Wachtwoord").FillAsync("een lang genoeg wachtwoord");
        await page.GetByLabel("Je wijk").SelectOptionAsync(neighbourhoodCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Account maken" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account$"));
        return page;
    }

    [Fact]
    public async Task Sign_in_shows_a_clear_error_for_a_wrong_password_and_pages_for_people_redirect_to_it()
    {
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync(app.Url("/commitments/new").ToString());
        Assert.Equal((int)HttpStatusCode.OK, response?.Status);
        await Expect(page).ToHaveURLAsync(new Regex("/account/sign-in\\?returnUrl=%2Fcommitments%2Fnew$"));
        await page.GetByLabel("E-mailadres (om aan te melden)").FillAsync($"nobody-{Guid.NewGuid():N}@example.org");
        await page.GetByLabel("Wachtwoord").FillAsync("not the password at all");
        await page.GetByRole(AriaRole.Button, new() { Name = "Aanmelden" }).ClickAsync();
        await Expect(page.Locator("[role=alert]")).ToContainTextAsync("Het e-mailadres of het wachtwoord klopt niet.");
        await page.Context.CloseAsync();
    }

    /// <summary>A valid 1×1 PNG, as a phone's photo would be recognised: by its signature and header chunk.</summary>
    private static readonly byte[] OnePixelPng = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private static int Number(string? text)
    {
        var digits = new string((text ?? "").Where(char.IsDigit).ToArray());
        Assert.True(digits.Length > 0, $"Expected a number, got '{text}'");
        return int.Parse(digits, CultureInfo.InvariantCulture);
    }

    private static string Format(int number) => number.ToString("N0", CultureInfo.GetCultureInfo("nl-BE"));
}
