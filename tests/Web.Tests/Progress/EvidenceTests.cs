using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CivicContracting.Commitments;
using CivicContracting.Web.Evidence;
using CivicContracting.Web.Tests.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.Progress;

/// <summary>Evidence uploads through the real app (memory profile): what is accepted, how it is served, what is refused.</summary>
[Collection(WebAppCollection.Name)]
public sealed class EvidenceTests(WebAppFixture app)
{
    private MemoryEvidenceStore Store => (MemoryEvidenceStore)app.Services.GetRequiredService<IEvidenceStore>();

    [Fact]
    public async Task A_png_and_a_pdf_are_served_back_byte_identical_with_their_type_safe_headers_and_immutable_caching()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        var png = TestFiles.Png();
        var pdf = TestFiles.Pdf();

        // The owner's session uploads the photo as a form would (multipart, field "file"); the PDF comes as a raw body
        // through a personal access token with progress:write, claiming to be something else entirely.
        var photo = await (await world.Owner.Client.PostAsync($"/api/commitments/{commitment}/evidence", TestFiles.Multipart(png, "image/png", "bikes.png")))
            .ReadAsync<EvidenceView>(HttpStatusCode.Created);
        using var token = await world.Owner.TokenClientAsync(app.BaseAddress, "progress:write");
        var uploaded = await token.PostAsync($"/api/commitments/{commitment}/evidence", TestFiles.Raw(pdf, "application/octet-stream"));
        Assert.Equal($"/api/evidence/{TestFiles.Sha256(pdf)}", uploaded.Headers.Location?.OriginalString);
        var document = await uploaded.ReadAsync<EvidenceView>(HttpStatusCode.Created);

        Assert.Equal(new EvidenceView(TestFiles.Sha256(png), $"/api/evidence/{TestFiles.Sha256(png)}", "image/png", png.Length, TestFiles.Sha256(png)), photo);
        Assert.Equal(new EvidenceView(TestFiles.Sha256(pdf), $"/api/evidence/{TestFiles.Sha256(pdf)}", "application/pdf", pdf.Length, TestFiles.Sha256(pdf)), document);

        foreach (var (view, bytes, disposition) in new[] { (photo, png, "inline"), (document, pdf, "attachment") })
        {
            using var served = await app.Public.GetAsync(view.Url);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal(bytes, await served.Content.ReadAsByteArrayAsync());
            Assert.Equal(view.ContentType, served.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal(disposition, served.Content.Headers.ContentDisposition?.DispositionType);
            Assert.StartsWith("evidence-", served.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
            var policy = served.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("sandbox", policy, StringComparison.Ordinal);
            Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("script-src", policy, StringComparison.Ordinal);
            Assert.True(served.Headers.CacheControl is { Public: true, MaxAge.TotalDays: >= 365 }, $"Cache-Control: {served.Headers.CacheControl}");
            Assert.Contains("immutable", served.Headers.CacheControl!.Extensions.Select(e => e.Name));
            Assert.Equal($"\"{view.EvidenceId}\"", served.Headers.ETag?.Tag);

            // A revalidation with the ETag gets 304 and no body.
            using var conditional = new HttpRequestMessage(HttpMethod.Get, view.Url);
            conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{view.EvidenceId}\""));
            using var notModified = await app.Public.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        }

        // Content-addressed: the same photo again stores nothing new and answers the same id with 200.
        var count = Store.Count;
        var again = await (await world.Owner.Client.PostAsync($"/api/commitments/{commitment}/evidence", TestFiles.Raw(png, "image/jpeg")))
            .ReadAsync<EvidenceView>(HttpStatusCode.OK);
        Assert.Equal(photo, again);
        Assert.Equal(count, Store.Count);

        // The url is a report's evidence, on the commitment's timeline and its public page.
        var reported = await (await world.Owner.Client.PostAsync($"/api/commitments/{commitment}/progress", new { value = 30, note = "Counted on Tuesday", evidenceUrl = photo.Url }))
            .ReadAsync<CommitmentView>();
        Assert.Equal(photo.Url, Assert.Single(reported.Reports).EvidenceUrl);
        var page = await app.Public.GetStringAsync($"/commitments/{commitment}");
        Assert.Contains($"href=\"{photo.Url}\"", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("html", "multipart")]
    [InlineData("svg", "multipart")]
    [InlineData("html", "raw")]
    [InlineData("svg", "raw")]
    public async Task Html_or_svg_disguised_as_a_png_is_refused_with_415_naming_the_allowed_types_and_nothing_is_stored(string kind, string form)
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        var disguised = kind == "html" ? TestFiles.Html() : TestFiles.Svg();
        var count = Store.Count;

