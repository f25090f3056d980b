using System.Net;
using System.Text;
using CivicContracting.Web.Progress;

namespace CivicContracting.Web.Tests.Progress;

/// <summary>
/// A progress CSV as Belgian spreadsheets write it: ';'-separated with a decimal comma, or ','-separated with the decimal
/// comma quoted. An unquoted decimal comma in a ','-file, or a number with thousands separators, is a clear row error in
/// the request's language, and nothing is stored.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class DecimalCommaCsvTests(WebAppFixture app)
{
    [Fact]
    public async Task A_semicolon_separated_file_with_a_decimal_comma_stores_the_value()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var a = await world.ConfirmedAsync();

        var summary = await PostAsync(world, $"commitmentId;value;note\r\n{a};49,5;Telling, ochtend\r\n").ReadAsync<ProgressImportSummary>();

        Assert.Equal(1, summary.Applied);
        var report = Assert.Single((await world.CommitmentAsync(a)).Reports);
        Assert.Equal(49.5, report.Value);
        Assert.Equal("Telling, ochtend", report.Note);
    }

    [Fact]
    public async Task A_comma_separated_file_takes_a_quoted_decimal_comma_and_a_decimal_point()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var a = await world.ConfirmedAsync();
        var b = await world.ConfirmedAsync();

        await PostAsync(world, $"commitmentId,value\n{a},\"49,5\"\n{b},37.25\n").ReadAsync<ProgressImportSummary>();

        Assert.Equal(49.5, Assert.Single((await world.CommitmentAsync(a)).Reports).Value);
        Assert.Equal(37.25, Assert.Single((await world.CommitmentAsync(b)).Reports).Value);
    }

    [Theory]
    [InlineData("fr-BE", "n’est pas un nombre tel que ce fichier les écrit", "mettez un nombre à virgule décimale entre guillemets")]
    [InlineData("nl-BE", "is geen getal zoals dit bestand ze schrijft", "een getal met een decimale komma tussen aanhalingstekens")]
    [InlineData("en", "is not a number as this file writes them", "quote a number with a decimal comma")]
    public async Task An_ambiguous_number_and_an_unquoted_decimal_comma_are_row_errors_in_the_request_language(string language, string ambiguous, string unquoted)
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var a = await world.ConfirmedAsync();

        var problem = await PostAsync(world, $"commitmentId,value\n{a},\"1.234,5\"\n{a},49,5\n", language).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(ambiguous, (string)problem["errors"]!["rows[1].value"]![0]!, StringComparison.Ordinal);
        Assert.Contains(unquoted, (string)problem["errors"]!["rows[2]"]![0]!, StringComparison.Ordinal);
        Assert.Empty((await world.CommitmentAsync(a)).Reports);
    }

    private static async Task<HttpResponseMessage> PostAsync(ProgressWorld world, string csv, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/participants/{world.OrganisationId}/progress.csv")
        {
            Content = new StringContent(csv, Encoding.UTF8, "text/csv"),
        };
        request.Headers.Add(IdempotencyKeys.HeaderName, Guid.NewGuid().ToString());
        if (language is not null)
            request.Headers.AcceptLanguage.ParseAdd(language);
        return await world.Owner.Client.SendAsync(request);
    }
}
