using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CivicContracting.Web.Tests.ApiLint;

/// <summary>
/// The interactive API reference at /api/docs: Scalar's page, from this app only, reading the app's own OpenAPI document,
/// its inline script allowed by a fresh nonce and nothing else inline; linked from the API index.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class ApiReferenceTests(WebAppFixture app)
{
    [Fact]
    public async Task The_reference_page_loads_the_apps_own_document_and_scripts_only()
    {
        var redirect = await app.Public.GetAsync(new Uri("/api/docs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, redirect.StatusCode); // the client follows Scalar's redirect to /api/docs/
        var page = await app.Public.GetAsync(new Uri("/api/docs/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(ExternalUrl(), html);
        foreach (var source in ScriptSource().Matches(html).Select(m => m.Groups[1].Value))
        {
            var script = await app.Public.GetAsync(new Uri($"/api/docs/{source}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            var text = await script.Content.ReadAsStringAsync();
            Assert.True(text.Length > 0, source);
        }
        // The document the page reads (served beside it, from the base path).
        var document = await app.Public.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);

        // Each script tag carries the nonce that this response's policy allows, and a new one each time.
        var policy = string.Join(';', page.Headers.GetValues("Content-Security-Policy"));
        var nonce = Nonce().Match(policy).Groups[1].Value;
        Assert.NotEmpty(nonce);
        var tags = ScriptTag().Matches(html);
        Assert.NotEmpty(tags);
        Assert.All(tags, t => Assert.Contains($"nonce=\"{nonce}\"", t.Value, StringComparison.Ordinal));
        Assert.DoesNotContain("'unsafe-inline'", policy.Split(';').Single(d => d.Trim().StartsWith("script-src", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        var again = await app.Public.GetAsync(new Uri("/api/docs/", UriKind.Relative));
        Assert.NotEqual(nonce, Nonce().Match(string.Join(';', again.Headers.GetValues("Content-Security-Policy"))).Groups[1].Value);
        Assert.Contains("no-store", again.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_pages_keep_their_policy_without_a_nonce()
    {
        var home = await app.Public.GetAsync(new Uri("/", UriKind.Relative));
        var policy = string.Join(';', home.Headers.GetValues("Content-Security-Policy"));
        Assert.DoesNotContain("nonce-", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_API_index_links_to_the_reference()
    {
        var index = await app.Public.GetAsync<JsonObject>("/api");
        Assert.Equal("/api/docs", (string?)index["links"]!["docs"]);
        Assert.Equal("/openapi/v1.json", (string?)index["links"]!["openapi"]);
    }

    [Fact]
    public async Task The_site_footer_links_to_the_reference_in_each_language()
    {
        foreach (var (language, text) in new[] { ("nl", "API-referentie"), ("fr", "Référence de l’API"), ("en", "API reference") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
            request.Headers.AcceptLanguage.ParseAdd(language);
            var html = await (await app.Public.SendAsync(request)).Content.ReadAsStringAsync();
            Assert.Contains($"<a href=\"/api/docs\">{text}</a>", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("""(?:src|href)\s*=\s*["']?(?:https?:)?//""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalUrl();

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();

    [GeneratedRegex("""<script\b[^>]*>""")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("""script-src [^;]*'nonce-([^']+)'""")]
    private static partial Regex Nonce();
}
