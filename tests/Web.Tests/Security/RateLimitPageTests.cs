using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Security;

/// <summary>
/// A person at the site's sign-in form who is refused by the per-address attempt budget gets the site's page, in the
/// page's language, with the wait (Retry-After) — not the API's problem+json. The API keeps answering problem+json.
/// </summary>
public sealed partial class RateLimitPageTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync("rate-limit-page-tests",
            ("RateLimits:SignInBurst", "2"),
            ("RateLimits:SignInAttemptsPerMinute", "1"));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_sign_in_form_beyond_the_attempt_budget_gets_a_Dutch_page_with_the_wait_and_the_API_a_problem()
    {
        using var browser = People.SessionClient(_app.BaseAddress);
        HttpResponseMessage? refused = null;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            // Loading the form is never counted; posting it is.
            var form = await browser.GetStringAsync("/account/sign-in");
            var response = await browser.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["loginName"] = "nobody-here",
                ["password"] = "a wrong but long password",
                ["__RequestVerificationToken"] = AntiforgeryField().Match(form).Groups[1].Value,
            }));
            if (attempt < 3)
            {
                Assert.NotEqual(HttpStatusCode.TooManyRequests, response.StatusCode);
                continue;
            }
            refused = response;
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, refused!.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        var wait = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture);
        Assert.InRange(wait, 1, 60);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"nl", page, StringComparison.Ordinal);
        Assert.Contains($"Wacht {wait} seconden", page, StringComparison.Ordinal);
        Assert.Contains("data-status=\"429\"", page, StringComparison.Ordinal);

        // The API's sign-in from the same address: still problem+json.
        using var api = TestHosts.Client(_app.BaseAddress, token: null);
        var problem = await (await api.PostAsync("/api/session", new { loginName = "nobody-here", password = "a wrong but long password" }))
            .ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("sign-in attempts", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
