using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CivicContracting.Web.Security;

namespace CivicContracting.Web.Tests.Security;

/// <summary>Security headers on pages, API answers, errors, static files and the dashboard; a page CSP without inline script.</summary>
[Collection(WebAppCollection.Name)]
public sealed partial class SecurityHeadersTests(WebAppFixture app)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/goals")]
    [InlineData("/places")]
    [InlineData("/goals/no-such-goal")]
    public async Task Pages_carry_the_security_headers_and_a_strict_content_security_policy(string path)
    {
        var response = await app.Public.GetAsync(path);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        AssertCommonHeaders(response, path);
        var csp = Header(response, "Content-Security-Policy") ?? "";
        Assert.Equal(SecurityHeaders.BasePagePolicy, csp);

        var directives = Directives(csp);
        Assert.Equal("'self'", directives["script-src"]);
        Assert.Equal("'self'", directives["style-src"]);
        Assert.Equal("'none'", directives["object-src"]);
        Assert.Equal("'none'", directives["frame-ancestors"]);
        Assert.Equal("'self'", directives["base-uri"]);
        Assert.Equal("'self'", directives["form-action"]);
        Assert.Equal("'self'", directives["connect-src"]);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("style-src-attr", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_have_no_inline_script_or_style_that_the_policy_would_block()
    {
        foreach (var path in new[] { "/", "/goals", "/places", "/places/24062C" })
        {
            var html = await (await app.Public.GetAsync(path)).Content.ReadAsStringAsync();
            Assert.DoesNotMatch(StyleAttribute(), html);
            Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(EventHandlerAttribute(), html);
            foreach (Match script in ScriptTag().Matches(html))
                Assert.Contains(" src=", script.Value, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/api/goals", HttpStatusCode.OK)]
    [InlineData("/api/goals/no-such-goal", HttpStatusCode.NotFound)]
    [InlineData("/openapi/v1.json", HttpStatusCode.OK)]
    [InlineData("/css/site.css", HttpStatusCode.OK)]
    [InlineData("/js/map/main.js", HttpStatusCode.OK)]
    [InlineData("/health/live", HttpStatusCode.OK)]
    public async Task Api_answers_errors_and_static_files_carry_the_headers_and_a_deny_all_policy(string path, HttpStatusCode status)
    {
        var response = await app.Public.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        AssertCommonHeaders(response, path);
        Assert.Equal(SecurityHeaders.NonHtmlPolicy, Header(response, "Content-Security-Policy"));
    }

    [Fact]
    public async Task A_refused_write_carries_the_headers_too()
    {
        var response = await app.Public.PostAsync("/api/goals", new { title = "x", scope = new { level = "city" } });
        await response.ProblemAsync(HttpStatusCode.Unauthorized);
        AssertCommonHeaders(response, "POST /api/goals");
    }

    [Fact]
    public async Task The_dashboard_keeps_its_inline_scripts_but_may_not_be_framed()
    {
        var response = await app.Operator.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertCommonHeaders(response, "/dashboard/");
        var csp = Header(response, "Content-Security-Policy") ?? "";
        Assert.Equal(SecurityHeaders.DashboardPolicy, csp);
        Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
        Assert.Equal("'none'", Directives(csp)["frame-ancestors"]);
    }

    [Fact]
    public async Task No_strict_transport_security_over_plain_http()
    {
        var response = await app.Public.GetAsync("/");
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("https://tile.example.org/{z}/{x}/{y}.png", "https://tile.example.org")]
    [InlineData("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org")]
    [InlineData("https://tiles.example.org:8443/osm/{z}/{x}/{y}.png", "https://tiles.example.org:8443")]
    [InlineData("https://tiles-{s}.example.org/{z}/{x}/{y}.png", "https:")]
    public void The_optional_tile_host_is_allowed_for_images_only(string? template, string? source)
    {
        Assert.Equal(source, SecurityHeaders.TileSource(template));
        var policy = SecurityHeaders.PagePolicy(template);
        var directives = Directives(policy);
        Assert.Equal(source is null ? "'self' data:" : $"'self' data: {source}", directives["img-src"]);
        Assert.Equal("'self'", directives["script-src"]);
        Assert.Equal("'self'", directives["connect-src"]);
    }

    private static void AssertCommonHeaders(HttpResponseMessage response, string what)
    {
        Assert.True(Header(response, "X-Content-Type-Options") == "nosniff", $"{what}: X-Content-Type-Options");
        Assert.True(Header(response, "Referrer-Policy") == "strict-origin-when-cross-origin", $"{what}: Referrer-Policy");
        Assert.True(Header(response, "X-Frame-Options") == "DENY", $"{what}: X-Frame-Options");
        Assert.True(Header(response, "Permissions-Policy") == "geolocation=(), camera=(), microphone=()", $"{what}: Permissions-Policy");
        Assert.True(Header(response, "Cross-Origin-Opener-Policy") == "same-origin", $"{what}: Cross-Origin-Opener-Policy");
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy") ?? "", StringComparison.Ordinal);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    private static Dictionary<string, string> Directives(string csp) =>
        csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.Split(' ', 2))
            .ToDictionary(d => d[0], d => d.Length > 1 ? d[1] : "", StringComparer.Ordinal);

    [GeneratedRegex(@"<[^>]+\sstyle\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex(@"<[^>]+\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex(@"<script\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();
}
