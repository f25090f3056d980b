using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CivicContracting.Site.Tests.Texts;

/// <summary>
/// The word after a live count follows the count when live.js updates it: on a Dutch goal page, an objective's
/// "0 engagementen" becomes "1 engagement" and then "2 engagementen" as commitments to it are confirmed through the API
/// (live.js used to change the number only: "1 engagementen").
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class LivePluralTests(SiteAppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task A_live_update_from_0_to_1_to_2_changes_the_word_after_the_count()
    {
        var parent = $"g-site-plural-{Guid.NewGuid():N}";
        var objective = $"{parent}-child";
        await SiteAppFixture.PostJsonAsync(app.Operator, "/api/goals",
            new { id = parent, title = "Meer groen in de straat", scope = new { level = "city" } }, HttpStatusCode.Created);
        await SiteAppFixture.PostJsonAsync(app.Operator, "/api/goals",
            new { id = objective, title = "Geveltuinen in elke straat", scope = new { level = "city" }, parentGoalId = parent }, HttpStatusCode.Created);

        var page = await browser.NewPageAsync();
        Assert.Equal((int)HttpStatusCode.OK, (await page.GotoAsync(app.Url($"/goals/{parent}").ToString()))?.Status);
        await Expect(page.Locator("[data-live-status]")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
        var scope = $"goal:{objective}";
        var count = page.Locator($"strong[data-live-scope=\"{scope}\"][data-live-field=\"totals.engagedCommitments\"]");
        var word = page.Locator($"span[data-live-scope=\"{scope}\"][data-live-field=\"totals.engagedCommitments\"]");
        await Expect(count).ToHaveTextAsync("0");
        await Expect(word).ToHaveTextAsync("engagementen");

        var neighbourhood = await Accessibility.SignedInBrowser.KesselLoNeighbourhoodAsync(app);
        await ConfirmedCommitmentAsync(objective, neighbourhood);
        await Expect(count).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        await Expect(word).ToHaveTextAsync("engagement");

        await ConfirmedCommitmentAsync(objective, neighbourhood);
        await Expect(count).ToHaveTextAsync("2", new() { Timeout = 15_000 });
        await Expect(word).ToHaveTextAsync("engagementen");
        await page.Context.CloseAsync();
    }

    private async Task ConfirmedCommitmentAsync(string goalId, string neighbourhood)
    {
        var participant = (await SiteAppFixture.PostJsonAsync(app.Operator, "/api/participants",
            new { kind = "business", name = "Tuincentrum Meervoud", neighbourhoodCode = neighbourhood }, HttpStatusCode.Created))["id"]!.GetValue<string>();
        var commitment = (await SiteAppFixture.PostJsonAsync(app.Operator, "/api/commitments", new
        {
            id = $"c-site-plural-{Guid.NewGuid():N}",
            participantId = participant,
            goals = new[] { new { goalId, weight = 1.0 } },
            neighbourhoodCode = neighbourhood,
            terms = new { level = "pledge", title = "Wij geven elke klant een plantje mee", description = "Voor een geveltuin." },
        }, HttpStatusCode.Created))["id"]!.GetValue<string>();
        var text = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{commitment}/text");
        await SiteAppFixture.PostJsonAsync(app.Operator, $"/api/commitments/{commitment}/confirmation",
            new { confirmedBy = "De zaakvoerder", textHash = text["textHash"]!.GetValue<string>() }, HttpStatusCode.OK);
    }
}
