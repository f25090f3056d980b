using System.Text.Json.Nodes;

namespace CivicContracting.Web.Tests.Changes;

/// <summary>
/// A mirror of the open feed as docs/open-civic-commitments.md tells a re-user to keep one, written from the specification
/// alone (JSON, no platform types): the newest entry per (entity, id) wins, a withheld entry replaces whatever was held for
/// its commitment, and every public aggregate is recomputed from what is held.
/// </summary>
internal sealed class FeedMirror
{
    private static readonly string[] EngagedStatuses = ["confirmed", "active", "achieved", "missed"];

    /// <summary>Goals by id.</summary>
    public Dictionary<string, JsonObject> Goals { get; } = new(StringComparer.Ordinal);

    /// <summary>Commitments by id: a commitment entry or a withheld one.</summary>
    public Dictionary<string, JsonObject> Commitments { get; } = new(StringComparer.Ordinal);

    public JsonObject? Places { get; private set; }

    /// <summary>Entries taken that were older than what was held (none, in a feed that keeps its promise).</summary>
    public int Stale { get; private set; }

    public void Take(JsonObject entry, bool ignoreWithheld = false)
    {
        var type = (string)entry["type"]!;
        var id = (string)entry["id"]!;
        switch (type)
        {
            case "places":
                Places = entry;
                break;
            case "goal":
                Keep(Goals, id, entry);
                break;
            case "commitment":
                Keep(Commitments, id, entry);
                break;
            case "withheld" when !ignoreWithheld:
                Keep(Commitments, id, entry);
                break;
            case "withheld":
                break;
            default:
                throw new InvalidOperationException($"Unknown entry type '{type}'.");
        }
    }

    private void Keep(Dictionary<string, JsonObject> held, string id, JsonObject entry)
    {
        if (held.TryGetValue(id, out var old) && (long)old["version"]! > (long)entry["version"]!)
        {
            Stale++;
            return;
        }
        held[id] = entry;
    }

    /// <summary>
    /// The figures of one scope (goal:{id} or place:{code}), by the specification's rules ("Recomputing the aggregates"):
    /// every commitment that names the scope counts; engaged ones (in force, confirmed to missed) count by level, their
    /// participants per kind and, with progress, in the exact sums.
    /// </summary>
    public ScopeFigures Figures(string scope)
    {
        var f = new ScopeFigures();
        var participants = new HashSet<(string, string)>();
        foreach (var c in Commitments.Values)
        {
            var weight = (c["scopes"]!.AsArray()).Where(s => (string)s!["scope"]! == scope).Select(s => (double)s!["weight"]!).ToList();
            if (weight.Count == 0)
                continue;
            var status = (string)c["status"]!;
            f.Commitments++;
            f.ByStatus[status] = f.ByStatus.GetValueOrDefault(status) + 1;
            if (c["confirmedAt"] is JsonNode confirmed && (f.FirstEngagementAt is null || confirmed.GetValue<DateTimeOffset>() < f.FirstEngagementAt))
                f.FirstEngagementAt = confirmed.GetValue<DateTimeOffset>();
            if ((string)c["type"]! != "commitment" || !(bool)c["inForce"]! || !EngagedStatuses.Contains(status))
                continue;
            var level = (string)c["level"]!;
            f.EngagedByLevel[level] = f.EngagedByLevel.GetValueOrDefault(level) + 1;
            var owner = c["owner"]!;
            if (participants.Add(((string)owner["participantId"]!, (string)owner["kind"]!)))
                f.ParticipantsByKind[(string)owner["kind"]!] = f.ParticipantsByKind.GetValueOrDefault((string)owner["kind"]!) + 1;
            if (c["progress"] is JsonNode progressNode)
            {
                var p = ProgressUnits(progressNode.GetValue<double>());
                var v = ProgressUnits(c["verifiedProgress"]?.GetValue<double>() ?? 0);
                var w = (decimal)(long)Math.Round(Math.Max(weight[0], 0) * 1_000_000, MidpointRounding.ToEven);
                f.ProgressCount++;
                f.Progress += p;
                f.VerifiedProgress += v;
                f.Weight += w;
                f.WeightedProgress += w * p;
                f.VerifiedWeightedProgress += w * v;
            }
            if (level == "result")
            {
                f.Results++;
                if (status == "achieved")
                    f.Achieved++;
                if ((bool)c["onTrack"]!)
                    f.OnTrack++;
            }
        }
        return f;
    }

