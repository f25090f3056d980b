using System.Net;
using System.Text.RegularExpressions;

namespace CivicContracting.Site.Tests;

/// <summary>What the HTML tests read from a page: status, type, language, headings, links and the visible text.</summary>
public static partial class Html
{
    /// <summary>GETs <paramref name="path"/> and asserts a Dutch HTML page with an h1: the contract of every public page.</summary>
    public static async Task<string> PageAsync(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {path}: expected {(int)expected}, got {(int)response.StatusCode}: {Excerpt(html)}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "text/html",
            $"GET {path}: expected text/html, got '{response.Content.Headers.ContentType}': {Excerpt(html)}");
        Assert.True(HtmlLang().Match(html) is { Success: true } lang && lang.Groups[1].Value == "nl-BE",
            $"GET {path}: expected <html lang=\"nl-BE\">: {Excerpt(html)}");
        Assert.True(H1s(html).Any(h => h.Length > 0), $"GET {path}: expected a non-empty <h1>: {Excerpt(html)}");
        return html;
    }

    /// <summary>The text content of every h1, tags stripped and entities decoded.</summary>
    public static IReadOnlyList<string> H1s(string html) =>
        [.. H1().Matches(html).Select(m => Text(m.Groups[1].Value))];

    /// <summary>The page as text, as a reader sees it (and as a search for a name or address must see it): no tags, entities decoded.</summary>
    public static string Text(string html) =>
        Whitespace().Replace(WebUtility.HtmlDecode(Tag().Replace(Scripts().Replace(html, " "), " ")), " ").Trim();

    /// <summary>The decoded href of every &lt;a&gt;.</summary>
    public static IReadOnlyList<string> Links(string html) =>
        [.. AnchorHref().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];

    public static string Excerpt(string html) => html.Length <= 600 ? html : html[..600] + "…";

    [GeneratedRegex("""<html\b[^>]*\blang\s*=\s*["']?([A-Za-z-]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlLang();

    [GeneratedRegex(@"<h1\b[^>]*>(.*?)</h1>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex H1();

    [GeneratedRegex("""<a\b[^>]*?\bhref\s*=\s*["']([^"']*)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex AnchorHref();

    [GeneratedRegex(@"<(script|style)\b.*?</\1>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Scripts();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
