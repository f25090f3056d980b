using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CivicContracting.Commitments;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.FormalText;

/// <summary>
/// The formal text through the API and the site: read in nl, fr or en with its hash, confirmed in the language read (a
/// hash for one language never confirms another), and shown on the commitment's page in the language it was confirmed
/// in, the other languages offered as translations that are not the confirmed text.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class FormalTextApiTests(WebAppFixture app)
{
    [Fact]
    public async Task The_text_is_given_in_each_language_with_the_hash_of_exactly_that_text()
    {
        using var person = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(3));
        var draft = await DraftAsync(person);

        var texts = new Dictionary<string, CommitmentTextView>();
        foreach (var language in new[] { "nl", "fr", "en" })
        {
            var text = await person.Client.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text?language={language}");
            Assert.Equal(language, text.Language);
            Assert.Equal(Sha256(text.Text), text.TextHash);
            Assert.False(text.IsConfirmedText);
            texts[language] = text;
        }
        Assert.StartsWith("Taal: Nederlands (nl)\nNiveau: Resultaatsverbintenis\nTitel: ", texts["nl"].Text, StringComparison.Ordinal);
        Assert.StartsWith("Langue : français (fr)\nNiveau : Engagement de résultat\nTitre : ", texts["fr"].Text, StringComparison.Ordinal);
        Assert.StartsWith("Language: English (en)\nLevel: Result commitment\nTitle: ", texts["en"].Text, StringComparison.Ordinal);
        Assert.Equal(3, texts.Values.Select(t => t.TextHash).Distinct().Count());
        // Without a language, a draft's text is in the request's language: the API's is English without Accept-Language.
        Assert.Equal(texts["en"].TextHash, (await person.Client.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text")).TextHash);
        // A tag names its language; another language is refused naming the parameter.
        Assert.Equal(texts["fr"].TextHash, (await person.Client.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text?language=fr-BE")).TextHash);
        await (await person.Client.GetAsync($"/api/commitments/{draft.Id}/text?language=de")).ProblemNamingAsync("language");
    }

    [Fact]
    public async Task A_text_confirmed_in_French_is_recorded_in_French_and_the_public_can_verify_it()
    {
        using var person = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(3));
        var draft = await DraftAsync(person);
        var french = await person.Client.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text?language=fr");

        var confirmed = await (await person.Client.PostAsync($"/api/commitments/{draft.Id}/confirmation", new { textHash = french.TextHash, language = "fr" }))
            .ReadAsync<CommitmentView>();

        Assert.Equal(CommitmentStatus.Confirmed, confirmed.Status);
        Assert.Equal("fr", confirmed.Confirmation!.Language);
        Assert.Equal(french.TextHash, confirmed.Confirmation.TextHash);
        // The public check: the text in the confirmation's language hashes to the recorded hash, and says so.
        var check = await app.Public.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text?language={confirmed.Confirmation.Language}");
        Assert.True(check.IsConfirmedText);
        Assert.Equal(confirmed.Confirmation.TextHash, Sha256(check.Text));
        Assert.False((await app.Public.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text?language=nl")).IsConfirmedText);
        Assert.False((await app.Public.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text?language=legacy")).IsConfirmedText);

        // The page shows the confirmed text in French, marked as French, and the others as translations that were not confirmed.
        var page = WebUtility.HtmlDecode(await app.Public.GetStringAsync($"/commitments/{draft.Id}"));
        var confirmedText = ConfirmedTextBlock().Match(page);
        Assert.True(confirmedText.Success, "The page shows the confirmed text.");
        Assert.Equal("fr", confirmedText.Groups["lang"].Value);
        Assert.Equal(french.Text.Trim(), confirmedText.Groups["text"].Value.Trim());
        foreach (var other in new[] { "nl", "en" })
            Assert.Matches(new Regex($"<details class=\"translation\" data-translation=\"{other}\">\\s*<summary>[^<]*\\(<strong>niet de bevestigde tekst</strong>\\)</summary>\\s*<blockquote class=\"commitment-text\" lang=\"{other}\">"), page);
        Assert.DoesNotContain("data-translation=\"fr\"", page, StringComparison.Ordinal);
        Assert.Contains($"/api/commitments/{draft.Id}/text?language=fr", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nl")]
    [InlineData(null)]
    [InlineData("en")]
    public async Task A_hash_of_the_French_text_does_not_confirm_another_language_and_nothing_is_stored(string? language)
    {
        using var person = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(3));
        var draft = await DraftAsync(person);
        var french = await person.Client.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text?language=fr");

        var response = await person.Client.PostAsync($"/api/commitments/{draft.Id}/confirmation", new { textHash = french.TextHash, language });

        await response.ProblemNamingAsync("textHash");
        var read = await person.Client.GetAsync<CommitmentView>($"/api/commitments/{draft.Id}");
        Assert.Equal(CommitmentStatus.Draft, read.Status);
        Assert.Null(read.Confirmation);
    }

    [Fact]
    public async Task A_confirmation_in_a_language_the_text_is_not_written_in_is_refused_naming_language()
    {
        using var person = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(3));
        var draft = await DraftAsync(person);
        var dutch = await person.Client.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text?language=nl");

        await (await person.Client.PostAsync($"/api/commitments/{draft.Id}/confirmation", new { textHash = dutch.TextHash, language = "de" })).ProblemNamingAsync("language");
        Assert.Equal(CommitmentStatus.Draft, (await person.Client.GetAsync<CommitmentView>($"/api/commitments/{draft.Id}")).Status);
    }

    [Fact]
    public async Task The_confirmation_page_shows_the_text_in_the_page_s_language_and_confirms_the_language_that_was_read()
    {
        using var person = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(3));
        var draft = await DraftAsync(person);
        var form = await person.Client.GetStringAsync($"/commitments/{draft.Id}/confirm");
        var shown = ShownText().Match(WebUtility.HtmlDecode(form));
        Assert.True(shown.Success, "The page shows the text to confirm.");
        Assert.Equal("nl", shown.Groups["lang"].Value); // the site's language (nl-BE until another is chosen)
        Assert.StartsWith("Taal: Nederlands (nl)\n", shown.Groups["text"].Value, StringComparison.Ordinal);
        Assert.Contains("name=\"confirmedLanguage\" value=\"nl\"", form, StringComparison.Ordinal);

        // Sent from a page shown in French (the language travels with the form): confirmed in French.
        var french = await person.Client.GetAsync<CommitmentTextView>($"/api/commitments/{draft.Id}/text?language=fr");
        using var sent = await person.Client.PostAsync($"/commitments/{draft.Id}/confirm", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryField().Match(form).Groups[1].Value,
            ["confirmedHash"] = french.TextHash,
            ["confirmedLanguage"] = "fr",
            ["commit"] = "true",
        }));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode); // followed to the commitment's page
        var confirmed = await person.Client.GetAsync<CommitmentView>($"/api/commitments/{draft.Id}");
        Assert.Equal(CommitmentStatus.Confirmed, confirmed.Status);
        Assert.Equal("fr", confirmed.Confirmation!.Language);
        Assert.Equal(french.TextHash, confirmed.Confirmation.TextHash);
    }

    private async Task<CommitmentView> DraftAsync(Person person)
    {
        var goal = await app.Operator.DefineGoalAsync();
        return await person.Client.CommitAsync(person.ParticipantId!, TestApi.Neighbourhood(3), TestApi.ResultTerms(2, 12), (goal, 1.0));
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [GeneratedRegex("<section aria-labelledby=\"confirmed-text-heading\"[^>]*>.*?<blockquote class=\"commitment-text\" lang=\"(?<lang>[a-z]+)\">(?<text>[^<]*)</blockquote>", RegexOptions.Singleline)]
    private static partial Regex ConfirmedTextBlock();

    [GeneratedRegex("<blockquote class=\"commitment-text\" lang=\"(?<lang>[a-z]+)\" data-commitment-text[^>]*>(?<text>[^<]*)</blockquote>")]
    private static partial Regex ShownText();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
