using System.Globalization;
using System.Text.Json;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;

namespace CivicContracting.CityScale;

/// <summary>What to generate: sizes, the seed, and the day the city stands at (signing dates lie in the 80 days before it).</summary>
public sealed record CitySpec(int Commitments, int Participants, int Goals, int Seed, DateOnly AsOf);

/// <summary>
/// A synthetic Leuven in the import's JSON Lines format, the same for the same spec. Participants live in the 24
/// neighbourhoods in proportion to their residents (the districts' populations of Places:Population, the rest of the
/// city to Leuven and Wilsele by statistical sectors, each district's share to its neighbourhoods by statistical
/// sectors); nine in ten are residents, the rest schools, businesses, organisations, knowledge institutions and the
/// city. Goals are ambitions with objectives (city-wide, per district, per neighbourhood); three city-wide objectives
/// are "hot": about half of all commitments name one. Levels lean to pledges, with organisations making more result
/// commitments; nine in ten commitments are confirmed, the rest drafts. Each participant's commitments are written
/// together, as an export from another system would list them, so the import extends each participant's list once.
/// </summary>
public static class SyntheticCity
{
    /// <summary>Residents of Leuven and of the districts the configuration names (src/Web/appsettings.json, Places:Population).</summary>
    private static readonly Dictionary<string, int> DistrictPopulation = new()
    {
        ["24062C"] = 30_300, // Kessel-Lo
        ["24062Z"] = 23_600, // Heverlee
        ["24062F"] = 3_800,  // Wijgmaal
    };

    private const int CityPopulation = 102_275;

    /// <summary>Statistical sectors per neighbourhood (n_statsec_2025 of leuven_wijken.geojson): the proxy for residents within a district.</summary>
    private static readonly Dictionary<string, int> Sectors = new()
    {
        ["24062W01"] = 5, ["24062W02"] = 8, ["24062W03"] = 7, ["24062W04"] = 6, ["24062W05"] = 5, ["24062W06"] = 6,
        ["24062W07"] = 8, ["24062W08"] = 6, ["24062W09"] = 1, ["24062W10"] = 4, ["24062W11"] = 5, ["24062W12"] = 5,
        ["24062W13"] = 7, ["24062W14"] = 6, ["24062W15"] = 4, ["24062W16"] = 7, ["24062W17"] = 5, ["24062W18"] = 4,
        ["24062W19"] = 4, ["24062W20"] = 3, ["24062W21"] = 6, ["24062W22"] = 4, ["24062W23"] = 7, ["24062W24"] = 11,
    };

    private static readonly (ParticipantKind Kind, double Share, double Commitments)[] Kinds =
    [
        (ParticipantKind.Resident, 0.900, 1.0),
        (ParticipantKind.Business, 0.050, 2.0),
        (ParticipantKind.Organisation, 0.030, 2.5),
        (ParticipantKind.School, 0.012, 3.0),
        (ParticipantKind.KnowledgeInstitution, 0.005, 4.0),
        (ParticipantKind.City, 0.003, 6.0),
    ];

    private static readonly string[] Themes =
    [
        "mobility", "green", "energy", "housing", "food", "circular", "water", "heat", "air", "together",
    ];

    public const int HotGoals = 3;

    /// <summary>Residents per neighbourhood, from the figures above.</summary>
    public static IReadOnlyDictionary<string, double> NeighbourhoodPopulation()
    {
        var neighbourhoods = PlaceCatalog.Leuven.Neighbourhoods.ToList();
        var known = DistrictPopulation.Values.Sum();
        var otherDistricts = neighbourhoods.Select(n => n.ParentCode!).Distinct().Where(d => !DistrictPopulation.ContainsKey(d)).ToList();
        var otherSectors = neighbourhoods.Where(n => otherDistricts.Contains(n.ParentCode!)).Sum(n => Sectors[n.Code]);
        var result = new Dictionary<string, double>();
        foreach (var n in neighbourhoods)
        {
            var districtSectors = neighbourhoods.Where(m => m.ParentCode == n.ParentCode).Sum(m => Sectors[m.Code]);
            var districtPopulation = DistrictPopulation.TryGetValue(n.ParentCode!, out var p)
                ? p
                : (double)(CityPopulation - known) * districtSectors / otherSectors;
            result[n.Code] = districtPopulation * Sectors[n.Code] / districtSectors;
        }
        return result;
    }

    public static string GoalId(int index) => $"g-{index:0000}";

