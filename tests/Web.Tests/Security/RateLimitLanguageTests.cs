using System.Net;
using System.Net.Http.Headers;

namespace CivicContracting.Web.Tests.Security;

/// <summary>
/// A 429 of the API's rate limiter says what was limited and how long to wait in the request's language (its own app with
/// tiny limits, so no other test's bucket is touched): French for <c>Accept-Language: fr</c>.
/// </summary>
public sealed class RateLimitLanguageTests(RateLimitedWebAppFixture app) : IClassFixture<RateLimitedWebAppFixture>
{
    [Fact]
    public async Task Writes_beyond_the_limit_are_refused_with_a_french_title_and_detail()
    {
        HttpResponseMessage? refused = null;
        // Two writes without a valid token pass the limiter (and are refused 401); the third is limited.
        for (var i = 0; i < 3 && refused is null; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/goals")
            {
                Content = new StringContent("""{"title":"Un objectif","scope":{"level":"city"}}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"guessed-token-{Guid.NewGuid():N}");
            request.Headers.AcceptLanguage.ParseAdd("fr-BE");
            var response = await app.Public.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                refused = response;
        }

        Assert.NotNull(refused);
        var problem = await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        var wait = (int)refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.Equal("Trop de requêtes", (string)problem["title"]!);
        Assert.Equal($"Trop d’écritures sans jeton valable depuis cette adresse (au plus 2 par minute, RateLimits:AnonymousWritesPerMinute). Attendez {wait} s (Retry-After) et renvoyez-la\u00a0; la requête n’a pas été appliquée.",
            (string)problem["detail"]!);
    }
}
