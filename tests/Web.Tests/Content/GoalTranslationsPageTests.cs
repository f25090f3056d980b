using System.Net;
using System.Text.Json.Nodes;

namespace CivicContracting.Web.Tests.Content;

/// <summary>
/// The site shows the city's goals in the page's language; a text with no translation into it is shown in its original
/// and marked with that language (<c>lang="nl"</c>), so that a screen reader pronounces it right.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class GoalTranslationsPageTests(WebAppFixture app)
{
    [Fact]
    public async Task A_french_page_shows_the_french_title_and_marks_the_dutch_fallback_with_its_language()
    {
        var id = $"g-page-{Guid.NewGuid():N}";
        await (await app.Operator.PostAsync("/api/goals", new
        {
            id,
            title = "Groene speelplaatsen",
            description = "Bomen en gras in plaats van asfalt.",
            scope = new { level = "city" },
            translations = new { title = new { fr = "Des cours de récréation vertes" } },
        })).ReadAsync<JsonObject>(HttpStatusCode.Created);

        var french = await PageAsync($"/goals/{id}?culture=fr");
        Assert.Contains("<html lang=\"fr-BE\"", french);
        Assert.Contains("<h1 dir=\"auto\">Des cours de récréation vertes</h1>", french);
        Assert.Contains("<p class=\"lead\" dir=\"auto\" lang=\"nl\">Bomen en gras in plaats van asfalt.</p>", french);

        // In Dutch the same texts are the page's own language: no lang of their own.
        var dutch = await PageAsync($"/goals/{id}?culture=nl");
        Assert.Contains("<h1 dir=\"auto\">Groene speelplaatsen</h1>", dutch);
        Assert.Contains("<p class=\"lead\" dir=\"auto\">Bomen en gras in plaats van asfalt.</p>", dutch);

        // In English neither text is translated: both fall back to Dutch, marked.
        var english = await PageAsync($"/goals/{id}?culture=en");
        Assert.Contains("<h1 dir=\"auto\" lang=\"nl\">Groene speelplaatsen</h1>", english);

        var list = await PageAsync("/goals?culture=fr");
        Assert.Contains($"href=\"/goals/{id}\">Des cours de récréation vertes</a>", list);
    }

    /// <summary>The page's HTML with character references decoded (Razor may encode letters such as é).</summary>
    private async Task<string> PageAsync(string path)
    {
        var response = await app.Public.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }
}
