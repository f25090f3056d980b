using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Accounts;
using CivicContracting.Web.Tests.Progress;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>
/// The account pages' forms go through the account commands, so they refuse what the API refuses: posted as a browser
/// posts them (the antiforgery token in the form, from a session without the API's antiforgery header).
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class AccountFormTests(WebAppFixture app)
{
    private IClusterClient Orleans => app.Services.GetRequiredService<IClusterClient>();

    [Fact]
    public async Task A_token_lifetime_that_is_no_whole_number_is_refused_as_the_api_refuses_it_and_an_empty_one_is_the_default()
    {
        // Before: the page made a 90-day token when the days were no number (the API answers 400).
        using var person = await People.SignUpAsync(app.BaseAddress);
        using var browser = await BrowserAsync(person);
        var fields = new Dictionary<string, string> { ["name"] = "telpaal", ["scopes"] = "progress:write", ["expiresInDays"] = "1e3" };

        var (status, page) = await PostFormAsync(browser, "/account/tokens", "Create", fields);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("data-created-token", page, StringComparison.Ordinal);
        Assert.Empty(await Orleans.GetGrain<IAccountGrain>(person.AccountId).ListAccessTokens());
        await (await person.Client.PostAsync("/api/me/tokens", new { name = "telpaal", scopes = new[] { "progress:write" }, expiresInDays = "1e3" })).ProblemAsync(HttpStatusCode.BadRequest);

        fields["expiresInDays"] = "";
        (status, page) = await PostFormAsync(browser, "/account/tokens", "Create", fields);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-created-token", page, StringComparison.Ordinal);
        var token = Assert.Single(await Orleans.GetGrain<IAccountGrain>(person.AccountId).ListAccessTokens());
        Assert.InRange(token.ExpiresAt, DateTimeOffset.UtcNow.AddDays(89), DateTimeOffset.UtcNow.AddDays(91));
    }

    [Fact]
    public async Task Revoking_a_token_that_is_not_ones_own_is_not_found_on_the_page_as_in_the_api()
    {
        // Before: the page answered such a form with a redirect, as if it had revoked something.
        using var owner = await People.SignUpAsync(app.BaseAddress);
        using var other = await People.SignUpAsync(app.BaseAddress);
        var created = await (await owner.Client.PostAsync("/api/me/tokens", new { name = "eigen", scopes = new[] { "progress:write" } })).ReadAsync<JsonObject>(HttpStatusCode.Created);
        var tokenId = (string)created["info"]!["tokenId"]!;
        using var browser = await BrowserAsync(other);

        var (status, _) = await PostFormAsync(browser, "/account/tokens", "Revoke", new() { ["tokenId"] = tokenId });

        Assert.Equal(HttpStatusCode.NotFound, status);
        await (await other.Client.DeleteAsync($"/api/me/tokens/{tokenId}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Null(Assert.Single(await Orleans.GetGrain<IAccountGrain>(owner.AccountId).ListAccessTokens()).RevokedAt);

        using var ownBrowser = await BrowserAsync(owner);
        (status, _) = await PostFormAsync(ownBrowser, "/account/tokens", "Revoke", new() { ["tokenId"] = tokenId });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(Assert.Single(await Orleans.GetGrain<IAccountGrain>(owner.AccountId).ListAccessTokens()).RevokedAt);
    }

    [Fact]
    public async Task An_organisations_contact_address_with_spaces_around_it_is_refused_by_the_page_as_by_the_api()
    {
        // Before: the page trimmed the address the API refuses; now both meet the one rule, and an empty field is "not given".
        using var person = await People.SignUpAsync(app.BaseAddress);
        using var browser = await BrowserAsync(person);
        var fields = new Dictionary<string, string> { ["kind"] = "School", ["name"] = "Sint-Jozefschool", ["neighbourhoodCode"] = "24062W02", ["contactEmail"] = " school@example.org " };

        var (status, page) = await PostFormAsync(browser, "/account", "Organisation", fields);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Moet een e-mailadres zijn.", page, StringComparison.Ordinal); // the rule's message, in the page's Dutch
        Assert.Empty((await Orleans.GetGrain<IAccountGrain>(person.AccountId).Get())!.Memberships);
        await (await person.Client.PostAsync("/api/me/organisations", new { kind = "school", name = "Sint-Jozefschool", neighbourhoodCode = "24062W02", contactEmail = " school@example.org " }))
            .ProblemNamingAsync("contactEmail");

        fields["contactEmail"] = "";
        (status, _) = await PostFormAsync(browser, "/account", "Organisation", fields);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single((await Orleans.GetGrain<IAccountGrain>(person.AccountId).Get())!.Memberships);
    }

    [Fact]
    public async Task The_members_form_refuses_a_role_that_is_none_and_an_organisation_that_is_a_resident_as_the_api_does()
    {
        // Before: a role the form does not offer made a member, and a resident's id ended in a server error.
        var world = await SharedProgressWorld.GetAsync(app);
        using var newcomer = await People.SignUpAsync(app.BaseAddress, ProgressWorld.Neighbourhood);
        using var browser = await BrowserAsync(world.Owner);

        var (status, _) = await PostFormAsync(browser, $"/account?organisationId={world.OrganisationId}", "Member",
            new() { ["memberLoginName"] = newcomer.LoginName, ["memberRole"] = "Administrator" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty((await Orleans.GetGrain<IAccountGrain>(newcomer.AccountId).Get())!.Memberships);
        await (await world.Owner.Client.PostAsync($"/api/participants/{world.OrganisationId}/members", new { loginName = newcomer.LoginName, role = "administrator" }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        (status, var page) = await PostFormAsync(browser, $"/account?organisationId={world.Owner.ParticipantId}", "Member",
            new() { ["memberLoginName"] = newcomer.LoginName, ["memberRole"] = "Member" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Een bewoner is een persoon, geen organisatie met leden.", page, StringComparison.Ordinal); // in the page's Dutch
        Assert.Empty((await Orleans.GetGrain<IAccountGrain>(newcomer.AccountId).Get())!.Memberships);

        (status, _) = await PostFormAsync(browser, $"/account?organisationId={world.OrganisationId}", "Member",
            new() { ["memberLoginName"] = newcomer.LoginName, ["memberRole"] = "Member" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(OrganisationRole.Member, Assert.Single((await Orleans.GetGrain<IAccountGrain>(newcomer.AccountId).Get())!.Memberships).Role);
    }

    [Fact]
    public async Task The_resident_form_refuses_a_neighbourhood_that_is_none_and_adds_ones_participant_once()
    {
        using var person = await People.SignUpAsync(app.BaseAddress);
        using var browser = await BrowserAsync(person);

        var (status, page) = await PostFormAsync(browser, "/account", "Resident", new() { ["neighbourhoodCode"] = "24062W99" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null((await Orleans.GetGrain<IAccountGrain>(person.AccountId).Get())!.ParticipantId);
        await (await person.Client.PostAsync("/api/me/participant", new { neighbourhoodCode = "24062W99" })).ProblemNamingAsync("neighbourhoodCode");

        (status, page) = await PostFormAsync(browser, "/account", "Resident", new() { ["neighbourhoodCode"] = "24062W04", ["pseudonym"] = "Fietser" });

        Assert.Equal(HttpStatusCode.OK, status);
        var participantId = (await Orleans.GetGrain<IAccountGrain>(person.AccountId).Get())!.ParticipantId;
        Assert.NotNull(participantId);
        Assert.Contains($"/participants/{participantId}", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_deletion_page_deletes_the_account_once_the_tick_is_given()
    {
        using var person = await People.SignUpAsync(app.BaseAddress, "24062W13");
        using var browser = await BrowserAsync(person);

        var (status, page) = await PostFormAsync(browser, "/account/delete", null, []);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Vink eerst aan", page, StringComparison.Ordinal);
        Assert.NotNull(await Orleans.GetGrain<IAccountGrain>(person.AccountId).Get());

        (status, page) = await PostFormAsync(browser, "/account/delete", null, new() { ["confirm"] = "true" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Je account is verwijderd", page, StringComparison.Ordinal);
        Assert.Null(await Orleans.GetGrain<IAccountGrain>(person.AccountId).Get());
    }

    /// <summary>A second session of the person, as a browser has it: cookies, and no antiforgery header.</summary>
    private async Task<HttpClient> BrowserAsync(Person person)
    {
        var browser = People.SessionClient(app.BaseAddress);
        await (await browser.PostAsync("/api/session", new { loginName = person.LoginName, password = person.Password })).ReadAsync<JsonObject>();
        return browser;
    }

    /// <summary>Posts a form of the page at <paramref name="path"/> with the page's antiforgery token, following a redirect; returns the answer.</summary>
    private static async Task<(HttpStatusCode Status, string Page)> PostFormAsync(HttpClient browser, string path, string? handler, Dictionary<string, string> fields)
    {
        var pagePath = path.Split('?')[0];
        fields["__RequestVerificationToken"] = AntiforgeryField().Match(await browser.GetStringAsync(pagePath)).Groups[1].Value;
        Assert.NotEmpty(fields["__RequestVerificationToken"]);
        var target = handler is null ? path : $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}handler={handler}";
        using var sent = await browser.PostAsync(target, new FormUrlEncodedContent(fields));
        return (sent.StatusCode, WebUtility.HtmlDecode(await sent.Content.ReadAsStringAsync()));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
