using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace CivicContracting.Web.Tests.Imports;

/// <summary>POST /api/operations/imports on the shared app: loading through the rules, refusing bad files whole, idempotence, hostile input.</summary>
[Collection(WebAppCollection.Name)]
public sealed class CityImportTests(WebAppFixture app)
{
    [Fact]
    public async Task A_JSON_Lines_file_loads_goals_participants_and_confirmed_commitments_and_the_goal_aggregate_counts_them()
    {
        var city = ImportFiles.City($"jl{Guid.NewGuid():N}"[..10], participants: 6, commitments: 20);
        var summary = await (await app.Operator.PostImportAsync(city.Body)).ReadAsync<JsonObject>();

        Assert.Equal("completed", (string?)summary["status"]);
        Assert.Equal(2, (int)summary["goals"]!["created"]!);
        Assert.Equal(6, (int)summary["participants"]!["created"]!);
        Assert.Equal(20, (int)summary["commitments"]!["created"]!);
        Assert.Equal(0, (int)summary["failed"]!);

        // Confirmed as signed, with the hash of its text; drafts stay drafts; the participant lists its commitments.
        var confirmed = await app.Public.GetAsync<JsonObject>($"/api/commitments/{city.Commitments[1]}");
        Assert.Equal("confirmed", (string?)confirmed["status"]);
        Assert.Equal(ImportFiles.SignedAt.AddHours(-1), (DateTimeOffset)confirmed["confirmation"]!["confirmedAt"]!);
        Assert.Equal("Signer 1", (string?)confirmed["confirmation"]!["confirmedBy"]);
        var text = await app.Public.GetAsync<JsonObject>($"/api/commitments/{city.Commitments[1]}/text");
        Assert.Equal((string?)text["textHash"], (string?)confirmed["confirmation"]!["textHash"]);
        Assert.Equal("draft", (string?)(await app.Public.GetAsync<JsonObject>($"/api/commitments/{city.Commitments[6]}"))["status"]);
        var participant = await app.Public.GetAsync<JsonObject>($"/api/participants/{city.Participants[0]}");
        Assert.Equal(city.Commitments.Where((_, i) => i % 6 == 0).Order(), participant["commitmentIds"]!.AsArray().Select(n => (string)n!).Order());

        // The objective's aggregate counts its 10 commitments (drafts by status), the ambition all 20 (its objective's too).
        var objective = await Eventually.Value(() => app.Public.GetAsync<JsonObject>($"/api/goals/{city.Objective}"),
            g => (int)g["engagement"]!["totals"]!["commitments"]! == 10, TimeSpan.FromSeconds(20));
        Assert.Equal(10, (int)objective["engagement"]!["totals"]!["commitments"]!);
        var ambition = await Eventually.Value(() => app.Public.GetAsync<JsonObject>($"/api/goals/{city.Ambition}"),
            g => (int)g["engagement"]!["totals"]!["commitments"]! == 20, TimeSpan.FromSeconds(20));
        Assert.Equal(20, (int)ambition["engagement"]!["totals"]!["commitments"]!);
        Assert.Equal(city.Ambition, (string?)(await app.Public.GetAsync<JsonObject>($"/api/goals/{city.Objective}"))["parentGoalId"]);
    }

