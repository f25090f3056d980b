using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Tests.Support;
using CivicContracting.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests;

/// <summary>
/// An app of its own for the support team's acceptance test, whose calendar the test moves forward (the
/// <see cref="CivicClock"/>): without the demo data, with reminders that fire a second after they are due.
/// </summary>
public sealed class SupportTeamSiteFixture()
    : SiteAppFixture(seedDemo: false, new Dictionary<string, string> { ["Coaching:ReminderDelay"] = "00:00:01" })
{
    public CivicClock Clock => Services.GetRequiredService<CivicClock>();
}

[CollectionDefinition(Name)]
public sealed class SupportTeamCollection : ICollectionFixture<SupportTeamSiteFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "support team site";
}

/// <summary>
/// The support-team issue's acceptance, tried as a coach would in a real browser: a resident's result commitment goes
/// three months without a report (the app's calendar moved forward, not waited for); the coach signs in, finds it in the
/// queue, sends a nudge that reaches the resident's feed, verifies the resident's result claim, and the goal page then
/// shows the verified share of its progress.
/// </summary>
[Collection(SupportTeamCollection.Name)]
public sealed class SupportTeamTests(SupportTeamSiteFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task A_coach_finds_an_overdue_report_in_the_queue_nudges_verifies_the_claim_and_the_goal_shows_the_verified_share()
    {
        var accessibility = new List<string>();
        var op = app.Operator;

        // A quantitative goal, and a resident with a result commitment on it (100 → 40 t CO2) who reported 70 once.
        var goalId = $"g-support-{Guid.NewGuid():N}";
        await SiteAppFixture.PostJsonAsync(op, "/api/goals", new
        {
            id = goalId,
            title = "Minder CO2 uit verwarming in Heverlee",
            description = "De uitstoot van verwarming daalt.",
            scope = new { level = "city" },
            target = new { metric = "CO2-uitstoot", unit = "t CO2", baseline = 1000, target = 400, deadline = "2030-12-31" },
        }, HttpStatusCode.Created);

        var resident = await RegisterAsync("Sien Peeters");
        var residentParticipant = await ParticipantIdAsync(resident);
        var commitmentId = $"c-support-{Guid.NewGuid():N}";
        await SiteAppFixture.PostJsonAsync(op, "/api/commitments", new
        {
            id = commitmentId,
            participantId = residentParticipant,
            goals = new[] { new { goalId } },
            neighbourhoodCode = "24062W13",
            terms = new
            {
                level = "result",
                title = "Ons huis verwarmt met een warmtepomp",
                description = "We vervangen de gasketel en isoleren het dak.",
                target = new { metric = "CO2-uitstoot", unit = "t CO2", baseline = 100, target = 40, deadline = "2030-06-30" },
            },
        }, HttpStatusCode.Created);
        var text = await SiteAppFixture.GetJsonAsync(op, $"/api/commitments/{commitmentId}/text");
        await SiteAppFixture.PostJsonAsync(op, $"/api/commitments/{commitmentId}/confirmation",
            new { confirmedBy = "Sien Peeters", textHash = text["textHash"]!.GetValue<string>() }, HttpStatusCode.OK);
        var reported = await SiteAppFixture.PostJsonAsync(op, $"/api/commitments/{commitmentId}/progress",
            new { reportId = "r-1", value = 70 }, HttpStatusCode.OK);
        Assert.Equal("selfDeclared", reported["claimTier"]!.GetValue<string>());
        Assert.Equal("inProgress", reported["phase"]!.GetValue<string>());

        // Nothing is due yet: the queue does not list it.
        Assert.DoesNotContain(commitmentId, (await SiteAppFixture.GetJsonAsync(op, "/api/coach/queue")).ToJsonString(), StringComparison.Ordinal);

        // A new coach registers; the operator gives them the coach role.
        var coach = await RegisterAsync("Jef Coach");
        await SiteAppFixture.PostJsonAsync(op, $"/api/accounts/{await AccountIdAsync(coach)}/roles", new { role = "coach" }, HttpStatusCode.OK);

        // Ninety-one days pass on the app's calendar: the commitment's reminder fires, its report is overdue.
        var feedBefore = await FeedAsync(resident);
        app.Clock.Advance(TimeSpan.FromDays(91));
        await Eventually.Until(async () => (await SiteAppFixture.GetJsonAsync(op, "/api/coach/queue")).ToJsonString().Contains(commitmentId, StringComparison.Ordinal),
            what: "the overdue commitment in the coach queue");
        Assert.Equal("reportingDue", (await SiteAppFixture.GetJsonAsync(op, $"/api/commitments/{commitmentId}"))["phase"]!.GetValue<string>());

        // The coach opens the workspace and finds it under the overdue reports.
        await coach.GotoAsync(app.Url("/coach").ToString());
        var row = coach.Locator($"section[data-section=\"overdue\"] tr[data-commitment=\"{commitmentId}\"]");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("Ons huis verwarmt met een warmtepomp");
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(coach, "/coach"));
        await CaptureAsync(coach, "coach");

        // A nudge by hand reaches the resident's feed.
        var nudgesBefore = (await SiteAppFixture.GetJsonAsync(op, $"/api/commitments/{commitmentId}"))["nudgeCount"]!.GetValue<int>();
        await row.GetByRole(AriaRole.Button, new() { Name = "Herinnering sturen" }).ClickAsync();
        await Expect(coach.Locator("[role=status]")).ToContainTextAsync("De herinnering is verstuurd.");
        Assert.Equal(nudgesBefore + 1, (await SiteAppFixture.GetJsonAsync(op, $"/api/commitments/{commitmentId}"))["nudgeCount"]!.GetValue<int>());
        await Eventually.Until(async () => (await FeedAsync(resident)).Count(e => e["event"]?["commitmentId"]?.GetValue<string>() == commitmentId)
            > feedBefore.Count(e => e["event"]?["commitmentId"]?.GetValue<string>() == commitmentId) + 1, what: "the coach's nudge in the resident's feed");

        // The coach view of the commitment: its trajectory (half-way after three months of a four-year line: on track),
        // with a team note only the support team reads.
        await coach.GotoAsync(app.Url($"/coach/commitments/{commitmentId}").ToString());
        await Expect(coach.Locator("[data-trajectory]")).ToHaveAttributeAsync("data-judgement", "onTrack");
        await Expect(coach.Locator("[data-trajectory] svg")).ToBeVisibleAsync();
        await coach.GetByLabel("Nieuwe notitie").FillAsync("Huisbezoek gepland.");
        await coach.GetByRole(AriaRole.Button, new() { Name = "Notitie bewaren" }).ClickAsync();
        await Expect(coach.Locator("[data-notes]")).ToContainTextAsync("Huisbezoek gepland.");
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(coach, "/coach/commitments/{id}"));
        await CaptureAsync(coach, "coach-commitment");
        var residentView = await resident.Context.APIRequest.GetAsync(app.Url($"/api/commitments/{commitmentId}/notes").ToString());
        Assert.Equal(403, residentView.Status);

        // The coach verifies the resident's claim on the commitment page.
        await coach.GotoAsync(app.Url($"/commitments/{commitmentId}").ToString());
        var verify = coach.Locator("form[data-verify-report=\"r-1\"]");
        await verify.GetByLabel("Hoe geverifieerd?").FillAsync("Energiefactuur en foto van de warmtepomp gezien bij een huisbezoek.");
        await verify.GetByRole(AriaRole.Button, new() { Name = "Verifiëren" }).ClickAsync();
        var claim = coach.Locator("li[data-claim=\"r-1\"]");
        await Expect(claim).ToHaveAttributeAsync("data-claim-tier", "verified");
        await Expect(claim).ToContainTextAsync("Geverifieerd door het ondersteuningsteam");
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(coach, "/commitments/{id} (coach)"));
        var verified = await SiteAppFixture.GetJsonAsync(op, $"/api/commitments/{commitmentId}");
        Assert.Equal("verified", verified["claimTier"]!.GetValue<string>());
        Assert.Equal(0.5, verified["verifiedProgress"]!.GetValue<double>(), 9);
        // The resident hears of it in their feed.
        await Eventually.Until(async () => (await FeedAsync(resident)).Any(e => e["event"]?["commitmentId"]?.GetValue<string>() == commitmentId
            && e["event"]?["kind"]?.GetValue<string>() == "claimVerified"), what: "the verification in the resident's feed");

        // The goal page shows the verified share of its progress to everyone: all of it is verified.
        var visitor = await browser.NewPageAsync();
        await Eventually.Until(async () =>
        {
            await visitor.GotoAsync(app.Url($"/goals/{goalId}").ToString());
            return await visitor.Locator("[data-verified-share]").CountAsync() == 1
                && await visitor.Locator("[data-verified-share]").GetAttributeAsync("data-verified-share") is { Length: > 0 } share
                && Math.Abs(double.Parse(share, System.Globalization.CultureInfo.InvariantCulture) - 1.0) < 1e-9;
        }, what: "the verified share on the goal page");
        await Expect(visitor.Locator("[data-verified-share]")).ToContainTextAsync("100");
        accessibility.AddRange(await ScreenshotTests.SeriousViolationsAsync(visitor, "/goals/{id}"));

        Assert.True(accessibility.Count == 0, string.Join(Environment.NewLine, accessibility));
        foreach (var page in new[] { resident, coach, visitor })
            await page.Context.CloseAsync();
    }

    /// <summary>A full-page screenshot in artifacts/screenshots, beside the public pages' ones.</summary>
    private static async Task CaptureAsync(IPage page, string name)
    {
        var folder = Path.Combine(Repository.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{name}-1280x900.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        Console.WriteLine($"Site.Tests screenshot: {path}");
    }

    private async Task<IPage> RegisterAsync(string name)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(app.Url("/account/register").ToString());
        await page.GetByLabel("Je naam").FillAsync(name);
        await page.GetByLabel("E-mailadres (om aan te melden)").FillAsync($"s-{Guid.NewGuid():N}@example.org");
        await page.GetByLabel("Wachtwoord").FillAsync("een lang genoeg wachtwoord");
        await page.GetByLabel("Je wijk").SelectOptionAsync("24062W13");
        await page.GetByRole(AriaRole.Button, new() { Name = "Account maken" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account$"));
        return page;
    }

    private async Task<JsonNode> MeAsync(IPage page)
    {
        var me = await page.Context.APIRequest.GetAsync(app.Url("/api/me").ToString());
        Assert.Equal(200, me.Status);
        return JsonNode.Parse(await me.TextAsync())!;
    }

    private async Task<string> AccountIdAsync(IPage page) => (await MeAsync(page))["id"]!.GetValue<string>();

    private async Task<string> ParticipantIdAsync(IPage page) => (await MeAsync(page))["participantId"]!.GetValue<string>();

    private async Task<IReadOnlyList<JsonNode>> FeedAsync(IPage page)
    {
        var feed = await page.Context.APIRequest.GetAsync(app.Url("/api/me/feed").ToString());
        Assert.Equal(200, feed.Status);
        return [.. JsonNode.Parse(await feed.TextAsync())!["items"]!.AsArray().Select(e => e!)];
    }
}
