using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CivicContracting.Web.Tests.Compatibility;

/// <summary>
/// A database written by the version before issue 13 (Compatibility/Before13/README.md) opens with this version and
/// shows the same commitments, reports, goal aggregates, places and map: the state classes were reorganised, not changed.
/// What the calendar moves by itself between the two readings (reporting reminders sent at start-up, a commitment's
/// phase, versions and times of recomputed aggregates) is left out of the comparison.
/// </summary>
public sealed class DatabaseOfEarlierVersionTests : IAsyncLifetime, IDisposable
{
    /// <summary>Fields the calendar changes without anyone acting: the reminders due since, and what depends on "now".</summary>
    private static readonly HashSet<string> CommitmentClockFields = ["nudgeCount", "lastNudgedAt", "phase"];

    /// <summary>An aggregate's version and time say when it was last published, which a restart may redo.</summary>
    private static readonly HashSet<string> PublishFields = ["version", "updatedAt", "generatedAt"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"civic-before13-{Guid.NewGuid():N}");
    private TestApp _app = null!;
    private HttpClient? _client;
    private JsonObject _expected = null!;

    public async Task InitializeAsync()
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "Compatibility", "Before13");
        Directory.CreateDirectory(_directory);
        await using (var compressed = File.OpenRead(Path.Combine(fixture, "civic-contracting.db.gz")))
        await using (var gzip = new GZipStream(compressed, CompressionMode.Decompress))
        await using (var database = File.Create(Path.Combine(_directory, "civic-contracting.db")))
            await gzip.CopyToAsync(database);
        await using (var compressed = File.OpenRead(Path.Combine(fixture, "expected.json.gz")))
        await using (var gzip = new GZipStream(compressed, CompressionMode.Decompress))
            _expected = (await JsonNode.ParseAsync(gzip))!.AsObject();
        _app = await TestApp.StartAsync("before13", ("Storage:Profile", "Sqlite"), ("Storage:DataDirectory", _directory));
        _client = new HttpClient { BaseAddress = _app.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    public void Dispose() => _client?.Dispose();

    [Fact]
    public async Task Every_commitment_and_its_reports_read_as_the_earlier_version_showed_them()
    {
        var expected = _expected["commitments"]!.AsObject();
        Assert.Equal(300, expected.Count);
        foreach (var (id, before) in expected)
        {
            var now = await _client!.GetFromJsonAsync<JsonObject>($"/api/commitments/{Uri.EscapeDataString(id)}");
            AssertSame($"commitment {id}", Without(before!, CommitmentClockFields), WithoutLanguageOfLegacyConfirmations(Without(now!, CommitmentClockFields)));
            var reports = await _client!.GetFromJsonAsync<JsonObject>($"/api/commitments/{Uri.EscapeDataString(id)}/reports?pageSize=100");
            AssertSame($"reports of {id}", _expected["reports"]![id]!, WithoutLanguageOfLegacyConfirmations(reports!));
        }
    }

    [Fact]
    public async Task Every_goal_aggregate_the_places_and_the_map_are_those_the_earlier_version_showed()
    {
        var expectedGoals = _expected["goals"]!.AsArray();
        // The host's lists load from the grains at start-up; the aggregates themselves are read as stored.
        var goals = await Eventually.Value(async () => await _client!.GetFromJsonAsync<JsonObject>("/api/goals?pageSize=100"),
            page => page!["items"]!.AsArray().Count == expectedGoals.Count, what: "the goal list of the opened database");
        var byId = goals!["items"]!.AsArray().ToDictionary(g => (string)g!["id"]!);
        foreach (var goal in expectedGoals)
        {
            // Goals written before translations read in their original, Dutch, whatever the request's language.
            var now = byId[(string)goal!["id"]!]!;
            Assert.Equal("nl", (string?)now["titleLanguage"]);
            AssertSame($"goal {goal["id"]}", Without(goal, PublishFields), Without(now, new HashSet<string>([.. PublishFields, "titleLanguage"])));
        }
        var oneGoal = (string)expectedGoals[0]!["id"]!;
        var french = (await _client!.GetFromJsonAsync<JsonObject>($"/api/goals/{Uri.EscapeDataString(oneGoal)}?culture=fr"))!;
        Assert.Equal((string)expectedGoals[0]!["title"]!, (string)french["title"]!);
        Assert.Equal(("nl", "nl"), ((string?)french["titleLanguage"], (string?)french["originalLanguage"]));
        Assert.Equal(["nl"], french["translations"]!["title"]!.AsObject().Select(t => t.Key));

        AssertSame("places", Without(_expected["places"]!, PublishFields), Without((await _client!.GetFromJsonAsync<JsonNode>("/api/places"))!, PublishFields));
        var map = await Eventually.Value(async () => await _client!.GetFromJsonAsync<JsonObject>("/api/map"),
            m => JsonNode.DeepEquals(Without(m!, PublishFields), Without(_expected["map"]!, PublishFields)), what: "the map of the opened database");
        Assert.NotNull(map);
    }

    [Fact]
    public async Task Every_confirmation_recorded_before_languages_verifies_against_the_legacy_English_text()
    {
        var verified = 0;
        foreach (var (id, before) in _expected["commitments"]!.AsObject())
        {
            if (before!["confirmation"] is not JsonObject confirmation || (string?)before["terms"]!["title"] == CivicContracting.Commitments.ModerationRules.HiddenTitle)
                continue;
            var now = (await _client!.GetFromJsonAsync<JsonObject>($"/api/commitments/{Uri.EscapeDataString(id)}"))!;
            Assert.Null(now["confirmation"]!["language"]); // recorded before languages
            var text = (await _client!.GetFromJsonAsync<JsonObject>($"/api/commitments/{Uri.EscapeDataString(id)}/text?language=legacy"))!;
            Assert.True((bool)text["isConfirmedText"]!, $"The legacy text of {id} is not its confirmed text.");
            Assert.Equal((string)confirmation["textHash"]!, (string)text["textHash"]!);
            Assert.Equal((string)confirmation["textHash"]!, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes((string)text["text"]!))));
            verified++;
        }
        Assert.True(verified > 100, $"Only {verified} confirmed commitments were checked.");

        // The page shows that text as the confirmed one, in English, and the three languages as translations.
        var (someId, _) = _expected["commitments"]!.AsObject().First(c => c.Value!["confirmation"] is JsonObject);
        var page = System.Net.WebUtility.HtmlDecode(await _client!.GetStringAsync($"/commitments/{Uri.EscapeDataString(someId)}"));
        Assert.Contains("data-confirmed-text data-text-language=\"legacy\"", page, StringComparison.Ordinal);
        Assert.Contains("<blockquote class=\"commitment-text\" lang=\"en\">Level: ", page, StringComparison.Ordinal);
        Assert.Equal(3, page.Split("niet de bevestigde tekst").Length - 1);
    }

    /// <summary>
    /// A confirmation without a language (recorded before languages), a commitment and a report whose author's language was
    /// not recorded read with <c>"language": null</c>, which the earlier version did not write; nor a template's
    /// translations (<c>"titleTranslations": null</c>, <c>"descriptionTranslations": null</c> for every stored commitment).
    /// </summary>
    private static JsonNode WithoutLanguageOfLegacyConfirmations(JsonNode node) => node switch
    {
        JsonObject o => new JsonObject(o.Where(p => !(p.Key is "language" or "titleTranslations" or "descriptionTranslations" && p.Value is null))
            .Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : WithoutLanguageOfLegacyConfirmations(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(item => item is null ? null : WithoutLanguageOfLegacyConfirmations(item))]),
        _ => node.DeepClone(),
    };

    /// <summary>A copy of <paramref name="node"/> without the named fields, at any depth.</summary>
    private static JsonNode Without(JsonNode node, IReadOnlySet<string> fields) => node switch
    {
        JsonObject o => new JsonObject(o.Where(p => !fields.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Without(p.Value, fields)))),
        JsonArray a => new JsonArray([.. a.Select(item => item is null ? null : Without(item, fields))]),
        _ => node.DeepClone(),
    };

    private static void AssertSame(string what, JsonNode expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{what} differs.\nbefore: {Shorten(expected)}\nnow:    {Shorten(actual)}");

    private static string Shorten(JsonNode node)
    {
        var text = node.ToJsonString();
        return text.Length <= 3_000 ? text : text[..3_000] + "…";
    }
}
