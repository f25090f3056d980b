using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Web.Evidence;
using CivicContracting.Web.Tests.Accounts;
using CivicContracting.Web.Tests.Progress;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.Evidence;

/// <summary>
/// The report page's photo and the API's upload are one entrance (<see cref="StoreEvidenceCommand"/>): the same file is
/// refused by both for the same reason, and what the API stores the page stores too. Posted as a browser posts the form:
/// multipart, with the antiforgery token in the form, from a session without the API's antiforgery header.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class ReportPhotoFormTests(WebAppFixture app)
{
    private long MaxBytes => app.Services.GetRequiredService<StoreEvidenceCommand>().MaxBytes;

    [Fact]
    public async Task A_chosen_file_that_is_empty_is_refused_by_the_page_as_by_the_api_and_no_report_is_stored()
    {
        // Before: the page took an empty file for "no photo" and stored the report without it; the API answers 400.
        var world = await SharedProgressWorld.GetAsync(app);
        var commitment = await world.ConfirmedAsync();
        using var browser = await BrowserAsync(world.Owner);

        var (status, page) = await PostReportAsync(browser, commitment, [], "leeg.jpg");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Dit bestand is leeg.", page, StringComparison.Ordinal);
        Assert.Empty((await world.CommitmentAsync(commitment)).Reports);
        await (await world.Owner.Client.PostAsync($"/api/commitments/{commitment}/evidence", TestFiles.Multipart([], "image/jpeg", "leeg.jpg"))).ProblemNamingAsync(EvidenceUpload.FieldName);
    }

    [Theory]
    [InlineData("html", HttpStatusCode.UnsupportedMediaType, "Alleen een foto (JPEG, PNG, WebP) of een PDF kan als bewijs.")]
    [InlineData("too large", HttpStatusCode.RequestEntityTooLarge, "Dit bestand is te groot")]
    public async Task A_file_the_api_refuses_is_refused_by_the_page_in_the_sites_words_and_nothing_is_stored(string kind, HttpStatusCode apiStatus, string pageText)
    {
        var world = await SharedProgressWorld.GetAsync(app);
        var commitment = await world.ConfirmedAsync();
        using var browser = await BrowserAsync(world.Owner);
        var file = kind == "html" ? TestFiles.Html() : TestFiles.Png(padding: (int)MaxBytes);
        var store = app.Services.GetRequiredService<IEvidenceStore>();

        var (status, page) = await PostReportAsync(browser, commitment, file, "foto.png");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(pageText, page, StringComparison.Ordinal);
        Assert.Empty((await world.CommitmentAsync(commitment)).Reports);
        using var api = await world.Owner.Client.PostAsync($"/api/commitments/{commitment}/evidence", TestFiles.Multipart(file, "image/png", "foto.png"));
        await api.ProblemAsync(apiStatus);
        Assert.False(await store.ExistsAsync(TestFiles.Sha256(file), CancellationToken.None));
    }

    [Fact]
    public async Task A_photo_larger_than_the_general_body_limit_but_within_the_evidence_limit_is_stored_through_the_page_as_through_the_api()
    {
        var world = await SharedProgressWorld.GetAsync(app);
        var commitment = await world.ConfirmedAsync();
        using var browser = await BrowserAsync(world.Owner);
        var photo = TestFiles.Png(padding: (int)MaxBytes - 200);
        Assert.True(photo.Length > 4 * 1024 * 1024, "The photo must be larger than Api:MaxRequestBodyBytes.");

        var (status, page) = await PostReportAsync(browser, commitment, photo, "groot.png");

        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {page}");
        var report = Assert.Single((await world.CommitmentAsync(commitment)).Reports);
        Assert.Equal($"/api/evidence/{TestFiles.Sha256(photo)}", report.EvidenceUrl);
        Assert.Equal(photo, await app.Public.GetByteArrayAsync(report.EvidenceUrl));
    }

    /// <summary>A second session of the person, as a browser has it: cookies, and no antiforgery header.</summary>
    private async Task<HttpClient> BrowserAsync(Person person)
    {
        var browser = People.SessionClient(app.BaseAddress);
        await (await browser.PostAsync("/api/session", new { loginName = person.LoginName, password = person.Password })).ReadAsync<JsonObject>();
        return browser;
    }

    /// <summary>Fills the report form (value 30, a note, the file as the photo) and sends it; returns the page it answers with.</summary>
    private static async Task<(HttpStatusCode Status, string Page)> PostReportAsync(HttpClient browser, string commitmentId, byte[] photo, string fileName)
    {
        var path = $"/commitments/{commitmentId}/report";
        var form = await browser.GetStringAsync(path);
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var content = new MultipartFormDataContent
        {
            { new StringContent(AntiforgeryField().Match(form).Groups[1].Value), "__RequestVerificationToken" },
            { new StringContent(ReportIdField().Match(form).Groups[1].Value), "reportId" },
            { new StringContent("30"), "value" },
            { new StringContent("Geteld aan de poort."), "note" },
            { file, "photo", fileName },
        };
        using var sent = await browser.PostAsync(path, content);
        return (sent.StatusCode, WebUtility.HtmlDecode(await sent.Content.ReadAsStringAsync()));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"reportId\" value=\"([^\"]+)\"")]
    private static partial Regex ReportIdField();
}
