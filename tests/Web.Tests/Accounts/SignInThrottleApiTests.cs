using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>
/// Throttling of sign-in and sign-up through the real HTTP endpoints, with the shipped budgets (not the suites' generous
/// ones): a room of 60 people behind one address, a stranger guessing from another address behind the same trusted proxy,
/// page views, and the separate sign-in and sign-up budgets.
/// </summary>
public sealed class SignInThrottleApiTests : IAsyncLifetime
{
    private const string Password = "a long enough test password";

    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        // The shipped defaults (the test hosts otherwise allow 10,000 sign-ins a minute), behind a proxy at 127.0.0.1.
        var shipped = new CivicContracting.Web.Security.RateLimitOptions();
        _app = await TestApp.StartAsync("sign-in-throttle-tests",
            ("RateLimits:SignInAttemptsPerMinute", Text(shipped.SignInAttemptsPerMinute)),
            ("RateLimits:SignInBurst", Text(shipped.SignInBurst)),
            ("RateLimits:SignUpAttemptsPerMinute", Text(shipped.SignUpAttemptsPerMinute)),
            ("RateLimits:SignUpBurst", Text(shipped.SignUpBurst)),
            ("RateLimits:AnonymousWritesPerMinute", "60"),
            ("Security:TrustedProxies:0", "127.0.0.1"),
            ("Accounts:SignInDelay", "00:00:01"),
            ("Accounts:MaxSignInDelay", "00:00:02"));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Sixty_people_behind_one_address_can_all_sign_up_and_sign_in_within_the_default_budgets()
    {
        const string room = "198.51.100.60";
        var logins = Enumerable.Range(0, 60).Select(i => $"room-{i}-{Guid.NewGuid():N}@example.org").ToList();
        var clock = Stopwatch.StartNew();

        // Everybody at once (8 in flight), as in a co-creation session on shared Wi-Fi; each also mistypes once.
        using var gate = new SemaphoreSlim(8);
        var statuses = await Task.WhenAll(logins.Select(async login =>
        {
            await gate.WaitAsync();
            try
            {
                using var person = People.SessionClient(_app.BaseAddress);
                var signUp = await Send(person, "/api/accounts", new { displayName = "Room Person", loginName = login, password = Password }, room);
                var typo = await Send(person, "/api/session", new { loginName = login, password = Password + "!" }, room);
                var signIn = await Send(person, "/api/session", new { loginName = login, password = Password }, room);
                return (signUp.StatusCode, typo.StatusCode, signIn.StatusCode);
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.All(statuses, s => Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Unauthorized, HttpStatusCode.OK), s));
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_strangers_guesses_from_another_address_never_keep_the_owner_out()
    {
        var login = $"owner-{Guid.NewGuid():N}@example.org";
        using var owner = People.SessionClient(_app.BaseAddress);
        await (await Send(owner, "/api/accounts", new { displayName = "Owner", loginName = login, password = Password }, "198.51.100.1")).ReadAsync<JsonObject>(HttpStatusCode.Created);

        using var stranger = People.SessionClient(_app.BaseAddress);
        var throttled = 0;
        for (var i = 0; i < 12; i++)
        {
            var response = await Send(stranger, "/api/session", new { loginName = login, password = $"guess number {i}" }, "203.0.113.66");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throttled++;
                Assert.InRange(response.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
            else
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }
        Assert.True(throttled > 0, "the stranger is slowed down");

        // The owner, on another address, signs in at once, while the stranger is still being slowed down.
        using var again = People.SessionClient(_app.BaseAddress);
        await (await Send(again, "/api/session", new { loginName = login, password = Password }, "198.51.100.1")).ReadAsync<JsonObject>();
        await (await again.GetAsync("/api/me")).ReadAsync<JsonObject>();
    }

    [Fact]
    public async Task An_unknown_login_name_gets_the_same_answers_and_about_the_same_time_as_a_wrong_password()
    {
        var login = $"known-{Guid.NewGuid():N}@example.org";
        using var client = People.SessionClient(_app.BaseAddress);
        await (await Send(client, "/api/accounts", new { displayName = "Known", loginName = login, password = Password }, "198.51.100.2")).ReadAsync<JsonObject>(HttpStatusCode.Created);
        var unknownLogin = $"unknown-{Guid.NewGuid():N}@example.org";

        var known = new List<TimeSpan>();
        var unknown = new List<TimeSpan>();
        var knownAnswers = new List<string>();
        var unknownAnswers = new List<string>();
        // 5 from each address stay under the free failures, so the answers are all 401; interleaved, so load hits both alike.
        for (var i = 0; i < 5; i++)
        {
            foreach (var (name, times, answers) in new[] { (login, known, knownAnswers), (unknownLogin, unknown, unknownAnswers) })
            {
                var watch = Stopwatch.StartNew();
                var response = await Send(client, "/api/session", new { loginName = name, password = "not the password at all" }, "198.51.100.3");
                times.Add(watch.Elapsed);
                answers.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
        Assert.Equal(knownAnswers.Select(WithoutTrace), unknownAnswers.Select(WithoutTrace));
        Assert.All(knownAnswers, a => Assert.StartsWith("401 ", a, StringComparison.Ordinal));
        Assert.DoesNotContain("attempt", knownAnswers[0], StringComparison.OrdinalIgnoreCase);

        // An unknown login name runs a password hash as well: its median time is of the same order as a known one's.
        var knownMedian = known.Order().ElementAt(2);
        var unknownMedian = unknown.Order().ElementAt(2);
        Assert.True(unknownMedian > knownMedian / 3, $"unknown {unknownMedian.TotalMilliseconds:0} ms, known {knownMedian.TotalMilliseconds:0} ms");

        // Throttled alike, too: the next attempts on both wait.
        for (var i = 0; i < 2; i++)
        {
            var k = await Send(client, "/api/session", new { loginName = login, password = "still not it" }, "198.51.100.3");
            var u = await Send(client, "/api/session", new { loginName = unknownLogin, password = "still not it" }, "198.51.100.3");
            Assert.Equal(k.StatusCode, u.StatusCode);
        }
    }

    internal static async Task<HttpResponseMessage> Send(HttpClient client, string path, object body, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = TestApi.JsonContent(body) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request);
    }

    /// <summary>The answer without its trace id, which differs per request.</summary>
    private static string WithoutTrace(string answer)
    {
        var json = JsonNode.Parse(answer[4..])!.AsObject();
        json.Remove("traceId");
        return answer[..4] + json.ToJsonString();
    }
}

/// <summary>Page views never count, and sign-in and sign-up have separate budgets (3 each here).</summary>
public sealed class SignInBudgetTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync("sign-in-budget-tests",
            ("RateLimits:SignInAttemptsPerMinute", "1"),
            ("RateLimits:SignInBurst", "3"),
            ("RateLimits:SignUpAttemptsPerMinute", "1"),
            ("RateLimits:SignUpBurst", "3"));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Viewing_the_forms_never_counts_and_sign_in_and_sign_up_draw_from_separate_budgets()
    {
        using var client = People.SessionClient(_app.BaseAddress);
        // Before: loading the sign-in page counted towards the limit that sign-in and sign-up shared.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/sign-in")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/register")).StatusCode);
        }

        for (var i = 0; i < 3; i++)
            await (await client.PostAsync("/api/session", new { loginName = "nobody@example.org", password = "not the password" })).ProblemAsync(HttpStatusCode.Unauthorized);
        var limited = await (await client.PostAsync("/api/session", new { loginName = "nobody@example.org", password = "not the password" })).ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("RateLimits:SignInBurst", (string)limited["detail"]!, StringComparison.Ordinal);

        // Sign-up has its own budget: the spent sign-in budget does not touch it.
        for (var i = 0; i < 3; i++)
        {
            using var person = People.SessionClient(_app.BaseAddress);
            await (await person.PostAsync("/api/accounts", new { displayName = "Budget", loginName = $"budget-{Guid.NewGuid():N}@example.org", password = "a long enough test password" }))
                .ReadAsync<JsonObject>(HttpStatusCode.Created);
        }
        var signUpLimited = await (await client.PostAsync("/api/accounts", new { displayName = "Budget", loginName = $"budget-{Guid.NewGuid():N}@example.org", password = "a long enough test password" }))
            .ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("RateLimits:SignUpBurst", (string)signUpLimited["detail"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/sign-in")).StatusCode);
    }
}
