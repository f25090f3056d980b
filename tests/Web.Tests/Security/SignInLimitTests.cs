using System.Net;
using CivicContracting.Web.Tests.Accounts;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Tests.Security;

/// <summary>
/// Sign-in attempts are limited per client address (3 at once, then 3 a minute here). Behind a trusted proxy (127.0.0.1 here) the address
/// is the one the proxy forwards, so one client's guessing does not lock out everyone behind the same ingress.
/// </summary>
public sealed class SignInLimitTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync("sign-in-limit-tests",
            ("RateLimits:SignInAttemptsPerMinute", "3"),
            ("RateLimits:SignInBurst", "3"),
            ("Security:TrustedProxies:0", "127.0.0.1"));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_fourth_attempt_within_a_minute_gets_429_for_that_client_only_as_forwarded_by_the_trusted_proxy()
    {
        using var client = new HttpClient { BaseAddress = _app.BaseAddress };
        async Task<HttpResponseMessage> Attempt(string forwardedFor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/session")
            {
                Content = new StringContent("""{"loginName":"nobody@example.org","password":"not the password"}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            return await client.SendAsync(request);
        }

        for (var i = 0; i < 3; i++)
            await (await Attempt("203.0.113.7")).ProblemAsync(HttpStatusCode.Unauthorized);
        var limited = await (await Attempt("203.0.113.7")).ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("RateLimits:SignInAttemptsPerMinute", (string)limited["detail"]!, StringComparison.Ordinal);
        // Another client behind the same proxy may still try.
        await (await Attempt("203.0.113.8")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public void Trusted_proxies_that_are_not_addresses_stop_the_start_naming_the_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => CivicContractingWebApp.Build(TestHosts.WebArgs(("Security:TrustedProxies:0", "the-ingress"))));
        Assert.Contains("Security:TrustedProxies", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }
}
