using System.Net;
using System.Net.Http.Json;
using CivicContracting.Web.Tests.Progress;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>
/// A 403 says why in the request's language, as one whole sentence for the case (not English fragments put together):
/// a person who does not act for an organisation, reporting its progress, and a member confirming for it.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class RefusalLanguageTests(WebAppFixture app)
{
    [Theory]
    [InlineData("nl-BE", "Geen toegang", "U handelt niet voor deelnemer '{0}' en mag dus geen voortgang van de verbintenissen ervan melden. Er is niets gewijzigd.")]
    [InlineData("fr-BE", "Accès refusé", "Vous n’agissez pas pour le participant '{0}'\u00a0: vous ne pouvez donc pas signaler l’avancement de ses engagements. Rien n’a été modifié.")]
    [InlineData(null, "Forbidden", "You do not act for participant '{0}', so you may not report progress on its commitments. Nothing was changed.")]
    public async Task A_stranger_reporting_progress_is_told_why_in_the_request_language(string? language, string title, string detail)
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        using var stranger = await People.SignUpAsync(app.BaseAddress);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/commitments/{commitment}/progress")
        {
            Content = JsonContent.Create(new { reportId = $"r-{Guid.NewGuid():N}", value = 30 }),
        };
        if (language is not null)
            request.Headers.AcceptLanguage.ParseAdd(language);

        var problem = await (await stranger.Client.SendAsync(request)).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(title, (string)problem["title"]!);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, detail, world.OrganisationId), (string)problem["detail"]!);
    }
}