        using var response = await world.Owner.Client.PostAsync($"/api/commitments/{commitment}/evidence",
            form == "multipart" ? TestFiles.Multipart(disguised, "image/png", "photo.png") : TestFiles.Raw(disguised, "image/png"));

        var problem = await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        foreach (var allowed in new[] { "image/jpeg", "image/png", "image/webp", "application/pdf" })
            Assert.Contains(allowed, (string?)problem["detail"], StringComparison.Ordinal);
        Assert.True(problem["errors"]?.AsObject().ContainsKey("file"), problem.ToJsonString());
        Assert.Equal(count, Store.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Public.GetAsync($"/api/evidence/{TestFiles.Sha256(disguised)}")).StatusCode);
    }

    [Fact]
    public async Task A_file_over_Evidence_MaxBytes_gets_413_and_is_not_stored_while_one_just_under_it_passes_the_general_4_MB_body_limit()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        const long maxBytes = 5 * 1024 * 1024;
        var count = Store.Count;

        // Larger than Api:MaxRequestBodyBytes (4 MB) but within Evidence:MaxBytes (5 MB): the endpoint's own limit applies.
        var large = TestFiles.Png(padding: (int)maxBytes - 200);
        Assert.InRange(large.Length, 4 * 1024 * 1024 + 1, maxBytes);
        var stored = await (await app.Operator.PostAsync($"/api/commitments/{commitment}/evidence", TestFiles.Multipart(large, "image/png", "big.png")))
            .ReadAsync<EvidenceView>(HttpStatusCode.Created);
        Assert.Equal(large, await app.Public.GetByteArrayAsync(stored.Url));
        Assert.Equal(count + 1, Store.Count);

        var tooLarge = TestFiles.Png(padding: (int)maxBytes);
        Assert.True(tooLarge.Length > maxBytes);
        foreach (var content in new HttpContent[] { TestFiles.Multipart(tooLarge, "image/png", "huge.png"), TestFiles.Raw(tooLarge, "image/png") })
        {
            using var response = await app.Operator.PostAsync($"/api/commitments/{commitment}/evidence", content);
            var problem = await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
            Assert.Contains("Evidence:MaxBytes", (string?)problem["detail"], StringComparison.Ordinal);
        }
        Assert.Equal(count + 1, Store.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Public.GetAsync($"/api/evidence/{TestFiles.Sha256(tooLarge)}")).StatusCode);
    }

    [Fact]
    public async Task Bad_uploads_and_unknown_ids_get_problems_and_a_report_may_only_name_evidence_that_was_uploaded()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        var count = Store.Count;

        await (await app.Operator.PostAsync($"/api/commitments/c-none-{Guid.NewGuid():N}/evidence", TestFiles.Raw(TestFiles.Png(), "image/png")))
            .ProblemAsync(HttpStatusCode.NotFound);
        await (await app.Operator.PostAsync($"/api/commitments/{commitment}/evidence", TestFiles.Raw([], "image/png"))).ProblemNamingAsync("file");
        var twoFiles = TestFiles.Multipart(TestFiles.Png(), "image/png", "a.png");
        twoFiles.Add(new ByteArrayContent(TestFiles.Png()), "file", "b.png");
        await (await app.Operator.PostAsync($"/api/commitments/{commitment}/evidence", twoFiles)).ProblemNamingAsync("file");
        var otherField = new MultipartFormDataContent { { new ByteArrayContent(TestFiles.Png()), "photo", "a.png" } };
        await (await app.Operator.PostAsync($"/api/commitments/{commitment}/evidence", otherField)).ProblemNamingAsync("photo");
        Assert.Equal(count, Store.Count);

        await (await app.Public.GetAsync($"/api/evidence/{new string('a', 64)}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await app.Public.GetAsync("/api/evidence/not-a-hash")).ProblemAsync(HttpStatusCode.NotFound);

        // An evidence url must name a file that exists; other relative urls stay refused.
        foreach (var url in new[] { $"/api/evidence/{new string('b', 64)}", "/api/goals", $"/api/evidence/{new string('B', 64)}" })
        {
            await (await world.Owner.Client.PostAsync($"/api/commitments/{commitment}/progress", new { value = 10, evidenceUrl = url })).ProblemNamingAsync("evidenceUrl");
        }
        Assert.Empty((await world.CommitmentAsync(commitment)).Reports);
    }
}
