using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Goals;
using CivicContracting.Web.Places;

using CivicContracting.Tests.Shared;

namespace CivicContracting.Cluster.Tests;

/// <summary>
/// The small data set of the cluster tests, made through both web hosts: participants of several kinds, an ambition
/// with an objective and a stand-alone goal, and commitments across the spectrum, most confirmed. Progress is reported
/// on the confirmed result commitments.
/// </summary>
public sealed class Scenario
{
    private static readonly SemaphoreSlim SharedLock = new(1, 1);
    private static Scenario? _shared;

    private readonly Dictionary<string, ParticipantKind> _kinds;
    private readonly Dictionary<string, string[]> _lineage;
    private readonly List<string> _commitments;

    private Scenario(Dictionary<string, ParticipantKind> kinds, Dictionary<string, string[]> lineage, List<string> commitments, List<string> reportable)
    {
        _kinds = kinds;
        _lineage = lineage;
        _commitments = commitments;
        Kinds = kinds;
        Lineage = lineage;
        Commitments = commitments;
        Reportable = reportable;
    }

    /// <summary>
    /// The one scenario of the shared cluster, made on first use. Every commitment any cluster test makes counts in
    /// the place aggregates, so every one of them must be in the scenario (see <see cref="Include"/>) for the
    /// recomputation to equal the aggregates.
    /// </summary>
    public static async Task<Scenario> SharedAsync(ClusterFixture cluster)
    {
        await SharedLock.WaitAsync();
        try
        {
            return _shared ??= await CreateAsync(cluster);
        }
        finally
        {
            SharedLock.Release();
        }
    }

    /// <summary>Adds a commitment another test made (to a stand-alone goal) to what the recomputation covers; not to <see cref="Reportable"/>.</summary>
    public void Include(string commitmentId, string participantId, ParticipantKind kind, string goalId)
    {
        _kinds[participantId] = kind;
        _lineage[goalId] = [goalId];
        _commitments.Add(commitmentId);
    }

    public IReadOnlyDictionary<string, ParticipantKind> Kinds { get; }

    /// <summary>Goal → itself and its ancestors.</summary>
    public IReadOnlyDictionary<string, string[]> Lineage { get; }

    public IReadOnlyList<string> Commitments { get; }

    /// <summary>Confirmed result commitments: progress reports with a value go to these.</summary>
    public IReadOnlyList<string> Reportable { get; }

    public static async Task<Scenario> CreateAsync(ClusterFixture cluster)
    {
        using var a = cluster.Client(0);
        using var b = cluster.Client(1);
        var random = new Random(2030);
        var neighbourhoods = PlaceCatalog.Leuven.Neighbourhoods.Select(p => p.Code).ToList();

        var kinds = new Dictionary<string, ParticipantKind>();
        var i = 0;
        foreach (var kind in Enum.GetValues<ParticipantKind>())
            kinds[await (i++ % 2 == 0 ? a : b).RegisterAsync(kind, neighbourhoods[random.Next(neighbourhoods.Count)])] = kind;
        var participants = kinds.Keys.ToList();

        var ambition = await a.DefineGoalAsync();
        var objective = await b.DefineGoalAsync(ambition);
        var standalone = await a.DefineGoalAsync();
        var lineage = new Dictionary<string, string[]>
        {
            [ambition] = [ambition],
            [objective] = [objective, ambition],
            [standalone] = [standalone],
        };
        var goals = lineage.Keys.ToList();

        var commitments = new List<string>();
        var reportable = new List<string>();
        for (var c = 0; c < 12; c++)
        {
            var web = c % 2 == 0 ? a : b;
            var terms = (c % 4) switch
            {
                0 or 1 => TestApi.ResultTerms(baseline: random.Next(0, 40), target: random.Next(60, 100)),
                2 => TestApi.ActionTerms(milestones: 3),
                _ => TestApi.PledgeTerms(),
            };
            var weights = goals.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).Select(g => (g, Math.Round(0.5 + random.NextDouble() * 2, 2))).ToArray();
            var view = await web.CommitAsync(participants[random.Next(participants.Count)], neighbourhoods[random.Next(neighbourhoods.Count)], terms, weights);
            commitments.Add(view.Id);
            if (c == 11)
                continue; // one stays a draft
            await web.ConfirmAsync(view.Id);
            if (view.Terms.Level == CommitmentLevel.Result)
                reportable.Add(view.Id);
        }
        return new Scenario(kinds, lineage, commitments, reportable);
    }

    /// <summary>
    /// Polls every goal and place aggregate through the API until each equals the recomputation from the commitments,
    /// or <paramref name="within"/> passes; returns how long it took and what still differs (empty when converged).
    /// </summary>
    public async Task<(TimeSpan Elapsed, IReadOnlyList<string> Mismatches)> ConvergeAsync(HttpClient api, TimeSpan within)
    {
        var views = new List<CommitmentView>();
        foreach (var id in Commitments)
            views.Add(await api.GetAsync<CommitmentView>($"/api/commitments/{id}"));
        var scopes = new Dictionary<string, string>();
        foreach (var goal in Lineage.Keys)
            scopes[AggregateScope.Goal(goal)] = $"/api/goals/{goal}";
        foreach (var place in PlaceCatalog.Leuven.All)
            scopes[AggregateScope.Place(place.Code)] = $"/api/places/{place.Code}";
        var expected = scopes.Keys.ToDictionary(s => s, s => Recomputation.Of(s, views, Kinds, Lineage));

        var started = System.Diagnostics.Stopwatch.StartNew();
        var mismatches = new List<string>();
        do
        {
            mismatches.Clear();
            foreach (var (scope, path) in scopes)
            {
                var actual = AggregateScope.IsGoal(scope)
                    ? (await api.GetAsync<GoalDetails>(path)).Engagement
                    : (await api.GetAsync<PlaceDetails>(path)).Engagement;
                if (expected[scope].Difference(actual) is { } difference)
                    mismatches.Add($"{scope}: {difference}");
            }
            if (mismatches.Count > 0)
                await Task.Delay(500);
        }
        while (mismatches.Count > 0 && started.Elapsed < within);
        return (started.Elapsed, mismatches);
    }
}
