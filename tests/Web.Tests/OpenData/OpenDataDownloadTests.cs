using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CivicContracting.Participants;
using CivicContracting.Web.OpenData;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.OpenData;

/// <summary>
/// The bulk downloads (<c>/api/open-data/{dataset}.csv|.jsonl</c>) and the DCAT-AP catalogue, through HTTP as a journalist
/// or a portal reads them: the CSV parses with the documented columns and matches the API; hidden text is redacted, drafts
/// are absent; JSON Lines parse; a held ETag gets a 304; asOf leaves out what came later; a bad asOf is a 400 naming it;
/// a client over its limit of downloads at once gets a 429; every distribution of the catalogue answers.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class OpenDataDownloadTests(WebAppFixture app)
{
    private const string HiddenTitle = "Verborgen door moderatie";

    [Fact]
    public async Task The_commitments_csv_has_the_documented_columns_matches_the_api_redacts_hidden_text_and_leaves_out_drafts()
    {
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(7), $"School {Guid.NewGuid():N}");
        var shown = await ConfirmedAsync(school, goal, $"Fietsen, \"veilig\" naar school {Guid.NewGuid():N}");
        var hiddenTitle = $"Weg met de buren {Guid.NewGuid():N}";
        var hidden = await ConfirmedAsync(school, goal, hiddenTitle);
        await (await app.Operator.PostAsync($"/api/commitments/{hidden}/moderation", new { action = "hide", target = "text", publicReason = "Beledigende taal" }))
            .ReadAsync<JsonObject>();
        var draft = await app.Operator.CommitAsync(school, TestApi.Neighbourhood(7), TestApi.PledgeTerms(), (goal, 1));

        var index = app.Services.GetRequiredService<CivicContracting.Web.ReadModel.SiteData>().Contributions;
        var (response, table, _) = await Eventually.Value(
            async () =>
            {
                // Whether the web host's index held the draft before the download: then its absence is the download's doing.
                var draftHeld = index.Get(draft.Id) is not null;
                var r = await app.Public.GetAsync("/api/open-data/commitments.csv");
                return (Response: r, Table: Csv.Parse(await r.Content.ReadAsStringAsync()), DraftHeld: draftHeld);
            },
            t => t.DraftHeld && t.Table.Rows.Any(r => r["id"] == shown) && t.Table.Rows.Any(r => r["id"] == hidden && r["title"] == HiddenTitle));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("rel=\"license\"", string.Join(",", response.Headers.GetValues("Link")), StringComparison.Ordinal);
        Assert.Contains("https://creativecommons.org/licenses/by/4.0/", string.Join(",", response.Headers.GetValues("Link")), StringComparison.Ordinal);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.EndsWith(".csv", response.Content.Headers.ContentDisposition.FileName!.Trim('"'), StringComparison.Ordinal);
        Assert.Equal(OpenDataDatasets.Commitments.Columns.Select(c => c.Name), table.Header);

        // The row matches the API's view of the same commitment, field by field.
        var view = await app.Public.GetAsync<JsonObject>($"/api/commitments/{shown}");
        var row = table.Rows.Single(r => r["id"] == shown);
        Assert.Equal((string)view["terms"]!["title"]!, row["title"]);
        Assert.Equal((string)view["terms"]!["description"]!, row["description"]);
        Assert.Equal(school, row["owner_id"]);
        Assert.StartsWith("School ", row["owner_name"], StringComparison.Ordinal);
        Assert.Equal(("school", "result", "confirmed"), (row["owner_kind"], row["level"], row["status"]));
        Assert.Equal(goal, row["goal_ids"]);
        Assert.Equal(TestApi.Neighbourhood(7), row["neighbourhood"]);
        Assert.Equal(((string)view["confirmation"]!["textHash"]!), row["confirmation_hash"]);
        Assert.Equal(("trips", "%", "20", "60", "2031-06-30"), (row["target_metric"], row["target_unit"], row["target_baseline"], row["target_value"], row["target_deadline"]));
        Assert.Equal(((long)view["version"]!).ToString(System.Globalization.CultureInfo.InvariantCulture), row["version"]);
        Assert.Equal(DateTimeOffset.Parse((string)view["confirmation"]!["confirmedAt"]!, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(row["confirmed_at"], System.Globalization.CultureInfo.InvariantCulture));

        // Hidden text reads as the public placeholder and reason; the original is nowhere in the file. Drafts are absent.
        var hiddenRow = table.Rows.Single(r => r["id"] == hidden);
        Assert.Equal((HiddenTitle, "Beledigende taal", "true"), (hiddenRow["title"], hiddenRow["description"], hiddenRow["text_hidden"]));
        Assert.DoesNotContain(hiddenTitle, table.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(table.Rows, r => r["id"] == draft.Id);
        Assert.DoesNotContain(table.Rows, r => r["status"] == "draft");
    }

    [Fact]
    public async Task Json_lines_parse_one_record_a_line_with_the_documented_properties_for_every_dataset()
    {
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(8));
        var id = await ConfirmedAsync(school, goal, $"Groene speelplaats {Guid.NewGuid():N}");
        await (await app.Operator.PostAsync($"/api/commitments/{id}/progress", new { reportId = "r-1", value = 30.0, note = "Geteld in mei" }))
            .ReadAsync<JsonObject>();

        foreach (var dataset in OpenDataDatasets.All)
        {
            var lines = await Eventually.Value(
                async () => (await app.Public.GetStringAsync($"/api/open-data/{dataset.Name}.jsonl")).Split('\n', StringSplitOptions.RemoveEmptyEntries),
                l => dataset.Name switch
                {
                    "commitments" => l.Any(x => x.Contains(id, StringComparison.Ordinal)),
                    "reports" => l.Any(x => x.Contains(id, StringComparison.Ordinal) && x.Contains("Geteld in mei", StringComparison.Ordinal)),
                    "goals" => l.Any(x => x.Contains(goal, StringComparison.Ordinal)),
                    _ => true,
                });
            foreach (var line in lines)
            {
                var record = JsonNode.Parse(line)!.AsObject();
                Assert.Equal(dataset.Columns.Select(c => c.Name), record.Select(p => p.Key));
            }
            if (dataset.Name == "places")
                Assert.Contains(lines, l => (string)JsonNode.Parse(l)!["code"]! == "24062");
            if (dataset.Name == "reports")
            {
                var report = lines.Select(l => JsonNode.Parse(l)!).Single(r => (string)r["commitment_id"]! == id);
                Assert.Equal((30.0, "selfDeclared"), ((double)report["value"]!, (string)report["verification_tier"]!));
            }
        }
    }

    [Fact]
    public async Task A_held_etag_or_date_gets_304_without_a_body_and_a_change_gives_a_new_etag()
    {
        var first = await app.Public.GetAsync("/api/open-data/commitments.jsonl");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag!;
        Assert.NotNull(first.Content.Headers.LastModified);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/open-data/commitments.jsonl");
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await app.Public.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        if (first.Content.Headers.LastModified is { } lastModified)
        {
            using var since = new HttpRequestMessage(HttpMethod.Get, "/api/open-data/commitments.jsonl");
            since.Headers.IfModifiedSince = lastModified;
            Assert.Equal(HttpStatusCode.NotModified, (await app.Public.SendAsync(since)).StatusCode);
        }

        // Another format or another date is another file.
        using var csv = new HttpRequestMessage(HttpMethod.Get, "/api/open-data/commitments.csv");
        csv.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.OK, (await app.Public.SendAsync(csv)).StatusCode);

        // A new commitment changes the file and its tag.
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(9));
        await ConfirmedAsync(school, goal, $"Nieuw {Guid.NewGuid():N}");
        await Eventually.Until(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/open-data/commitments.jsonl");
            request.Headers.IfNoneMatch.Add(etag);
            var response = await app.Public.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK && !Equals(response.Headers.ETag, etag);
        });
    }

    [Fact]
    public async Task As_of_a_past_date_leaves_out_commitments_confirmed_and_reports_dated_after_it()
    {
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(10));
        var early = await ConfirmedAsync(school, goal, $"Vroeg getekend {Guid.NewGuid():N}", signedAt: "2025-03-01T10:00:00Z");
        var late = await ConfirmedAsync(school, goal, $"Laat getekend {Guid.NewGuid():N}");
        await (await app.Operator.PostAsync($"/api/commitments/{early}/progress", new { reportId = "r-april", reportedAt = "2025-04-01T10:00:00Z", value = 25.0 })).ReadAsync<JsonObject>();
        await (await app.Operator.PostAsync($"/api/commitments/{early}/progress", new { reportId = "r-now", value = 35.0 })).ReadAsync<JsonObject>();

        var now = await Eventually.Value(
            async () => Csv.Parse(await app.Public.GetStringAsync("/api/open-data/reports.csv")),
            t => t.Rows.Count(r => r["commitment_id"] == early) == 2);
        Assert.Equal(2, now.Rows.Count(r => r["commitment_id"] == early));
        var current = await Eventually.Value(
            async () => Csv.Parse(await app.Public.GetStringAsync("/api/open-data/commitments.csv")),
            t => t.Rows.Any(r => r["id"] == late) && t.Rows.Any(r => r["id"] == early));
        Assert.Contains(current.Rows, r => r["id"] == late);

        var then = Csv.Parse(await app.Public.GetStringAsync("/api/open-data/commitments.csv?asOf=2025-06-01"));
        var row = Assert.Single(then.Rows, r => r["id"] == early);
        Assert.Equal("true", row["changed_after_as_of"]);
        Assert.DoesNotContain(then.Rows, r => r["id"] == late);
        Assert.All(then.Rows, r => Assert.True(DateTimeOffset.Parse(r["confirmed_at"], System.Globalization.CultureInfo.InvariantCulture) <= new DateTimeOffset(2025, 6, 2, 0, 0, 0, TimeSpan.Zero)));

        var reports = Csv.Parse(await app.Public.GetStringAsync("/api/open-data/reports.csv?asOf=2025-06-01T00:00:00Z"));
        Assert.Equal(["r-april"], reports.Rows.Where(r => r["commitment_id"] == early).Select(r => r["report_id"]));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-13-01")]
    [InlineData("2026-05-01T10:00:00")]
    [InlineData("2999-01-01")]
    [InlineData("2999-01-01T00:00:00Z")]
    public async Task A_bad_or_future_as_of_is_a_400_naming_it(string asOf)
    {
        var response = await app.Public.GetAsync($"/api/open-data/commitments.csv?asOf={Uri.EscapeDataString(asOf)}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        await response.ProblemNamingAsync("asOf");
    }

    [Fact]
    public async Task An_unknown_dataset_or_format_is_a_404_problem()
    {
        await (await app.Public.GetAsync("/api/open-data/accounts.csv")).ProblemAsync(HttpStatusCode.NotFound);
        await (await app.Public.GetAsync("/api/open-data/commitments.xlsx")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_client_over_its_limit_of_downloads_at_once_gets_a_429_with_retry_after_and_a_304_is_never_refused()
    {
        var downloads = app.Services.GetRequiredService<OpenDataDownloads>();
        var first = await app.Public.GetAsync("/api/open-data/places.csv");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // This client already runs as many downloads as it may (held here as the server would hold them while streaming).
        var held = Enumerable.Range(0, downloads.Options.MaxPerClient).Select(_ => downloads.TryStart("127.0.0.1")).ToList();
        try
        {
            Assert.All(held, Assert.NotNull);
            var refused = await app.Public.GetAsync("/api/open-data/places.csv");
            var problem = await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.Contains(downloads.Options.MaxPerClient.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)problem["detail"]!, StringComparison.Ordinal);
            Assert.NotNull(refused.Headers.RetryAfter);

            using var conditional = new HttpRequestMessage(HttpMethod.Get, "/api/open-data/places.csv");
            conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
            var status = (await app.Public.SendAsync(conditional)).StatusCode;
            Assert.True(status is HttpStatusCode.NotModified or HttpStatusCode.TooManyRequests, $"got {status}");
        }
        finally
        {
            foreach (var slot in held)
                slot?.Dispose();
        }
        Assert.Equal(HttpStatusCode.OK, (await app.Public.GetAsync("/api/open-data/places.csv")).StatusCode);
    }

    [Fact]
    public void The_download_slots_are_counted_per_client_and_in_all_and_given_back()
    {
        var downloads = new OpenDataDownloads(Microsoft.Extensions.Options.Options.Create(new OpenDataDownloadOptions { MaxPerClient = 2, MaxTotal = 3 }));
        var a1 = downloads.TryStart("a");
        var a2 = downloads.TryStart("a");
        Assert.NotNull(a1);
        Assert.NotNull(a2);
        Assert.Null(downloads.TryStart("a"));
        var b1 = downloads.TryStart("b");
        Assert.NotNull(b1);
        Assert.Null(downloads.TryStart("c")); // the host's limit
        a1!.Dispose();
        a1.Dispose(); // twice is once
        Assert.Equal(2, downloads.Running);
        Assert.NotNull(downloads.TryStart("a"));
    }

    [Fact]
    public async Task The_catalogue_is_dcat_json_ld_with_the_licence_and_every_distribution_answers()
    {
        var response = await app.Public.GetAsync("/api/open-data/catalog.jsonld");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/ld+json", response.Content.Headers.ContentType!.MediaType);
        var catalog = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("http://www.w3.org/ns/dcat#", (string)catalog["@context"]!["dcat"]!);
        Assert.Equal("http://purl.org/dc/terms/", (string)catalog["@context"]!["dct"]!);
        Assert.Equal("dcat:Catalog", (string)catalog["@type"]!);
        Assert.Equal("https://creativecommons.org/licenses/by/4.0/", (string)catalog["dct:license"]!["@id"]!);
        Assert.Equal("Stad Leuven", (string)catalog["dct:publisher"]!["foaf:name"]!);
        Assert.Equal(["nl", "fr", "en"], catalog["dct:title"]!.AsArray().Select(t => (string)t!["@language"]!));
        Assert.Equal(OpenDataCatalog.Spatial, (string)catalog["dct:spatial"]!["@id"]!);
        var datasets = catalog["dcat:dataset"]!.AsArray();
        Assert.Equal(OpenDataDatasets.All.Select(d => $"leuven-civic-contracting-{d.Name}"), datasets.Select(d => (string)d!["dct:identifier"]!));
        var index = await app.Public.GetAsync<JsonObject>("/api");
        Assert.Equal("/api/open-data/catalog.jsonld", (string)index["links"]!["openData"]!);
        foreach (var dataset in datasets)
        {
            Assert.Equal("dcat:Dataset", (string)dataset!["@type"]!);
            Assert.NotNull(dataset["dcat:contactPoint"]!["vcard:hasEmail"]);
            var distributions = dataset["dcat:distribution"]!.AsArray();
            Assert.Equal(2, distributions.Count);
            foreach (var distribution in distributions)
            {
                Assert.Equal("dcat:Distribution", (string)distribution!["@type"]!);
                Assert.Equal("https://creativecommons.org/licenses/by/4.0/", (string)distribution["dct:license"]!["@id"]!);
                Assert.NotEmpty(distribution["dct:conformsTo"]!.AsArray());
                var url = new Uri((string)distribution["dcat:downloadURL"]!["@id"]!);
                Assert.Equal(app.BaseAddress.Authority, url.Authority);
                var media = ((string)distribution["dcat:mediaType"]!["@id"]!).Split("/media-types/")[1];
                var download = await app.Public.GetAsync(url.PathAndQuery);
                Assert.Equal(HttpStatusCode.OK, download.StatusCode);
                Assert.Equal(media, download.Content.Headers.ContentType!.MediaType);
            }
        }
    }

    private async Task<string> ConfirmedAsync(string participant, string goal, string title, string? signedAt = null)
    {
        var terms = new
        {
            level = "result",
            title,
            description = "Van 20 naar 60 procent, met \"aanhalingstekens\", komma's\nen een tweede regel.",
            target = new { metric = "trips", unit = "%", baseline = 20, target = 60, deadline = "2031-06-30" },
        };
        var draft = await app.Operator.CommitAsync(participant, TestApi.Neighbourhood(7), terms, (goal, 1));
        if (signedAt is null)
        {
            await app.Operator.ConfirmAsync(draft.Id);
            return draft.Id;
        }
        var text = await app.Operator.GetAsync<JsonObject>($"/api/commitments/{draft.Id}/text");
        await (await app.Operator.PostAsync($"/api/commitments/{draft.Id}/confirmation", new { confirmedBy = "Test Person", textHash = (string)text["textHash"]!, signedAt }))
            .ReadAsync<JsonObject>();
        return draft.Id;
    }

    /// <summary>An RFC 4180 reader (quoted fields with doubled quotes, commas and line breaks inside), independent of the writer.</summary>
    private sealed record Csv(string Text, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyDictionary<string, string>> Rows)
    {
        public static Csv Parse(string text)
        {
            var records = new List<List<string>>();
            var field = new StringBuilder();
            var record = new List<string>();
            var quoted = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else if (c == '"')
                        quoted = false;
                    else
                        field.Append(c);
                }
                else if (c == '"')
                    quoted = true;
                else if (c == ',')
                {
                    record.Add(field.ToString());
                    field.Clear();
                }
                else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    record.Add(field.ToString());
                    field.Clear();
                    records.Add(record);
                    record = [];
                    i++;
                }
                else
                    field.Append(c);
            }
            Assert.False(quoted, "a quoted field is not closed");
            Assert.True(field.Length == 0 && record.Count == 0, "the last line ends with CRLF");
            var header = records[0];
            Assert.All(records, r => Assert.Equal(header.Count, r.Count));
            return new Csv(text, header, [.. records.Skip(1).Select(r => (IReadOnlyDictionary<string, string>)header.Zip(r).ToDictionary(p => p.First, p => p.Second))]);
        }
    }
}
