using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Tests.ReadModel;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.Changes;

/// <summary>
/// Acceptance of the open commitment feed (docs/open-civic-commitments.md): a mirror that replays GET /api/feed/changes from
/// the start, in small pages, and recomputes every goal's and place's aggregate from the entries alone gets exactly what the
/// API shows; resuming from a cursor brings exactly what changed since; hidden text and drafts' content never show; every
/// entry is valid against the schema of its type.
/// </summary>
public sealed class OpenFeedTests : IAsyncLifetime
{
    private const int PageSize = 7;
    private TestApp _app = null!;
    private HttpClient _api = null!;
    private HttpClient _public = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync("open-feed", ("Feed:SettleSeconds", "0"));
        _api = TestHosts.Client(_app.BaseAddress, WebAppFixture.OperatorToken);
        _public = TestHosts.Client(_app.BaseAddress, token: null);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        _public.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_mirror_replayed_from_the_feed_in_small_pages_recomputes_every_aggregate_exactly_and_follows_later_changes_from_its_cursor()
    {
        var random = new Random(20261207);
        var neighbourhoods = PlaceCatalog.Leuven.Neighbourhoods.Select(p => p.Code).ToList();
        var participants = new List<string>();
        foreach (var kind in Enum.GetValues<ParticipantKind>())
        {
            for (var i = 0; i < 2; i++)
                participants.Add(await _api.RegisterAsync(kind, neighbourhoods[random.Next(neighbourhoods.Count)]));
        }
        var ambition = await _api.DefineGoalAsync();
        var objectives = new[] { await _api.DefineGoalAsync(ambition), await _api.DefineGoalAsync(ambition) };
        var standalone = await _api.DefineGoalAsync();
        string[] goalIds = [ambition, .. objectives, standalone];

        // Commitments with unique titles, so that a title seen in the feed names its commitment.
        var commitments = new List<(string Id, string Title, CommitmentLevel Level)>();
        for (var i = 0; i < 30; i++)
        {
            var title = $"Feed commitment {i} {Guid.NewGuid():N}";
            var level = (CommitmentLevel)(i % 3);
            object terms = level switch
            {
                CommitmentLevel.Result => new { level = "result", title, description = "A result.", target = new { metric = "share", unit = "%", baseline = random.Next(0, 40), target = random.Next(60, 100), deadline = "2030-06-30" } },
                CommitmentLevel.Action => new { level = "action", title, description = "Actions.", milestones = Enumerable.Range(1, 3).Select(m => new { id = $"m{m}", title = $"Action {m}", dueDate = "2031-01-01" }).ToArray() },
                _ => new { level = "pledge", title, description = "A pledge." },
            };
            var goals = goalIds.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).Select(g => (g, Math.Round(0.5 + random.NextDouble() * 2, 3))).ToArray();
            var view = await _api.CommitAsync(participants[random.Next(participants.Count)], neighbourhoods[random.Next(neighbourhoods.Count)], terms, goals);
            commitments.Add((view.Id, title, level));
        }
        var drafts = commitments.Where((_, i) => i % 6 == 5).ToList();
        var confirmed = commitments.Except(drafts).ToList();
        foreach (var c in confirmed)
            await _api.ConfirmAsync(c.Id);
        var reports = new List<(string Commitment, string Report)>();
        foreach (var c in confirmed.Skip(4))
            reports.Add((c.Id, await ReportAsync(c.Id, c.Level, random)));
        foreach (var (commitment, report) in reports.Where(r => confirmed.Single(c => c.Id == r.Commitment).Level != CommitmentLevel.Pledge).Take(4))
            await (await _api.PostAsync($"/api/commitments/{commitment}/reports/{report}/verification", new { note = "Checked." })).ReadAsync<JsonObject>();
        await (await _api.PostAsync($"/api/commitments/{confirmed[0].Id}/withdrawal", new { reason = "Changed plans." })).ReadAsync<JsonObject>();
        await (await _api.PostAsync($"/api/commitments/{confirmed[1].Id}/closure", new { outcome = "achieved" })).ReadAsync<JsonObject>();
        var hidden = confirmed[5];
        await (await _api.PostAsync($"/api/commitments/{hidden.Id}/moderation", new { action = "hide", target = "text", publicReason = "Offensive words" })).ReadAsync<JsonObject>();
        await _app.Services.ListsCaughtUpAsync();

        // The replay: small pages, each resumed from the cursor of the one before.
        var mirror = new FeedMirror();
        var (entries, cursor, raw) = await ReplayAsync(null);
        foreach (var e in entries)
            mirror.Take(e);
        Assert.Equal(0, mirror.Stale);
        Assert.NotNull(mirror.Places);
        Assert.Equal(commitments.Count, mirror.Commitments.Count);
        Assert.True(entries.Count > 3 * PageSize, $"Only {entries.Count} entries: the cursors were hardly used.");
        Assert.Equal(entries.Count, entries.Select(e => ((string)e["type"]!, (string)e["id"]!)).Distinct().Count()); // each entity once
        AssertInFeedOrder(entries);

