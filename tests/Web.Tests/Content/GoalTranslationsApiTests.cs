using System.Net;
using System.Text.Json.Nodes;

namespace CivicContracting.Web.Tests.Content;

/// <summary>
/// Goals written by the city in several languages: the API answers in the request's language, says which language each
/// text is in, falls back to the original, gives every translation, and refuses a translation in a language it does not speak.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class GoalTranslationsApiTests(WebAppFixture app)
{
    private async Task<string> DefineAsync(object? translations)
    {
        var id = $"g-lang-{Guid.NewGuid():N}";
        var response = await app.Operator.PostAsync("/api/goals", new
        {
            id,
            title = "Minder restafval",
            description = "Sorteren en composteren.",
            scope = new { level = "city" },
            translations,
        });
        await response.ReadAsync<JsonObject>(HttpStatusCode.Created);
        return id;
    }

    [Fact]
    public async Task A_french_request_gets_the_french_title_and_a_goal_without_french_gets_the_dutch_original()
    {
        var translated = await DefineAsync(new
        {
            title = new { fr = "Moins de déchets résiduels", en = "Less residual waste" },
            description = new { en = "Sorting and composting." },
        });

        var french = await app.Public.GetAsync<JsonObject>($"/api/goals/{translated}?culture=fr");
        Assert.Equal("Moins de déchets résiduels", (string)french["title"]!);
        Assert.Equal("fr", (string)french["titleLanguage"]!);
        Assert.Equal("Sorteren en composteren.", (string)french["description"]!); // no French description: the original
        Assert.Equal("nl", (string)french["descriptionLanguage"]!);
        Assert.Equal("nl", (string)french["originalLanguage"]!);
        Assert.Equal("Minder restafval", (string)french["translations"]!["title"]!["nl"]!);
        Assert.Equal("Less residual waste", (string)french["translations"]!["title"]!["en"]!);

        var english = await app.Public.GetAsync<JsonObject>($"/api/goals/{translated}"); // the API's default: English
        Assert.Equal("Less residual waste", (string)english["title"]!);
        Assert.Equal("Sorting and composting.", (string)english["description"]!);
        Assert.Equal("en", (string)english["descriptionLanguage"]!);

        var untranslated = await DefineAsync(translations: null);
        var fallback = await app.Public.GetAsync<JsonObject>($"/api/goals/{untranslated}?culture=fr");
        Assert.Equal("Minder restafval", (string)fallback["title"]!);
        Assert.Equal("nl", (string)fallback["titleLanguage"]!);

        var listed = await app.Public.GetAsync<JsonObject>("/api/goals?root=true&pageSize=100&culture=fr");
        var line = listed["items"]!.AsArray().Single(g => (string)g!["id"]! == translated)!;
        Assert.Equal("Moins de déchets résiduels", (string)line["title"]!);
        Assert.Equal("fr", (string)line["titleLanguage"]!);
    }

    [Fact]
    public async Task A_translation_in_an_unknown_language_is_a_400_naming_the_field_and_nothing_is_stored()
    {
        var id = $"g-lang-{Guid.NewGuid():N}";
        var problem = await (await app.Operator.PostAsync("/api/goals", new
        {
            id,
            title = "Minder restafval",
            scope = new { level = "city" },
            translations = new { title = new { de = "Weniger Restmüll" } },
        })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["translations.title.de"]);
        await (await app.Public.GetAsync($"/api/goals/{id}")).ProblemAsync(HttpStatusCode.NotFound);

        var badOriginal = await (await app.Operator.PostAsync("/api/goals", new
        {
            id,
            title = "Minder restafval",
            scope = new { level = "city" },
            language = "de",
        })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(badOriginal["errors"]!["language"]);
    }

    [Fact]
    public async Task A_revision_replaces_the_translations_and_keeps_the_original_language()
    {
        var id = await DefineAsync(new { title = new { fr = "Moins de déchets résiduels" } });
        var revised = await (await app.Operator.PutAsync($"/api/goals/{id}", new
        {
            title = "Veel minder restafval",
            description = "Sorteren en composteren.",
            translations = new { title = new { fr = "Beaucoup moins de déchets résiduels", en = "Much less residual waste" } },
        })).ReadAsync<JsonObject>();
        Assert.Equal("Much less residual waste", (string)revised["title"]!);

        var french = await app.Public.GetAsync<JsonObject>($"/api/goals/{id}?culture=fr");
        Assert.Equal("Beaucoup moins de déchets résiduels", (string)french["title"]!);
        Assert.Equal("nl", (string)french["originalLanguage"]!);
    }
}
