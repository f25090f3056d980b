using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using CivicContracting.Participants;
using CivicContracting.Tests.Support;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Search;

/// <summary>
/// <c>GET /api/search</c> over a live host: Dutch, French and English stemming, accents, a typo and a Dutch compound; the
/// site's filters; hidden text and drafts never found; a new commitment findable within 2 s; bad queries refused with
/// problem+json. Each test defines its own goal and searches within it (<c>goal=</c>), so other tests' commitments in the
/// shared host cannot change its results.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class SearchApiTests(WebAppFixture app)
{
    private const string HiddenTitle = "Verborgen door moderatie";

    [Fact]
    public async Task Words_are_found_by_their_stems_in_Dutch_French_and_English_inside_Dutch_compounds_without_accents_and_with_a_typo()
    {
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(3));
        var marker = Unique();
        var dutch = await ConfirmedAsync(school, goal, "Een overdekte fietsenstalling voor schoolfietsen", $"De leerlingen fietsen elke dag naar school. {marker}", "nl");
        var french = await ConfirmedAsync(school, goal, "Des vélos partagés pour l'école", $"Les élèves viennent à vélo chaque matin. {marker}", "fr");
        var english = await ConfirmedAsync(school, goal, "Planting trees along the streets", $"Pupils plant trees every spring. {marker}", "en");
        await IndexedAsync(marker, dutch, french, english);

        // Dutch: a plural finds its stem, and a word is found at the start and inside compounds.
        Assert.Contains(dutch, await IdsAsync($"q=fiets&goal={goal}"));
        Assert.Contains(dutch, await IdsAsync($"q=fietsen&goal={goal}"));
        Assert.Contains(dutch, await IdsAsync($"q=stalling&goal={goal}"));
        // French: the plural and the singular, with or without the accent; elision ("l'école" found by "école" and "ecoles").
        Assert.Contains(french, await IdsAsync($"q=v%C3%A9lo&goal={goal}&culture=fr"));
        Assert.Contains(french, await IdsAsync($"q=velo&goal={goal}&culture=fr"));
        Assert.Contains(french, await IdsAsync($"q=ecoles&goal={goal}&culture=fr"));
        // English stemming.
        Assert.Contains(english, await IdsAsync($"q=tree&goal={goal}&culture=en"));
        Assert.Contains(english, await IdsAsync($"q=planted&goal={goal}&culture=en"));
        // A typo: one letter missing in a long word, one swapped in a short one.
        Assert.Contains(dutch, await IdsAsync($"q=fietsenstaling&goal={goal}"));
        Assert.Contains(english, await IdsAsync($"q=tress&goal={goal}&culture=en"));
        // Every word must match: nothing has both.
        Assert.Empty(await IdsAsync($"q=velo%20trees&goal={goal}"));

        // The answer: type, url, the title with <mark>, a snippet, the language of what is shown.
        var answer = await app.Public.GetAsync<JsonObject>($"/api/search?q=velo&goal={goal}&culture=fr");
        var hit = answer["results"]!.AsArray().Single(r => (string)r!["id"]! == french)!;
        Assert.Equal(("commitment", $"/commitments/{french}", "fr"), ((string)hit["type"]!, (string)hit["url"]!, (string)hit["language"]!));
        Assert.Equal("Des <mark>vélos</mark> partagés pour l&#39;école", (string)hit["titleHtml"]!);
        Assert.Contains("<mark>vélo</mark>", (string)hit["snippet"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_filters_narrow_the_hits_to_the_type_neighbourhood_kind_level_and_status_asked_for()
    {
        var word = Unique();
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(4));
        var business = await app.Operator.RegisterAsync(ParticipantKind.Business, TestApi.Neighbourhood(5));
        var result = await ConfirmedAsync(school, goal, $"Zonnepanelen {word}", "Op het dak.", "nl", TestApi.Neighbourhood(4));
        var pledge = await ConfirmedAsync(business, goal, $"Zonnepanelen {word}", "Beloofd.", "nl", TestApi.Neighbourhood(5), level: "pledge");
        await IndexedAsync(word, result, pledge);

        Assert.Equal(new[] { pledge, result }.Order(StringComparer.Ordinal), (await IdsAsync($"q={word}&goal={goal}")).Order(StringComparer.Ordinal));
        Assert.Equal([result], await IdsAsync($"q={word}&goal={goal}&level=result"));
        Assert.Equal([pledge], await IdsAsync($"q={word}&goal={goal}&kind=business"));
        Assert.Equal([result], await IdsAsync($"q={word}&goal={goal}&neighbourhood={TestApi.Neighbourhood(4)}"));
        Assert.Equal([result], await IdsAsync($"q={word}&goal={goal}&level=result&kind=school&type=commitment&status=confirmed"));
        Assert.Empty(await IdsAsync($"q={word}&goal={goal}&status=achieved"));
        Assert.Empty(await IdsAsync($"q={word}&goal={goal}&type=goal"));
    }

    [Fact]
    public async Task Hidden_text_is_not_found_once_a_moderator_hid_it_and_a_draft_is_never_found()
    {
        var word = Unique();
        var draftWord = Unique();
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(6));
        // A draft first, then (same participant, so the same shard, pushed after it) a confirmed commitment.
        var draft = await app.Operator.CommitAsync(school, TestApi.Neighbourhood(6), Terms($"Geheim plan {draftWord}", $"Nog niet publiek {draftWord}"), (goal, 1));
        var id = await ConfirmedAsync(school, goal, $"Beledigende titel {word}", $"Beschrijving {word}", "nl");
        await IndexedAsync(word, id);
        Assert.Equal([id], await IdsAsync($"q={word}&goal={goal}"));
        Assert.Empty(await IdsAsync($"q={draftWord}"));

        var moderator = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(app.Operator, moderator.AccountId, "moderator");
        await (await moderator.Client.PostAsync($"/api/commitments/{id}/moderation", new { action = "hide", target = "text", publicReason = "Beledigende taal" }))
            .ReadAsync<JsonObject>();

        var gone = await Eventually.Value(() => IdsOnceAsync($"q={word}"), ids => ids.Count == 0);
        Assert.Empty(gone);
        // Still a public commitment, found by its placeholder, showing nothing of the hidden text.
        var answer = await app.Public.GetStringAsync($"/api/search?q=verborgen&goal={goal}");
        Assert.Contains(id, answer, StringComparison.Ordinal);
        Assert.Contains(HiddenTitle, answer, StringComparison.Ordinal);
        Assert.DoesNotContain(word, answer, StringComparison.Ordinal);
        Assert.Empty(await IdsAsync($"q={draftWord}"));
        Assert.Equal(draft.Id, (string)(await app.Operator.GetAsync<JsonObject>($"/api/commitments/{draft.Id}"))["id"]!);
    }

    [Fact]
    public async Task A_new_commitment_is_findable_within_two_seconds_of_its_confirmation()
    {
        var word = Unique();
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(7));
        var draft = await app.Operator.CommitAsync(school, TestApi.Neighbourhood(7), Terms($"Regenwater opvangen {word}", "Een regenton."), (goal, 1));
        await app.Operator.ConfirmAsync(draft.Id);
        var confirmed = Stopwatch.StartNew();
        var ids = await Eventually.Value(() => IdsOnceAsync($"q={word}"), found => found.Contains(draft.Id), within: TimeSpan.FromSeconds(2));
        Assert.Equal([draft.Id], ids);
        Assert.True(confirmed.Elapsed < TimeSpan.FromSeconds(2.5), $"found after {confirmed.Elapsed}");
    }

    [Fact]
    public async Task An_empty_or_too_long_query_or_an_unknown_filter_is_refused_and_query_syntax_is_only_text()
    {
        await (await app.Public.GetAsync("/api/search")).ProblemNamingAsync("q");
        await (await app.Public.GetAsync("/api/search?q=%20%20")).ProblemNamingAsync("q");
        await (await app.Public.GetAsync($"/api/search?q={new string('a', 201)}")).ProblemNamingAsync("q");
        await (await app.Public.GetAsync("/api/search?q=fiets&kind=alien")).ProblemNamingAsync("kind");
        await (await app.Public.GetAsync("/api/search?q=fiets&type=secret")).ProblemNamingAsync("type");
        await (await app.Public.GetAsync("/api/search?q=fiets&neighbourhood=24062")).ProblemNamingAsync("neighbourhood");
        await (await app.Public.GetAsync("/api/search?q=fiets&page=51")).ProblemNamingAsync("page");
        var problem = await (await app.Public.GetAsync("/api/search?q=")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("q", problem.ToJsonString(), StringComparison.Ordinal);

        // Lucene's syntax means nothing here: each is words or nothing, answered quickly.
        foreach (var q in new[] { "title:*", "\"", "*", "a AND (b OR", "fiets~2^10", "\\", "[a TO z]", string.Join(' ', Enumerable.Repeat("velo", 40)) })
        {
            var answer = await app.Public.GetAsync<JsonObject>("/api/search?q=" + Uri.EscapeDataString(q));
            Assert.True((int)answer["total"]! >= 0);
        }
    }

    [Fact]
    public async Task The_search_page_announces_the_count_and_shows_marked_hits_with_their_text_escaped_and_every_page_has_the_search_box()
    {
        var word = Unique();
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(8));
        var id = await ConfirmedAsync(school, goal, $"Fietsenstalling <script>alert(1)</script> {word}", "Veilig & droog.", "nl");
        await IndexedAsync(word, id);

        var page = await app.Public.GetStringAsync($"/search?q=fiets+{word}");
        Assert.Contains("<p role=\"status\" data-search-count>1 resultaat voor", page, StringComparison.Ordinal);
        Assert.Contains($"data-search-result=\"{id}\"", page, StringComparison.Ordinal);
        Assert.Contains("<mark>Fietsenstalling</mark> &lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", page, StringComparison.Ordinal);
        Assert.Contains("Veilig &amp; droog.", page, StringComparison.Ordinal);

        // A refused search says why on the page; the header's search form is on every page.
        Assert.Contains("data-search-errors", await app.Public.GetStringAsync("/search?q=fiets&kind=alien"), StringComparison.Ordinal);
        Assert.Contains("<form class=\"site-search\" role=\"search\" method=\"get\" action=\"/search\"", await app.Public.GetStringAsync("/goals"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Searches_beyond_the_budget_of_an_address_are_refused_with_429()
    {
        await using var limited = await TestApp.StartAsync("search-limits", ("Search:SearchesPerMinute", "1"), ("Search:SearchBurst", "3"));
        using var client = TestHosts.Client(limited.BaseAddress, null);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/search?q=fiets")).StatusCode);
        var refused = await client.GetAsync("/api/search?q=fiets");
        await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter is not null);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/search?q=fiets")).StatusCode);
    }

    private static string Unique() => "zq" + Guid.NewGuid().ToString("N")[..10];

    private static object Terms(string title, string description, string level = "result") => level == "pledge"
        ? (object)new { level, title, description }
        : new { level, title, description, target = new { metric = "share", unit = "%", baseline = 10, target = 50, deadline = "2031-06-30" } };

    private async Task<string> ConfirmedAsync(string participant, string goal, string title, string description, string language,
        string? neighbourhood = null, string level = "result")
    {
        var response = await app.Operator.PostAsync("/api/commitments", new
        {
            id = $"c-test-{Guid.NewGuid():N}",
            participantId = participant,
            goals = new[] { new { goalId = goal, weight = 1.0 } },
            neighbourhoodCode = neighbourhood ?? TestApi.Neighbourhood(3),
            terms = Terms(title, description, level),
            language,
        });
        var draft = await response.ReadAsync<JsonObject>(HttpStatusCode.Created);
        var id = (string)draft["id"]!;
        await app.Operator.ConfirmAsync(id);
        return id;
    }

    /// <summary>The ids of one search's first page.</summary>
    private async Task<List<string>> IdsOnceAsync(string query)
    {
        var answer = await app.Public.GetAsync<JsonObject>("/api/search?" + query);
        return [.. answer["results"]!.AsArray().Select(r => (string)r!["id"]!)];
    }

    /// <summary>The ids of one search's first page.</summary>
    private Task<List<string>> IdsAsync(string query) => IdsOnceAsync(query);

    /// <summary>Waits until a search for <paramref name="word"/> finds every commitment of <paramref name="ids"/>.</summary>
    private async Task IndexedAsync(string word, params string[] ids) =>
        await Eventually.Value(() => IdsOnceAsync($"q={word}"), found => ids.All(found.Contains), what: $"{string.Join(", ", ids)} found by {word}");
}
