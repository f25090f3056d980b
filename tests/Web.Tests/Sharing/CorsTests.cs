using System.Net;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Sharing;

/// <summary>
/// CORS (Security/PublicReadCors): the API's public reads are readable from any origin, without credentials; writes,
/// a signed-in person's endpoints and the pages get no CORS header, and a cross-origin preflight for a write is refused.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class CorsTests(WebAppFixture app)
{
    private const string Origin = "https://school.example";

    [Theory]
    [InlineData("/api/goals")]
    [InlineData("/api")]
    [InlineData("/api/places/24062")]
    [InlineData("/openapi/v1.json")]
    public async Task A_public_read_is_readable_from_any_origin_without_credentials(string path)
    {
        using var response = await app.Public.SendAsync(WithOrigin(HttpMethod.Get, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", Single(response, "Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.Contains("ETag", Single(response, "Access-Control-Expose-Headers"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_persons_read_a_write_and_a_page_get_no_cors_header()
    {
        var person = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(5));

        // The person's own data, with their session cookie: 200, but no CORS header, so no other origin reads it.
        using var me = await person.Client.SendAsync(WithOrigin(HttpMethod.Get, "/api/me"));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.False(me.Headers.Contains("Access-Control-Allow-Origin"));
        // Any endpoint that requires a signed-in caller, whatever its path (here the moderators' queue).
        await People.GrantAsync(app.Operator, person.AccountId, "moderator");
        using var flags = await person.Client.SendAsync(WithOrigin(HttpMethod.Get, "/api/moderation/flags"));
        Assert.Equal(HttpStatusCode.OK, flags.StatusCode);
        Assert.False(flags.Headers.Contains("Access-Control-Allow-Origin"));
        using var anonymousMe = await app.Public.SendAsync(WithOrigin(HttpMethod.Get, "/api/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousMe.StatusCode);
        Assert.False(anonymousMe.Headers.Contains("Access-Control-Allow-Origin"));

        // A write (here with the operator token, so it succeeds) gets none either.
        var write = WithOrigin(HttpMethod.Post, "/api/goals");
        write.Content = TestApi.JsonContent(new { id = $"g-cors-{Guid.NewGuid():N}", title = "Cross-origin goal", description = "A goal.", scope = new { level = "city" } });
        using var written = await app.Operator.SendAsync(write);
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        Assert.False(written.Headers.Contains("Access-Control-Allow-Origin"));

        // The site's pages are for the site.
        using var page = await app.Public.SendAsync(WithOrigin(HttpMethod.Get, "/goals"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.False(page.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_preflight_allows_a_read_and_refuses_a_write_credentials_and_the_session()
    {
        using var read = await app.Public.SendAsync(Preflight("/api/goals", "GET", "accept-language"));
        Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        Assert.Equal("*", Single(read, "Access-Control-Allow-Origin"));
        Assert.Equal("GET, HEAD", Single(read, "Access-Control-Allow-Methods"));

        foreach (var refused in new[]
        {
            Preflight("/api/goals", "POST", "content-type"),
            Preflight("/api/commitments/c-1/progress", "POST", null),
            Preflight("/api/me", "DELETE", null),
            Preflight("/api/goals", "GET", "authorization"), // a token is a credential: not across origins
            Preflight("/api/me", "GET", null),
        })
        {
            using var response = await app.Public.SendAsync(refused);
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), $"{refused.Headers.GetValues("Access-Control-Request-Method").Single()} {refused.RequestUri}");
            Assert.False(response.Headers.Contains("Access-Control-Allow-Methods"));
            Assert.NotEqual(HttpStatusCode.NoContent, response.StatusCode);
        }
    }

    private static HttpRequestMessage WithOrigin(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Origin", Origin);
        return request;
    }

    private static HttpRequestMessage Preflight(string path, string method, string? headers)
    {
        var request = WithOrigin(HttpMethod.Options, path);
        request.Headers.Add("Access-Control-Request-Method", method);
        if (headers is not null)
            request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    /// <summary>The header's value (a list header may come back split at its commas).</summary>
    private static string Single(HttpResponseMessage response, string header) =>
        Assert.IsType<string>(response.Headers.TryGetValues(header, out var values) ? string.Join(", ", values) : null);
}
