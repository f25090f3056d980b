using System.Net;
using System.Text.Json.Nodes;
using CivicContracting.Participants;
using CivicContracting.Web.Commitments;

namespace CivicContracting.Web.Tests.Content;

/// <summary>
/// Templates written by the city in several languages: a take-up in a translated language gets the text in that language
/// (and records it), one in another language gets the original; only a template has translations; the template's page
/// shows it in the page's language and marks a fallback with the original's <c>lang</c>.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class TemplateTranslationsTests(WebAppFixture app)
{
    private const string DutchTitle = "Wij sorteren ons afval";
    private const string DutchDescription = "Elke week, met de hele straat.";
    private const string FrenchTitle = "Nous trions nos déchets";
    private const string FrenchDescription = "Chaque semaine, avec toute la rue.";

    private async Task<(string CityId, string GoalId, object Request)> TemplateRequestAsync(object? translations)
    {
        var goal = await app.Operator.DefineGoalAsync();
        var city = await app.Operator.RegisterAsync(ParticipantKind.City, TestApi.Neighbourhood(3));
        return (city, goal, new
        {
            participantId = city,
            goals = new[] { new { goalId = goal } },
            neighbourhoodCode = TestApi.Neighbourhood(3),
            terms = new { level = "pledge", title = DutchTitle, description = DutchDescription },
            isTemplate = true,
            language = "nl",
            translations,
        });
    }

    private async Task<JsonObject> CreateTemplateAsync(object? translations)
    {
        var (_, _, request) = await TemplateRequestAsync(translations);
        return await (await app.Operator.PostAsync("/api/commitments", request)).ReadAsync<JsonObject>(HttpStatusCode.Created);
    }

    private async Task<JsonObject> TakeUpAsync(string templateId, string culture)
    {
        var taker = await app.Operator.RegisterAsync(ParticipantKind.Organisation, TestApi.Neighbourhood(7));
        return await (await app.Operator.PostAsync($"/api/commitments/{templateId}/copies?culture={culture}",
            new { participantId = taker, neighbourhoodCode = TestApi.Neighbourhood(7) })).ReadAsync<JsonObject>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_french_take_up_gets_the_french_text_and_records_french()
    {
        var template = await CreateTemplateAsync(new { title = new { fr = FrenchTitle }, description = new { fr = FrenchDescription } });
        Assert.Equal(FrenchTitle, (string)template["titleTranslations"]!["fr"]!);
        Assert.Null(template["titleTranslations"]!["isEmpty"]);
        Assert.Equal(FrenchDescription, (string)template["descriptionTranslations"]!["fr"]!);
        var read = await app.Public.GetAsync<JsonObject>($"/api/commitments/{template["id"]}");
        Assert.Equal(FrenchTitle, (string)read["titleTranslations"]!["fr"]!);

        var copy = await TakeUpAsync((string)template["id"]!, "fr");
        Assert.Equal(FrenchTitle, (string)copy["terms"]!["title"]!);
        Assert.Equal(FrenchDescription, (string)copy["terms"]!["description"]!);
        Assert.Equal("fr", (string)copy["language"]!);
        Assert.Null(copy["titleTranslations"]); // the copy is in one language, its taker's

        // The formal text of the copy is rendered from those terms.
        var text = await app.Operator.GetAsync<CommitmentTextView>($"/api/commitments/{copy["id"]}/text?language=fr");
        Assert.Contains(FrenchTitle, text.Text);
    }

    [Fact]
    public async Task An_english_take_up_of_a_template_without_english_gets_the_dutch_original()
    {
        var template = await CreateTemplateAsync(new { title = new { fr = FrenchTitle }, description = new { fr = FrenchDescription } });
        var copy = await TakeUpAsync((string)template["id"]!, "en");
        Assert.Equal(DutchTitle, (string)copy["terms"]!["title"]!);
        Assert.Equal("nl", (string)copy["language"]!);
    }

    [Fact]
    public async Task Translations_on_a_commitment_that_is_no_template_or_in_an_unknown_language_are_a_400_naming_the_field()
    {
        var (city, goal, _) = await TemplateRequestAsync(null);
        var plain = await (await app.Operator.PostAsync("/api/commitments", new
        {
            participantId = city,
            goals = new[] { new { goalId = goal } },
            neighbourhoodCode = TestApi.Neighbourhood(3),
            terms = new { level = "pledge", title = DutchTitle, description = DutchDescription },
            language = "nl",
            translations = new { title = new { fr = FrenchTitle } },
        })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(plain["errors"]!["translations.title"]);

        var (_, _, request) = await TemplateRequestAsync(new { title = new { de = "Wir trennen unseren Müll" } });
        var unknown = await (await app.Operator.PostAsync("/api/commitments", request)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(unknown["errors"]!["translations.title.de"]);
    }

    [Fact]
    public async Task The_template_page_shows_the_french_title_in_french_and_the_marked_dutch_original_in_english()
    {
        var template = await CreateTemplateAsync(new { title = new { fr = FrenchTitle }, description = new { fr = FrenchDescription } });
        await app.Operator.ConfirmAsync((string)template["id"]!); // the public reads confirmed commitments only

        var french = await PageAsync($"/commitments/{template["id"]}?culture=fr");
        Assert.Contains($"<h1 dir=\"auto\">{FrenchTitle}</h1>", french);
        Assert.Contains($"<p class=\"lead\" dir=\"auto\">{FrenchDescription}</p>", french);

        var english = await PageAsync($"/commitments/{template["id"]}?culture=en");
        Assert.Contains($"<h1 dir=\"auto\" lang=\"nl\">{DutchTitle}</h1>", english);
    }

    /// <summary>The page's HTML with character references decoded (Razor may encode letters such as é).</summary>
    private async Task<string> PageAsync(string path)
    {
        var response = await app.Public.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }
}
