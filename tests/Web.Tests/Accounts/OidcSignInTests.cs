using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>
/// Sign-in through OpenID Connect against a local provider (<see cref="TestOidcProvider"/>): the first sign-in creates an
/// account linked to (issuer, subject), the next one finds it, a token the provider did not sign is refused.
/// </summary>
public sealed class OidcSignInTests : IAsyncLifetime
{
    private TestOidcProvider _provider = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _provider = await TestOidcProvider.StartAsync();
        _app = await TestApp.StartAsync("oidc-tests",
            ("Accounts:Oidc:Authority", _provider.Issuer.ToString().TrimEnd('/')),
            ("Accounts:Oidc:ClientId", TestOidcProvider.ClientId),
            ("Accounts:Oidc:ClientSecret", TestOidcProvider.ClientSecret),
            ("Accounts:Oidc:RequireHttpsMetadata", "false"));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task The_first_sign_in_creates_an_account_linked_to_the_provider_and_the_next_finds_it()
    {
        _provider.NextUser = ($"sub-{Guid.NewGuid():N}", "Els Peeters", "els@example.org");
        using var first = People.SessionClient(_app.BaseAddress);
        var page = await first.GetAsync("/account/sign-in/oidc?returnUrl=%2Faccount");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.EndsWith("/account", page.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        var me = await first.GetAsync<JsonObject>("/api/me");
        Assert.Equal("Els Peeters", (string)me["displayName"]!);
        Assert.Equal(_provider.Issuer.ToString().TrimEnd('/'), (string)me["external"]!["issuer"]!);
        Assert.False((bool)me["hasPassword"]!);

        using var second = People.SessionClient(_app.BaseAddress);
        await second.GetAsync("/account/sign-in/oidc");
        var again = await second.GetAsync<JsonObject>("/api/me");
        Assert.Equal((string)me["id"]!, (string)again["id"]!);
        Assert.Equal(2, _provider.TokensIssued);
    }

    [Fact]
    public async Task An_id_token_signed_with_a_key_the_provider_does_not_publish_signs_nobody_in()
    {
        _provider.NextUser = ($"sub-{Guid.NewGuid():N}", "Mallory", "mallory@example.org");
        _provider.SignWithUnpublishedKey = true;
        try
        {
            using var client = People.SessionClient(_app.BaseAddress);
            var page = await client.GetAsync("/account/sign-in/oidc");
            Assert.Contains("failed=oidc", page.RequestMessage!.RequestUri!.Query, StringComparison.Ordinal);
            await (await client.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);
        }
        finally
        {
            _provider.SignWithUnpublishedKey = false;
        }
    }

    [Fact]
    public void An_http_authority_without_opting_out_of_https_metadata_stops_the_start_naming_the_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => CivicContractingWebApp.Build(TestHosts.WebArgs(
            ("Accounts:Oidc:Authority", "http://idp.example.org"), ("Accounts:Oidc:ClientId", "x"))));
        Assert.Contains("Accounts:Oidc:Authority", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }
}
