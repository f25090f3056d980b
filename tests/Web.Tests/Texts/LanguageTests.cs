using System.Net;
using System.Text.RegularExpressions;

namespace CivicContracting.Web.Tests.Texts;

/// <summary>
/// How a request gets its language: pages by ?culture=, the switcher's cookie, Accept-Language, else Dutch; the API
/// by ?culture= or Accept-Language, else English. The chosen language is in &lt;html lang&gt; and Content-Language.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class LanguageTests(WebAppFixture app)
{
    [Theory]
    [InlineData("/?culture=fr-BE", null, null, "fr-BE")]
    [InlineData("/goals?culture=fr", null, null, "fr-BE")]
    [InlineData("/?culture=en", null, null, "en-BE")]
    [InlineData("/", "en-BE", null, "en-BE")]
    [InlineData("/places", "fr-BE", null, "fr-BE")]
    [InlineData("/", null, "en", "en-BE")]
    [InlineData("/", null, "de-DE, fr-FR;q=0.8, en;q=0.5", "fr-BE")]
    [InlineData("/", null, "de-DE", "nl-BE")]
    [InlineData("/", null, null, "nl-BE")]
    // ?culture= outranks the cookie, and the cookie outranks the browser's language.
    [InlineData("/?culture=nl", "fr-BE", "en", "nl-BE")]
    [InlineData("/", "fr-BE", "en", "fr-BE")]
    public async Task A_page_speaks_the_chosen_language_and_says_so(string path, string? cookie, string? acceptLanguage, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
            request.Headers.Add("Cookie", $"cc_language={cookie}");
        if (acceptLanguage is not null)
            request.Headers.Add("Accept-Language", acceptLanguage);
        using var client = PlainClient();
        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, HtmlLang().Match(html).Groups[1].Value);
        Assert.Equal([expected], response.Content.Headers.ContentLanguage);
    }

    [Fact]
    public async Task The_same_page_is_English_for_one_visitor_and_Dutch_for_the_next_despite_the_page_cache()
    {
        using var client = PlainClient();
        using var english = new HttpRequestMessage(HttpMethod.Get, "/goals");
        english.Headers.Add("Accept-Language", "en");
        var englishHtml = await (await client.SendAsync(english)).Content.ReadAsStringAsync();
        var dutchHtml = await client.GetStringAsync("/goals");

        Assert.Contains(">Shared goals<", englishHtml, StringComparison.Ordinal);
        Assert.Contains(">Gedeelde doelen<", dutchHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_page_offers_the_switcher_and_its_alternates()
    {
        using var client = PlainClient();
        var html = await client.GetStringAsync("/goals?culture=en-BE&level=result");

        foreach (var (code, name) in new[] { ("nl", "Nederlands"), ("fr", "Français"), ("en", "English") })
        {
            var link = Regex.Match(html, $"""<a href="/language/{code}\?returnUrl=%2Fgoals%3Flevel%3Dresult" lang="{code}-BE" hreflang="{code}"[^>]*>([^<]*)</a>""");
            Assert.True(link.Success, $"No switcher link to {code} in {html}");
            Assert.Equal(name, WebUtility.HtmlDecode(link.Groups[1].Value));
            Assert.Matches($"""<link rel="alternate" hreflang="{code}" href="http://127\.0\.0\.1:\d+/goals\?level=result&amp;culture={code}">""", html);
        }
        Assert.Matches("""<link rel="alternate" hreflang="x-default" href="http://127\.0\.0\.1:\d+/goals\?level=result">""", html);
        Assert.Matches("""<a href="/language/en[^"]*"[^>]*aria-current="true"[^>]*>English</a>""", html);
        Assert.Single(Regex.Matches(html, "aria-current=\"true\""));
    }

    [Fact]
    public async Task The_switcher_remembers_the_language_and_goes_back_to_the_page()
    {
        using var client = PlainClient();
        using var response = await client.GetAsync("/language/fr?returnUrl=%2Fgoals%3Flevel%3Dresult");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/goals?level=result", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("cc_language=fr-BE;", cookie, StringComparison.Ordinal);
        Assert.Contains("max-age=31536000", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        // Over plain HTTP without Security:SecureCookiesOnly, as the session cookie.
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("https%3A%2F%2Fevil.example%2F")]
    [InlineData("%2F%2Fevil.example%2F")]
    [InlineData("%2F%5Cevil.example%2F")]
    [InlineData("javascript%3Aalert(1)")]
    [InlineData("")]
    public async Task The_switcher_never_sends_anyone_to_another_site(string returnUrl)
    {
        using var client = PlainClient();
        using var response = await client.GetAsync($"/language/en?returnUrl={returnUrl}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task An_unknown_language_sets_nothing()
    {
        using var client = PlainClient();
        using var response = await client.GetAsync("/language/de?returnUrl=%2Fgoals");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/goals", response.Headers.Location?.OriginalString);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData(null, null, "en-BE")]
    [InlineData("nl-BE,nl;q=0.9", null, "nl-BE")]
    [InlineData("fr", null, "fr-BE")]
    // The site's cookie is for pages: an API client's answer does not change because a browser once picked a language.
    [InlineData(null, "nl-BE", "en-BE")]
    public async Task The_API_answers_in_English_unless_asked_otherwise(string? acceptLanguage, string? cookie, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/goals/no-such-goal-at-all");
        if (acceptLanguage is not null)
            request.Headers.Add("Accept-Language", acceptLanguage);
        if (cookie is not null)
            request.Headers.Add("Cookie", $"cc_language={cookie}");
        using var client = PlainClient();
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([expected], response.Content.Headers.ContentLanguage);
    }

    /// <summary>No cookies kept and no redirects followed: each test says exactly what it sends and reads what comes back.</summary>
    private HttpClient PlainClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    [GeneratedRegex("<html\\b[^>]*\\blang=\"([^\"]+)\"")]
    private static partial Regex HtmlLang();
}
