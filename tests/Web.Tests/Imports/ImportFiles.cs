using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CivicContracting.Web.Tests.Imports;

/// <summary>Small import files made in the tests, and how to post them.</summary>
public static class ImportFiles
{
    public const string JsonLines = "application/x-ndjson";
    public const string Csv = "text/csv";

    public static async Task<HttpResponseMessage> PostImportAsync(this HttpClient client, string body, string contentType = JsonLines, bool again = false)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await client.PostAsync($"/api/operations/imports{(again ? "?again=true" : "")}", content);
    }

    public static async Task<HttpResponseMessage> PostImportAsync(this HttpClient client, byte[] body, string contentType = JsonLines)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await client.PostAsync("/api/operations/imports", content);
    }

    public static string Line(object record) => JsonSerializer.Serialize(record, TestApi.Json);

    public static string Lines(IEnumerable<object> records) => string.Join("\n", records.Select(Line)) + "\n";

    public static object Goal(string id, string? parent = null) => new
    {
        type = "goal",
        id,
        title = $"Goal {id}",
        description = "An imported goal.",
        scope = new { level = "city" },
        parentGoalId = parent,
    };

    public static object Participant(string id, string kind = "resident", int neighbourhood = 13) => new
    {
        type = "participant",
        id,
        kind,
        name = $"Participant {id}",
        neighbourhoodCode = TestApi.Neighbourhood(neighbourhood),
    };

    public static readonly DateTimeOffset SignedAt = new(2026, 3, 14, 18, 30, 0, TimeSpan.Zero);

    /// <summary>A commitment of one of three levels (by <paramref name="n"/>), confirmed unless <paramref name="draft"/>.</summary>
    public static object Commitment(string id, string participant, string goal, int n, int neighbourhood = 13, bool draft = false, string? secondGoal = null) => new
    {
        type = "commitment",
        id,
        participantId = participant,
        goals = secondGoal is null
            ? new object[] { new { goalId = goal } }
            : [new { goalId = goal }, new { goalId = secondGoal, weight = 0.5 }],
        neighbourhoodCode = TestApi.Neighbourhood(neighbourhood),
        terms = (n % 3) switch
        {
            0 => TestApi.PledgeTerms(),
            1 => TestApi.ActionTerms(2),
            _ => TestApi.ResultTerms(10 + n, 60 + n),
        },
        confirmation = draft ? null : new { confirmedBy = $"Signer {n}", signedAt = SignedAt.AddHours(-n) },
    };

    /// <summary>A small city: two goals (an ambition and its objective), <paramref name="participants"/> participants and <paramref name="commitments"/> commitments spread over them.</summary>
    public static (string Body, string Ambition, string Objective, string[] Participants, string[] Commitments) City(string tag, int participants, int commitments)
    {
        var ambition = $"g-{tag}-ambition";
        var objective = $"g-{tag}-objective";
        var people = Enumerable.Range(0, participants).Select(i => $"p-{tag}-{i}").ToArray();
        var ids = Enumerable.Range(0, commitments).Select(i => $"c-{tag}-{i}").ToArray();
        var kinds = new[] { "resident", "school", "business", "organisation", "city", "knowledgeInstitution" };
        var records = new List<object> { Goal(ambition), Goal(objective, ambition) };
        records.AddRange(people.Select((p, i) => Participant(p, kinds[i % kinds.Length], 1 + i % 24)));
        records.AddRange(ids.Select((c, i) => Commitment(c, people[i % participants], i % 2 == 0 ? objective : ambition, i, 1 + (i % participants) % 24, draft: i % 7 == 6)));
        return (Lines(records), ambition, objective, people, ids);
    }
}