    [Fact]
    public async Task Sending_the_same_file_again_loads_nothing_twice_and_leaves_the_aggregates_as_they_were()
    {
        var city = ImportFiles.City($"again{Guid.NewGuid():N}"[..12], participants: 4, commitments: 12);
        await (await app.Operator.PostImportAsync(city.Body)).ReadAsync<JsonObject>();
        var before = await SettledEngagementAsync(city.Ambition, expectedCommitments: 12);

        var repeated = await (await app.Operator.PostImportAsync(city.Body)).ReadAsync<JsonObject>();
        Assert.True((bool)repeated["alreadyImported"]!);
        Assert.Equal(0, (int)repeated["created"]!);

        // Checked against the store row by row: everything is there already.
        var checkedAgain = await (await app.Operator.PostImportAsync(city.Body, again: true)).ReadAsync<JsonObject>();
        Assert.False((bool)checkedAgain["alreadyImported"]!);
        Assert.Equal(0, (int)checkedAgain["created"]!);
        Assert.Equal(2 + 4 + 12, (int)checkedAgain["alreadyThere"]!);

        var after = await SettledEngagementAsync(city.Ambition, expectedCommitments: 12);
        Assert.Equal(Comparable(before), Comparable(after));
        Assert.Equal(1, (await app.Public.GetAsync<JsonObject>($"/api/commitments/{city.Commitments[0]}"))["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_row_whose_id_is_stored_with_other_content_fails_as_a_conflict_and_the_others_load()
    {
        var tag = $"conf{Guid.NewGuid():N}"[..12];
        var first = ImportFiles.Lines([ImportFiles.Goal($"g-{tag}"), ImportFiles.Participant($"p-{tag}"), ImportFiles.Commitment($"c-{tag}-1", $"p-{tag}", $"g-{tag}", 2)]);
        await (await app.Operator.PostImportAsync(first)).ReadAsync<JsonObject>();

        // The same commitment id with another signer, and a new one beside it.
        var second = ImportFiles.Lines([
            ImportFiles.Goal($"g-{tag}"), ImportFiles.Participant($"p-{tag}"),
            ImportFiles.Commitment($"c-{tag}-1", $"p-{tag}", $"g-{tag}", 5),
            ImportFiles.Commitment($"c-{tag}-2", $"p-{tag}", $"g-{tag}", 2)]);
        var summary = await (await app.Operator.PostImportAsync(second)).ReadAsync<JsonObject>();
        Assert.Equal(1, (int)summary["failed"]!);
        Assert.Equal(1, (int)summary["commitments"]!["created"]!);
        var error = summary["errors"]!.AsArray().Single()!;
        Assert.Equal(3, (int)error["row"]!);
        Assert.StartsWith("rows[3]", (string?)error["field"]);
        Assert.Contains("other content", (string?)error["message"]);
        Assert.Equal("Signer 2", (string?)(await app.Public.GetAsync<JsonObject>($"/api/commitments/c-{tag}-1"))["confirmation"]!["confirmedBy"]);
    }

    [Fact]
    public async Task A_JSON_Lines_file_with_bad_rows_is_refused_naming_each_line_and_field_and_nothing_is_loaded()
    {
        var tag = $"bad{Guid.NewGuid():N}"[..12];
        var goodCommitment = ImportFiles.Line(ImportFiles.Commitment($"c-{tag}-1", $"p-{tag}", $"g-{tag}", 2));
        var body = string.Join("\n",
            ImportFiles.Line(ImportFiles.Goal($"g-{tag}")),
            ImportFiles.Line(ImportFiles.Participant($"p-{tag}")),
            goodCommitment,
            "",
            // Line 5: a weight of the wrong type.
            goodCommitment.Replace($"c-{tag}-1", $"c-{tag}-2", StringComparison.Ordinal).Replace($"\"goalId\":\"g-{tag}\"", $"\"goalId\":\"g-{tag}\",\"weight\":\"heavy\"", StringComparison.Ordinal),
            // Line 6: a participant that exists nowhere, and a neighbourhood that is not one.
            ImportFiles.Line(ImportFiles.Commitment($"c-{tag}-3", $"p-{tag}-nobody", $"g-{tag}", 3)).Replace("24062W13", "24062W99", StringComparison.Ordinal),
            // Line 7: the same id again.
            goodCommitment,
            // Line 8: no type.
            "{\"id\":\"x\"}") + "\n";

        var problem = await (await app.Operator.PostImportAsync(body)).ProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.Contains("rows[5].goals[0].weight", errors.Select(e => e.Key));
        Assert.Contains("rows[6].neighbourhoodCode", errors.Select(e => e.Key));
        Assert.Contains("rows[7].id", errors.Select(e => e.Key));
        Assert.Contains("rows[8].type", errors.Select(e => e.Key));
        Assert.Contains("nothing was loaded", (string?)problem["detail"]);

        // Nothing of the good rows either: no goal, participant or commitment, and the import is recorded as refused.
        Assert.Equal(HttpStatusCode.NotFound, (await app.Public.GetAsync($"/api/goals/g-{tag}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Public.GetAsync($"/api/participants/p-{tag}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Public.GetAsync($"/api/commitments/c-{tag}-1")).StatusCode);
        var id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var job = await app.Operator.GetAsync<JsonObject>($"/api/operations/imports/{id}");
        Assert.Equal("rejected", (string?)job["status"]);
    }

    [Fact]
    public async Task A_reference_to_a_participant_that_is_neither_in_the_file_nor_stored_refuses_the_file()
    {
        var tag = $"ref{Guid.NewGuid():N}"[..12];
        var stored = await app.Operator.RegisterAsync(CivicContracting.Participants.ParticipantKind.School, TestApi.Neighbourhood(4));
        var body = ImportFiles.Lines([
            ImportFiles.Goal($"g-{tag}"),
            ImportFiles.Commitment($"c-{tag}-1", stored, $"g-{tag}", 1),
            ImportFiles.Commitment($"c-{tag}-2", $"p-{tag}-ghost", $"g-{tag}-ghost", 1)]);
        var problem = await (await app.Operator.PostImportAsync(body)).ProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["rows[3].goals[0].goalId", "rows[3].participantId"], errors.Select(e => e.Key).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Public.GetAsync($"/api/commitments/c-{tag}-1")).StatusCode);
    }

    [Fact]
    public async Task A_CSV_file_loads_like_JSON_Lines_and_a_bad_row_is_named_by_its_row_counting_the_header()
    {
        var tag = $"csv{Guid.NewGuid():N}"[..12];
        var header = "type,id,title,description,parentGoalId,scope,kind,name,neighbourhoodCode,participantId,goals,level,actions,metric,unit,baseline,target,deadline,confirmedBy,signedAt";
        string Csv(string badBaseline) => string.Join("\r\n",
            header,
            $"goal,g-{tag},Half of all trips by bike,\"From the panel, with care\",,city,,,,,,,,,,,,,,",
            $"goal,g-{tag}-k,Kessel-Lo objective,,g-{tag},district:24062C,,,,,,,,,,,,,,",
            $"participant,p-{tag},,,,,school,De ARK,24062W13,,,,,,,,,,,",
            $"commitment,c-{tag}-1,Bike to school,\"Trips on foot or by bike, measured\",,,,,24062W13,p-{tag},g-{tag}-k|g-{tag}=0.5,result,,share of active trips,%,{badBaseline},60,2030-06-30,Directie De ARK,2026-03-14T18:30:00Z",
            $"commitment,c-{tag}-2,Green the playground,,,,,,24062W13,p-{tag},g-{tag}-k,action,\"2031-01-01 Plant trees\n2031-06-01 Remove tiles\",,,,,,Directie De ARK,2026-03-14T18:30:00+01:00",
            $"commitment,c-{tag}-3,We carry mobility,,,,,,24062W13,p-{tag},g-{tag},pledge,,,,,,,,") + "\r\n";

        // Row 5 (the header is row 1): a baseline that is not a number.
        var problem = await (await app.Operator.PostImportAsync(Csv("twenty"), ImportFiles.Csv)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["rows[5].baseline"], problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Public.GetAsync($"/api/participants/p-{tag}")).StatusCode);

        var summary = await (await app.Operator.PostImportAsync(Csv("20"), ImportFiles.Csv)).ReadAsync<JsonObject>();
        Assert.Equal(3, (int)summary["commitments"]!["created"]!);
        var result = await app.Public.GetAsync<JsonObject>($"/api/commitments/c-{tag}-1");
        Assert.Equal("result", (string?)result["terms"]!["level"]);
        Assert.Equal(20, (double)result["terms"]!["target"]!["baseline"]!);
        Assert.Equal(0.5, (double)result["goals"]![1]!["weight"]!);
        Assert.Equal("confirmed", (string?)result["status"]);
        var action = await app.Public.GetAsync<JsonObject>($"/api/commitments/c-{tag}-2");
        Assert.Equal(["Plant trees", "Remove tiles"], action["terms"]!["milestones"]!.AsArray().Select(m => (string)m!["title"]!));
        Assert.Equal(new DateTimeOffset(2026, 3, 14, 17, 30, 0, TimeSpan.Zero), (DateTimeOffset)action["confirmation"]!["confirmedAt"]!);
        Assert.Equal("draft", (string?)(await app.Public.GetAsync<JsonObject>($"/api/commitments/c-{tag}-3"))["status"]);
        Assert.Equal(["24062C"], (await app.Public.GetAsync<JsonObject>($"/api/goals/g-{tag}-k"))["scope"]!["placeCodes"]!.AsArray().Select(c => (string)c!));
    }

    [Fact]
    public async Task Hostile_files_get_a_clear_error_and_the_app_keeps_answering()
    {
        // A line longer than Import:MaxRecordBytes (64 KiB): reported, not buffered.
        var huge = ImportFiles.Line(ImportFiles.Participant("p-huge")).Replace("Participant p-huge", new string('x', 200_000), StringComparison.Ordinal);
        var problem = await (await app.Operator.PostImportAsync(ImportFiles.Line(ImportFiles.Goal("g-huge-ok")) + "\n" + huge + "\n")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("longer than", problem["errors"]!["rows[2]"]![0]!.GetValue<string>());

        // 10 MB of random bytes: a clear 400 listing the first errors, nothing stored.
        var garbage = new byte[10 * 1024 * 1024];
        new Random(7).NextBytes(garbage);
        var refused = await (await app.Operator.PostImportAsync(garbage)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("nothing was loaded", (string?)refused["detail"]);
        Assert.InRange(refused["errors"]!.AsObject().Count, 1, 100);
        var garbageCsv = await (await app.Operator.PostImportAsync(garbage, ImportFiles.Csv)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(garbageCsv["errors"]!.AsObject());

        // Wrong types, JSON that is not an object, an empty body, another content type.
        var wrongTypes = "{\"type\":\"participant\",\"id\":\"p-w\",\"kind\":7,\"name\":[1],\"neighbourhoodCode\":\"24062W01\"}\n[1,2,3]\n{\"type\":\"commitment\",\"id\":\n";
        var typed = await (await app.Operator.PostImportAsync(wrongTypes)).ProblemAsync(HttpStatusCode.BadRequest);
        var keys = typed["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Contains(keys, k => k.StartsWith("rows[1].", StringComparison.Ordinal));
        Assert.Contains("rows[2]", keys);
        Assert.Contains("rows[3]", keys);
        await (await app.Operator.PostImportAsync("")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await app.Operator.PostImportAsync("{}", "application/json")).ProblemAsync(HttpStatusCode.UnsupportedMediaType);

        Assert.Equal(HttpStatusCode.OK, (await app.Public.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Public.GetAsync("/api/goals/g-huge-ok")).StatusCode);
    }

    [Fact]
    public async Task Strangers_get_401_and_the_progress_of_an_unknown_import_is_404()
    {
        var body = ImportFiles.Lines([ImportFiles.Goal($"g-anon-{Guid.NewGuid():N}")]);
        await (await app.Public.PostImportAsync(body)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await app.Public.GetAsync($"/api/operations/imports/{new string('a', 64)}")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await app.Operator.GetAsync($"/api/operations/imports/{new string('a', 64)}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await app.Operator.GetAsync("/api/operations/imports/not-an-id")).ProblemAsync(HttpStatusCode.NotFound);
    }

    /// <summary>
    /// The goal's engagement once it counts the commitments and has stopped changing: its figures of child goals arrive in
    /// later publications than the totals (a read between them saw an objective's share as null, the next as 0).
    /// </summary>
    private async Task<JsonObject> SettledEngagementAsync(string goalId, int expectedCommitments)
    {
        string? previous = null;
        var goal = await Eventually.Value(async () =>
            {
                var read = await app.Public.GetAsync<JsonObject>($"/api/goals/{goalId}");
                var stable = previous is not null && previous == Comparable(read["engagement"]!.AsObject());
                previous = Comparable(read["engagement"]!.AsObject());
                return (Read: read, Stable: stable);
            },
            g => (int)g.Read["engagement"]!["totals"]!["commitments"]! == expectedCommitments && g.Stable, TimeSpan.FromSeconds(20),
            $"the goal {goalId} counting {expectedCommitments} commitments, unchanged between two reads", TimeSpan.FromMilliseconds(300));
        return goal.Read["engagement"]!.AsObject();
    }

    /// <summary>
    /// An aggregate without what changes when it is merely published again (its version and time), its keys in order and
    /// its numbers to 9 decimals (derived figures such as the Shannon index are sums of doubles in dictionary order).
    /// </summary>
    internal static string Comparable(JsonObject engagement)
    {
        var copy = Sorted(engagement)!.AsObject();
        copy.Remove("version");
        copy.Remove("updatedAt");
        return copy.ToJsonString();
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        null => null,
        JsonValue v when v.TryGetValue<double>(out var number) => JsonValue.Create(Math.Round(number, 9)),
        _ => node.DeepClone(),
    };
}
