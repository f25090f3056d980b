using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Tests.Security;

/// <summary>
/// A separate app with tiny write limits (2 writes, then 1 a minute per token; 2 a minute per address without a
/// valid token), so that exceeding them takes a few requests and the shared app's tests are never limited.
/// </summary>
public sealed class RateLimitedWebAppFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public HttpClient Operator { get; private set; } = null!;

    public HttpClient Public { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = CivicContractingWebApp.Build(TestHosts.WebArgs(
            ("Orleans:Mode", "CoHosted"),
            ("Orleans:ClusterId", $"rate-limit-tests-{Guid.NewGuid():N}"),
            ("Orleans:SiloPort", TestHosts.FreePort().ToString(CultureInfo.InvariantCulture)),
            ("Orleans:GatewayPort", TestHosts.FreePort().ToString(CultureInfo.InvariantCulture)),
            ("Operations:Dashboard", "false"),
            ("RateLimits:WritesPerMinute", "1"),
            ("RateLimits:WriteBurst", "2"),
            ("RateLimits:AnonymousWritesPerMinute", "2")));
        await _app.StartAsync();
        var address = TestHosts.AddressOf(_app);
        Operator = TestHosts.Client(address, WebAppFixture.OperatorToken);
        Public = TestHosts.Client(address, token: null);
    }

    public async Task DisposeAsync()
    {
        Operator?.Dispose();
        Public?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

public sealed class RateLimitTests(RateLimitedWebAppFixture app) : IClassFixture<RateLimitedWebAppFixture>
{
    [Fact]
    public async Task Writes_beyond_the_limit_get_429_problem_json_with_Retry_After_and_are_not_applied_while_reads_go_on()
    {
        // The burst: two writes pass.
        var first = await app.Operator.DefineGoalAsync();
        await app.Operator.DefineGoalAsync();

        var refusedId = $"g-limited-{Guid.NewGuid():N}";
        var response = await app.Operator.PostAsync("/api/goals", new { id = refusedId, title = "One too many", scope = new { level = "city" } });
        var problem = await response.ProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After: {response.Headers.RetryAfter}");
        var detail = (string)problem["detail"]!;
        Assert.Contains("RateLimits:WritesPerMinute", detail, StringComparison.Ordinal);
        Assert.Contains("not applied", detail, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());

        // Not written: the goal does not exist.
        await (await app.Public.GetAsync($"/api/goals/{refusedId}")).ProblemAsync(HttpStatusCode.NotFound);

        // Reads are never limited, for the operator or anyone else, while the writes are.
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await app.Operator.GetAsync($"/api/goals/{first}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await app.Public.GetAsync("/api/goals")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await app.Public.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Writes_without_a_valid_token_are_limited_per_address_and_guessing_tokens_buys_no_fresh_bucket()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/goals")
            {
                Content = new StringContent("""{"title":"A goal","scope":{"level":"city"}}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"guessed-token-{i}-{Guid.NewGuid():N}");
            var response = await app.Public.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var problem = await response.ProblemAsync(HttpStatusCode.TooManyRequests);
                Assert.Contains("RateLimits:AnonymousWritesPerMinute", (string)problem["detail"]!, StringComparison.Ordinal);
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Theory]
    [InlineData("RateLimits:WritesPerMinute", "0", "WritesPerMinute")]
    [InlineData("RateLimits:WriteBurst", "0", "WriteBurst")]
    [InlineData("RateLimits:SignInAttemptsPerMinute", "-1", "SignInAttemptsPerMinute")]
    [InlineData("Security:HstsMaxAge", "-1.00:00:00", "HstsMaxAge")]
    public void A_wrong_limit_stops_the_start_with_a_message_naming_it(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => CivicContractingWebApp.Build(TestHosts.WebArgs((key, value))));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(600_000, 1, 10_000)]
    [InlineData(90, 1, 2)]
    [InlineData(60, 1, 1)]
    [InlineData(1, 60, 1)]
    [InlineData(4, 15, 1)]
    public void Buckets_refill_at_least_every_minute_and_in_steps_of_a_second_when_they_can(int perMinute, int periodSeconds, int tokens)
    {
        var bucket = RateLimits.Bucket(perMinute, burst: 5);
        Assert.Equal(TimeSpan.FromSeconds(periodSeconds), bucket.ReplenishmentPeriod);
        Assert.Equal(tokens, bucket.TokensPerPeriod);
        Assert.Equal(5, bucket.TokenLimit);
        Assert.Equal(0, bucket.QueueLimit);
    }
}
