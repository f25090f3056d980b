using System.Net;
using System.Net.Http.Json;
using CivicContracting.Web.Tests.Live;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Tests.Security;

/// <summary>
/// Behind the ingress (a trusted network, here 127.0.0.0/8 as CIDR), X-Forwarded-For gives the client's address (one
/// live stream per address here, so the address a stream counts against shows) and X-Forwarded-Proto: https makes the
/// request HTTPS: cookies <c>Secure</c>, HSTS sent. From outside the trusted networks both headers are ignored.
/// </summary>
public sealed class TrustedProxyTests : IAsyncLifetime
{
    private static readonly IPAddress Loopback = IPAddress.Loopback;

    private TestApp _trusted = null!;
    private TestApp _untrusted = null!;

    public async Task InitializeAsync()
    {
        (string, string)[] oneStreamPerAddress = [("Live:MaxConnectionsPerAddress", "1"), ("Live:MaxConnections", "20"), ("Operations:Dashboard", "false")];
        _trusted = await TestApp.StartAsync("trusted-proxy", [("Security:TrustedProxies:0", "127.0.0.0/8"), .. oneStreamPerAddress]);
        // The ingress's network does not hold the test's address; every cookie must be Secure all the same.
        _untrusted = await TestApp.StartAsync("untrusted-proxy",
            [("Security:TrustedProxies:0", "10.0.0.0/8"), ("Security:SecureCookiesOnly", "true"), .. oneStreamPerAddress]);
    }

    public async Task DisposeAsync()
    {
        await _trusted.DisposeAsync();
        await _untrusted.DisposeAsync();
    }

    [Fact]
    public async Task From_a_trusted_network_each_forwarded_client_address_counts_on_its_own()
    {
        await using var first = await PausableLiveStream.OpenAsync(_trusted.BaseAddress, Loopback, forwardedFor: "198.51.100.1");
        await using var second = await PausableLiveStream.OpenAsync(_trusted.BaseAddress, Loopback, forwardedFor: "198.51.100.2");
        await PausableLiveStream.RefusedAsync(_trusted.BaseAddress, "/api/live", Loopback, HttpStatusCode.TooManyRequests, forwardedFor: "198.51.100.1");
    }

    [Fact]
    public async Task From_elsewhere_forwarded_addresses_are_ignored_and_buy_no_fresh_places()
    {
        await using var first = await PausableLiveStream.OpenAsync(_untrusted.BaseAddress, Loopback, forwardedFor: "198.51.100.1");
        await PausableLiveStream.RefusedAsync(_untrusted.BaseAddress, "/api/live", Loopback, HttpStatusCode.TooManyRequests, forwardedFor: "198.51.100.2");
    }

    [Fact]
    public async Task Https_forwarded_by_a_trusted_proxy_gives_Secure_cookies_and_HSTS_plain_HTTP_neither()
    {
        var (cookies, hsts) = await SignInPageAsync(_trusted, forwardedProto: "https");
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith("max-age=", hsts, StringComparison.Ordinal);

        (cookies, hsts) = await SignInPageAsync(_trusted, forwardedProto: null);
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.Null(hsts);
    }

    [Fact]
    public async Task Https_claimed_from_outside_the_trusted_networks_is_ignored_and_SecureCookiesOnly_still_makes_the_session_cookie_Secure()
    {
        var (cookies, hsts) = await SignInPageAsync(_untrusted, forwardedProto: "https");
        Assert.Null(hsts);
        // Antiforgery follows the request (it refuses to work at all on plain HTTP when forced): not Secure here.
        Assert.All(cookies, c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));

        // Signing up signs in: the session cookie is Secure although the request came over plain HTTP.
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = _untrusted.BaseAddress };
        var login = $"proxy-{Guid.NewGuid():N}@example.org";
        using var response = await client.PostAsync("/api/accounts", JsonContent.Create(new { displayName = "Proxy Test", loginName = login, password = Accounts.People.Password, email = login }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var session = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("cc_session=", StringComparison.Ordinal));
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/8 ingress")]
    public void A_trusted_network_that_is_not_a_network_stops_the_start_naming_the_setting(string network)
    {
        var error = Assert.Throws<OptionsValidationException>(() => CivicContractingWebApp.Build(TestHosts.WebArgs(("Security:TrustedProxies:0", network))));
        Assert.Contains("Security:TrustedProxies", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }

    /// <summary>The sign-in page (it sets the antiforgery cookie) under a public host name: HSTS is never sent to localhost.</summary>
    private static async Task<(List<string> Cookies, string? Hsts)> SignInPageAsync(TestApp app, string? forwardedProto)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/sign-in");
        request.Headers.Host = "civic.example.org";
        if (forwardedProto is not null)
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var set) ? set.ToList() : [];
        var hsts = response.Headers.TryGetValues("Strict-Transport-Security", out var values) ? values.Single() : null;
        return (cookies, hsts);
    }
}