    public static async Task<(long Goals, long Participants, long Commitments)> WriteAsync(CitySpec spec, Stream output, IProgress<long>? progress = null)
    {
        var random = new Random(spec.Seed);
        var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        var neighbourhoods = NeighbourhoodPopulation().ToList();
        var asOf = new DateTimeOffset(spec.AsOf.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

        // Goals: ambitions of ~25 objectives each; the first ambition is the city-wide one with the hot objectives.
        var goals = new List<(string Id, string? Parent, PlaceLevel Level, string[] Codes, string Theme)>();
        var districts = PlaceCatalog.Leuven.Districts.Select(d => d.Code).ToArray();
        var ambitions = Math.Max(1, spec.Goals / 25);
        var ambitionIds = new List<string>();
        for (var a = 0; a < ambitions && goals.Count < spec.Goals; a++)
        {
            var id = GoalId(goals.Count);
            ambitionIds.Add(id);
            goals.Add((id, null, PlaceLevel.City, [], Themes[a % Themes.Length]));
        }
        for (var i = 0; goals.Count < spec.Goals; i++)
        {
            var parent = ambitionIds[i % ambitionIds.Count];
            var theme = goals.First(g => g.Id == parent).Theme;
            // Hot objectives are the first ones (city-wide); then a mix of city, district and neighbourhood objectives.
            var (level, codes) = (i < HotGoals || i % 3 == 0)
                ? (PlaceLevel.City, Array.Empty<string>())
                : i % 3 == 1
                    ? (PlaceLevel.District, new[] { districts[i % districts.Length] })
                    : (PlaceLevel.Neighbourhood, new[] { neighbourhoods[i % neighbourhoods.Count].Key });
            goals.Add((GoalId(goals.Count), parent, level, codes, theme));
        }
        foreach (var goal in goals)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "goal");
            writer.WriteString("id", goal.Id);
            writer.WriteString("title", goal.Parent is null ? $"Ambition {goal.Id}: a climate-neutral Leuven ({goal.Theme})" : $"Objective {goal.Id} ({goal.Theme})");
            writer.WriteString("description", $"Synthetic {goal.Theme} goal for the city-scale benchmark.");
            if (goal.Parent is not null)
                writer.WriteString("parentGoalId", goal.Parent);
            writer.WriteStartObject("scope");
            writer.WriteString("level", goal.Level.ToString().ToLowerInvariant());
            writer.WriteStartArray("placeCodes");
            foreach (var code in goal.Codes)
                writer.WriteStringValue(code);
            writer.WriteEndArray();
            writer.WriteEndObject();
            if (goal.Parent is null)
                writer.WriteString("rollUp", "meanOfObjectives");
            writer.WriteEndObject();
            await FlushLineAsync(writer, output);
        }
        var objectives = goals.Where(g => g.Parent is not null).ToList();

        // Participants, by kind and neighbourhood; their commitment counts drawn so that they add up to spec.Commitments.
        var participants = new (string Id, ParticipantKind Kind, string Neighbourhood)[spec.Participants];
        var weights = new double[spec.Participants];
        var population = neighbourhoods.Select(n => (n.Key, n.Value)).ToList();
        for (var p = 0; p < spec.Participants; p++)
        {
            var (kind, _, perCommitments) = Weighted(random, Kinds.Select(k => (k, k.Share)).ToList());
            var neighbourhood = Weighted(random, population);
            participants[p] = ($"p-{p:0000000}", kind, neighbourhood);
            weights[p] = perCommitments * (0.5 + random.NextDouble());
            writer.WriteStartObject();
            writer.WriteString("type", "participant");
            writer.WriteString("id", participants[p].Id);
            writer.WriteString("kind", ApiName(kind));
            writer.WriteString("name", kind == ParticipantKind.Resident ? $"Bewoner {p}" : $"{kind} {p}");
            writer.WriteString("neighbourhoodCode", neighbourhood);
            if (kind != ParticipantKind.Resident)
                writer.WriteString("contactEmail", $"contact{p}@example.org");
            writer.WriteEndObject();
            await FlushLineAsync(writer, output);
        }
        var counts = Apportion(weights, spec.Commitments);