    private static decimal ProgressUnits(double progress) => (long)Math.Round(Math.Clamp(progress, 0, 1) * 1_000_000_000_000, MidpointRounding.ToEven);
}

/// <summary>The figures of a scope as the specification defines them; sums in its fixed-point units.</summary>
internal sealed class ScopeFigures
{
    public int Commitments;
    public Dictionary<string, int> ByStatus = new(StringComparer.Ordinal);
    public Dictionary<string, int> EngagedByLevel = new(StringComparer.Ordinal);
    public Dictionary<string, int> ParticipantsByKind = new(StringComparer.Ordinal);
    public int ProgressCount;
    public decimal Progress, VerifiedProgress, Weight, WeightedProgress, VerifiedWeightedProgress;
    public int Results, Achieved, OnTrack;
    public DateTimeOffset? FirstEngagementAt;

    public double? MeanProgress => ProgressCount == 0 ? null : (double)Progress / 1_000_000_000_000 / ProgressCount;

    public double? WeightedMeanProgress => Weight <= 0 ? null : (double)WeightedProgress / 1e18 / ((double)Weight / 1_000_000);

    /// <summary>Null when the aggregate <paramref name="engagement"/> (as GET /api/goals/{id} or /api/places/{code} shows it) has exactly these figures.</summary>
    public string? Difference(JsonNode engagement)
    {
        var t = engagement["totals"]!;
        var differences = new List<string>();
        void Check<T>(string name, T expected, T actual)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
                differences.Add($"{name} expected {expected} got {actual}");
        }
        static string Show(IEnumerable<KeyValuePair<string, int>> d) =>
            string.Join(",", d.Where(kv => kv.Value != 0).OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase).Select(kv => $"{kv.Key.ToLowerInvariant()}={kv.Value}"));
        static IEnumerable<KeyValuePair<string, int>> Counts(JsonNode? node) =>
            node?.AsObject().Select(kv => new KeyValuePair<string, int>(kv.Key, (int)kv.Value!)) ?? [];

        Check("commitments", Commitments, (int)t["commitments"]!);
        Check("byStatus", Show(ByStatus), Show(Counts(t["byStatus"])));
        Check("engagedByLevel", Show(EngagedByLevel), Show(Counts(t["engagedByLevel"])));
        Check("participantsByKind", Show(ParticipantsByKind), Show(Counts(t["participantsByKind"])));
        Check("progressCount", ProgressCount, (int)t["progressCount"]!);
        var exact = t["exact"]!;
        Check("exact.progress", Progress, (decimal)exact["progress"]!);
        Check("exact.verifiedProgress", VerifiedProgress, (decimal)exact["verifiedProgress"]!);
        Check("exact.weight", Weight, (decimal)exact["weight"]!);
        Check("exact.weightedProgress", WeightedProgress, (decimal)exact["weightedProgress"]!);
        Check("exact.verifiedWeightedProgress", VerifiedWeightedProgress, (decimal)exact["verifiedWeightedProgress"]!);
        Check("meanProgress", MeanProgress, (double?)engagement["meanProgress"]);
        Check("weightedProgress", WeightedMeanProgress, (double?)engagement["weightedProgress"]);
        Check("resultCommitments", Results, (int)t["resultCommitments"]!);
        Check("resultsAchieved", Achieved, (int)t["resultsAchieved"]!);
        Check("resultsOnTrack", OnTrack, (int)t["resultsOnTrack"]!);
        Check("distinctKinds", ParticipantsByKind.Count(kv => kv.Value > 0), (int)engagement["distinctKinds"]!);
        Check("firstEngagementAt", FirstEngagementAt, t["firstEngagementAt"]?.GetValue<DateTimeOffset>());
        return differences.Count == 0 ? null : string.Join("; ", differences);
    }
}