        // What the public may not read never shows: a draft's content, hidden text.
        foreach (var d in drafts)
        {
            Assert.DoesNotContain(d.Title, raw, StringComparison.Ordinal);
            Assert.Equal("withheld", (string)mirror.Commitments[d.Id]["type"]!);
        }
        Assert.DoesNotContain(hidden.Title, raw, StringComparison.Ordinal);
        Assert.True((bool)mirror.Commitments[hidden.Id]["textHidden"]!);
        Assert.Equal(ModerationRules.HiddenTitle, (string)mirror.Commitments[hidden.Id]["terms"]!["title"]!);
        Assert.DoesNotContain("someone@example.org", raw, StringComparison.Ordinal);

        await AssertMirrorEqualsTheApiAsync(mirror, goalIds);

        // A mirror that drops the tombstones (withheld entries) does not: the drafts count in the aggregates.
        var careless = new FeedMirror();
        foreach (var e in entries)
            careless.Take(e, ignoreWithheld: true);
        Assert.NotEmpty(await DifferencesAsync(careless, goalIds));

        // Later changes: a report, a draft confirmed, a text hidden, a goal revised. From the cursor: exactly those.
        var reported = confirmed[10];
        await ReportAsync(reported.Id, reported.Level, random);
        var signed = drafts[0];
        await _api.ConfirmAsync(signed.Id);
        var hiddenLater = confirmed[12];
        await (await _api.PostAsync($"/api/commitments/{hiddenLater.Id}/moderation", new { action = "hide", target = "text", publicReason = "Not about the goal" })).ReadAsync<JsonObject>();
        await (await _api.PutAsync($"/api/goals/{standalone}", new { title = "Fewer cars in the city centre", description = "Revised." })).ReadAsync<JsonObject>();
        await _app.Services.ListsCaughtUpAsync();

        var (later, _, laterRaw) = await ReplayAsync(cursor);
        Assert.Equal(new[] { reported.Id, signed.Id, hiddenLater.Id, standalone }.Order(StringComparer.Ordinal), later.Select(e => (string)e["id"]!).Order(StringComparer.Ordinal));
        AssertInFeedOrder(later);
        Assert.True(later[0]["changedAt"]!.GetValue<DateTimeOffset>() >= entries[^1]["changedAt"]!.GetValue<DateTimeOffset>());
        Assert.DoesNotContain(hiddenLater.Title, laterRaw, StringComparison.Ordinal);
        Assert.Contains(signed.Title, laterRaw, StringComparison.Ordinal); // confirmed: public now
        foreach (var e in later)
            mirror.Take(e);
        Assert.Equal(0, mirror.Stale);
        Assert.Equal("Fewer cars in the city centre", (string)mirror.Goals[standalone]["title"]!);
        await AssertMirrorEqualsTheApiAsync(mirror, goalIds);