        long written = 0;
        for (var p = 0; p < spec.Participants; p++)
        {
            var (participantId, kind, home) = participants[p];
            for (var c = 0; c < counts[p]; c++)
            {
                WriteCommitment(writer, random, $"c-{written:00000000}", participantId, kind, home, neighbourhoods, objectives, asOf);
                await FlushLineAsync(writer, output);
                written++;
                if (written % 50_000 == 0)
                    progress?.Report(written);
            }
        }
        await output.FlushAsync();
        return (goals.Count, spec.Participants, written);
    }

    private static void WriteCommitment(Utf8JsonWriter writer, Random random, string id, string participantId, ParticipantKind kind, string home,
        List<KeyValuePair<string, double>> neighbourhoods, List<(string Id, string? Parent, PlaceLevel Level, string[] Codes, string Theme)> objectives, DateTimeOffset asOf)
    {
        // About half of all commitments name a hot city-wide objective; a few name two goals with weights.
        var hot = random.NextDouble() < 0.5;
        var first = hot ? objectives[random.Next(HotGoals)] : objectives[HotGoals + random.Next(objectives.Count - HotGoals)];
        var second = random.NextDouble() < 0.15 ? objectives[random.Next(objectives.Count)] : default;
        // Mostly in the participant's own neighbourhood; organisations sometimes elsewhere.
        var neighbourhood = kind == ParticipantKind.Resident || random.NextDouble() < 0.7 ? home : neighbourhoods[random.Next(neighbourhoods.Count)].Key;
        var resultShare = kind == ParticipantKind.Resident ? 0.15 : 0.40;
        var roll = random.NextDouble();
        var level = roll < resultShare ? "result" : roll < resultShare + 0.35 ? "action" : "pledge";

        writer.WriteStartObject();
        writer.WriteString("type", "commitment");
        writer.WriteString("id", id);
        writer.WriteString("participantId", participantId);
        writer.WriteStartArray("goals");
        writer.WriteStartObject();
        writer.WriteString("goalId", first.Id);
        writer.WriteEndObject();
        if (second.Id is not null && second.Id != first.Id)
        {
            writer.WriteStartObject();
            writer.WriteString("goalId", second.Id);
            writer.WriteNumber("weight", 0.5);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteString("neighbourhoodCode", neighbourhood);
        writer.WriteStartObject("terms");
        writer.WriteString("level", level);
        writer.WriteString("title", level switch
        {
            "result" => $"Measurably better on {first.Theme}",
            "action" => $"Concrete steps for {first.Theme}",
            _ => $"We carry {first.Theme} in our street",
        });
        writer.WriteString("description", $"Synthetic {level} commitment of {participantId} towards {first.Id}.");
        if (level == "action")
        {
            writer.WriteStartArray("milestones");
            var actions = 1 + random.Next(4);
            for (var m = 1; m <= actions; m++)
            {
                writer.WriteStartObject();
                writer.WriteString("id", $"m{m}");
                writer.WriteString("title", $"Step {m}");
                writer.WriteString("dueDate", DateOnly.FromDateTime(asOf.AddDays(180 + random.Next(720)).UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        else if (level == "result")
        {
            var baseline = Math.Round(5 + random.NextDouble() * 40, 1);
            writer.WriteStartObject("target");
            writer.WriteString("metric", $"share of {first.Theme}");
            writer.WriteString("unit", "%");
            writer.WriteNumber("baseline", baseline);
            writer.WriteNumber("target", Math.Round(baseline + 10 + random.NextDouble() * 40, 1));
            writer.WriteString("deadline", DateOnly.FromDateTime(asOf.AddDays(365 + random.Next(1_460)).UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        if (random.NextDouble() < 0.9)
        {
            // Signed in the last 80 days, so that no report is due the moment it is loaded (90 days by default).
            writer.WriteStartObject("confirmation");
            writer.WriteString("confirmedBy", kind == ParticipantKind.Resident ? $"Resident of {participantId}" : $"Owner of {participantId}");
            writer.WriteString("signedAt", asOf.AddMinutes(-random.Next(1, 80 * 24 * 60)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    private static async Task FlushLineAsync(Utf8JsonWriter writer, Stream output)
    {
        await writer.FlushAsync();
        writer.Reset(output);
        output.WriteByte((byte)'\n');
    }

    /// <summary>Whole numbers proportional to the weights that add up to <paramref name="total"/> (largest remainders).</summary>
    private static int[] Apportion(double[] weights, int total)
    {
        var sum = weights.Sum();
        var exact = weights.Select(w => w / sum * total).ToArray();
        var counts = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var left = total - counts.Sum();
        foreach (var i in exact.Select((e, i) => (Remainder: e - Math.Floor(e), i)).OrderByDescending(x => x.Remainder).Take(left).Select(x => x.i))
            counts[i]++;
        return counts;
    }

    private static T Weighted<T>(Random random, IReadOnlyList<(T Item, double Weight)> options)
    {
        var draw = random.NextDouble() * options.Sum(o => o.Weight);
        foreach (var (item, weight) in options)
        {
            draw -= weight;
            if (draw <= 0)
                return item;
        }
        return options[^1].Item;
    }

    private static string ApiName(ParticipantKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());
}
