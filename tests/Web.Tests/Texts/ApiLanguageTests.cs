using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Texts;

/// <summary>
/// The API answers a bad request in the language of <c>Accept-Language</c> (Dutch, French), and in English when the
/// header is absent or names no language the platform speaks: the rule's message per field, the title and the detail.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class ApiLanguageTests(WebAppFixture app)
{
    [Theory]
    [InlineData(null, "At most 120 characters (got 121).", "The request has invalid fields", "Check displayName: ")]
    [InlineData("nl-BE", "Mag hoogstens 120 tekens bevatten (nu 121).", "Het verzoek bevat ongeldige velden", "Controleer displayName: ")]
    [InlineData("fr-BE", "Maximum 120 caractères (actuellement 121).", "La requête contient des champs non valables", "Vérifiez displayName: ")]
    [InlineData("de-DE, fr;q=0.8, nl;q=0.5", "Maximum 120 caractères (actuellement 121).", "La requête contient des champs non valables", "Vérifiez displayName: ")]
    [InlineData("de-DE", "At most 120 characters (got 121).", "The request has invalid fields", "Check displayName: ")]
    public async Task A_refused_field_is_explained_in_the_requested_language(string? acceptLanguage, string message, string title, string detailStart)
    {
        using var client = Client(acceptLanguage);
        var problem = await (await client.PostAsync("/api/accounts", new { displayName = new string('x', 121), loginName = $"lang-{Guid.NewGuid():N}@example.org", password = People.Password }))
            .ProblemNamingAsync("displayName");

        Assert.Equal([message], problem["errors"]!["displayName"]!.AsArray().Select(m => (string)m!));
        Assert.Equal(title, (string)problem["title"]!);
        Assert.StartsWith(detailStart, (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "A JSON body is required.")]
    [InlineData("nl-BE", "Stuur een JSON-object mee.")]
    [InlineData("fr-BE", "Envoyez un objet JSON.")]
    public async Task The_apis_own_messages_follow_the_requested_language_too(string? acceptLanguage, string message)
    {
        using var client = Client(acceptLanguage);
        using var empty = new StringContent("", System.Text.Encoding.UTF8, "application/json");
        var problem = await (await client.PostAsync("/api/accounts", empty)).ProblemNamingAsync("$");

        Assert.Equal(message, (string)problem["errors"]!["$"]![0]!);
    }

    private HttpClient Client(string? acceptLanguage)
    {
        var client = People.SessionClient(app.BaseAddress);
        if (acceptLanguage is not null)
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        return client;
    }
}