        // Every entry is valid against its type's schema, and every page against the page's.
        foreach (var e in entries.Concat(later))
        {
            var result = FeedSchemaTests.Evaluate((string)e["type"]!, e);
            Assert.True(result.IsValid, $"{e["type"]} {e["id"]}: {FeedSchemaTests.Errors(result)}");
        }
    }

    [Fact]
    public async Task Since_and_limit_are_checked_and_a_page_names_its_licence_and_next_page()
    {
        foreach (var since in new[] { "nonsense", "AAAA", new string('A', 500), Convert.ToBase64String("1.x.2.c1"u8.ToArray()) })
            await (await _public.GetAsync($"/api/feed/changes?since={Uri.EscapeDataString(since)}")).ProblemNamingAsync("since");
        foreach (var limit in new[] { "0", "1001", "-1", "ten", "1.5" })
            await (await _public.GetAsync($"/api/feed/changes?limit={limit}")).ProblemNamingAsync("limit");

        using var response = await _public.GetAsync("/api/feed/changes?limit=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(("Open Civic Commitments", "1.0", "CC-BY-4.0"), ((string)page["specification"]!, (string)page["specificationVersion"]!, (string)page["license"]!["id"]!));
        var places = Assert.Single(page["entries"]!.AsArray())!;
        Assert.Equal("places", (string)places["type"]!);
        var links = string.Join(",", response.Headers.GetValues("Link"));
        Assert.Contains($"</api/feed/changes?since={page["next"]}&limit=1>; rel=\"next\"", links, StringComparison.Ordinal);
        Assert.Contains("<https://creativecommons.org/licenses/by/4.0/>; rel=\"license\"", links, StringComparison.Ordinal);
        Assert.NotNull(response.Headers.ETag);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/feed/changes?limit=1");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await _public.SendAsync(again)).StatusCode);
    }

    /// <summary>Oldest change first; at the same moment places, then goals, then commitments, each by id (ordinal).</summary>
    private static void AssertInFeedOrder(List<JsonObject> entries)
    {
        static int Rank(JsonObject e) => (string)e["type"]! switch { "places" => 0, "goal" => 1, _ => 2 };
        var keys = entries.Select(e => (At: e["changedAt"]!.GetValue<DateTimeOffset>(), Rank: Rank(e), Id: (string)e["id"]!)).ToList();
        for (var i = 1; i < keys.Count; i++)
        {
            var (a, b) = (keys[i - 1], keys[i]);
            var order = a.At != b.At ? a.At.CompareTo(b.At) : a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank) : string.CompareOrdinal(a.Id, b.Id);
            Assert.True(order < 0, $"Entry {i} ({b}) does not come after entry {i - 1} ({a}).");
        }
    }

    [Fact]
    public async Task A_host_building_as_many_pages_as_it_allows_refuses_more_with_429_and_retry_after()
    {
        var feed = _app.Services.GetRequiredService<CivicContracting.Web.Changes.ChangeFeed>();
        var taken = 0;
        while (feed.TryEnter())
            taken++;
        try
        {
            Assert.Equal(8, taken);
            using var refused = await _public.GetAsync("/api/feed/changes");
            await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.NotNull(refused.Headers.RetryAfter);
        }
        finally
        {
            for (var i = 0; i < taken; i++)
                feed.Exit();
        }
        Assert.Equal(HttpStatusCode.OK, (await _public.GetAsync("/api/feed/changes")).StatusCode);
    }

    private async Task<string> ReportAsync(string id, CommitmentLevel level, Random random)
    {
        var reportId = $"r-{Guid.NewGuid():N}";
        object body = level switch
        {
            CommitmentLevel.Result => new { reportId, reportedAt = DateTimeOffset.UtcNow.AddMinutes(-random.Next(1, 1000)), value = Math.Round(random.NextDouble() * 100, 3) },
            CommitmentLevel.Action => new { reportId, reportedAt = DateTimeOffset.UtcNow.AddMinutes(-random.Next(1, 1000)), completedMilestoneId = $"m{random.Next(1, 4)}" },
            _ => new { reportId, reportedAt = DateTimeOffset.UtcNow.AddMinutes(-random.Next(1, 1000)), note = "Still on it." },
        };
        await (await _api.PostAsync($"/api/commitments/{id}/progress", body)).ReadAsync<JsonObject>();
        return reportId;
    }

    /// <summary>Every entry after <paramref name="since"/>, read <see cref="PageSize"/> at a time until a page says it is complete.</summary>
    private async Task<(List<JsonObject> Entries, string? Cursor, string Raw)> ReplayAsync(string? since)
    {
        var entries = new List<JsonObject>();
        var raw = new System.Text.StringBuilder();
        var cursor = since;
        for (var pages = 0; pages < 1_000; pages++)
        {
            var text = await _public.GetStringAsync($"/api/feed/changes?limit={PageSize}" + (cursor is null ? "" : $"&since={Uri.EscapeDataString(cursor)}"));
            raw.Append(text);
            var page = JsonNode.Parse(text)!.AsObject();
            var schemaResult = FeedSchemaTests.Evaluate("page", page);
            Assert.True(schemaResult.IsValid, FeedSchemaTests.Errors(schemaResult));
            var items = page["entries"]!.AsArray().Select(e => e!.AsObject()).ToList();
            Assert.True(items.Count <= PageSize);
            entries.AddRange(items.Select(e => (JsonObject)e.DeepClone()));
            cursor = (string?)page["next"];
            if ((bool)page["complete"]!)
                return (entries, cursor, raw.ToString());
            Assert.Equal(PageSize, items.Count);
        }
        throw new InvalidOperationException("The feed never said it was complete.");
    }

    private async Task<List<string>> DifferencesAsync(FeedMirror mirror, IEnumerable<string> goalIds)
    {
        var differences = new List<string>();
        foreach (var goal in goalIds)
        {
            var engagement = (await _public.GetAsync<JsonObject>($"/api/goals/{goal}"))["engagement"]!;
            if (mirror.Figures($"goal:{goal}").Difference(engagement) is { } d)
                differences.Add($"goal {goal}: {d}");
        }
        foreach (var place in PlaceCatalog.Leuven.All)
        {
            var engagement = (await _public.GetAsync<JsonObject>($"/api/places/{place.Code}"))["engagement"]!;
            if (mirror.Figures($"place:{place.Code}").Difference(engagement) is { } d)
                differences.Add($"place {place.Code}: {d}");
        }
        return differences;
    }

    private Task AssertMirrorEqualsTheApiAsync(FeedMirror mirror, IEnumerable<string> goalIds) =>
        Eventually.Value(() => DifferencesAsync(mirror, goalIds), d => d.Count == 0, TimeSpan.FromSeconds(20),
            "every aggregate equal to the mirror's recomputation (last value: the differences)");
}
