using System.Globalization;
using System.Text;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Silo.Demo;

namespace CivicContracting.Silo.Tests.Demo;

/// <summary>What the cluster holds of the demo, read through the grain interfaces, in a form two reads can be compared in.</summary>
public sealed record DemoWorld(
    IReadOnlyList<string> GoalIds,
    IReadOnlyList<string> ParticipantIds,
    IReadOnlyList<string> CommitmentIds,
    string CommitmentStates,
    string CityAggregate,
    EngagementSnapshot CitySnapshot)
{
    public static async Task<DemoWorld> ReadAsync(DemoClusterFixture cluster, DemoPlan plan)
    {
        var grains = cluster.Grains;
        var goals = (await grains.GetGrain<IGoalDirectoryGrain>(0).List()).Select(g => g.Id).Order(StringComparer.Ordinal).ToList();

        var participants = new List<string>();
        var commitmentIds = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var planned in plan.Participants)
        {
            if (await grains.GetGrain<IParticipantGrain>(planned.Id).GetProfile() is not { } profile)
                continue;
            participants.Add(profile.Id);
            // A duplicate id in a participant's list would mean a commitment was added twice.
            Assert.Equal(profile.CommitmentIds.Count, profile.CommitmentIds.Distinct().Count());
            commitmentIds.UnionWith(profile.CommitmentIds);
        }

        var states = new StringBuilder();
        foreach (var id in commitmentIds)
        {
            var view = await grains.GetGrain<ICommitmentGrain>(id).Get();
            Assert.NotNull(view);
            states.Append(CultureInfo.InvariantCulture,
                $"{id}:{view.Status}:{view.Terms.Level}:v{view.TermsVersion}:{view.Reports.Count} reports:{string.Join(",", view.Reports.Select(r => r.ReportId))}:{view.Confirmation?.TextHash}:{view.Confirmation?.ConfirmedAt:O}\n");
        }

        var city = await cluster.SettledSnapshotAsync(AggregateScope.Place("24062"), s => s.Totals.Commitments == commitmentIds.Count);
        return new DemoWorld(goals, participants, [.. commitmentIds], states.ToString(), Fingerprint(city), city);
    }

    /// <summary>Every figure of a snapshot except its version and time stamp.</summary>
    public static string Fingerprint(EngagementSnapshot s)
    {
        static string Map<TKey>(IReadOnlyDictionary<TKey, int> map) where TKey : notnull =>
            string.Join(",", map.OrderBy(e => e.Key.ToString(), StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"));
        static string Number(double? value) => value is { } v ? v.ToString("0.#########", CultureInfo.InvariantCulture) : "-";

        var t = s.Totals;
        return string.Join(" | ",
            $"commitments={t.Commitments}",
            $"status[{Map(t.ByStatus)}]",
            $"levels[{Map(t.EngagedByLevel)}]",
            $"kinds[{Map(t.ParticipantsByKind)}]",
            $"progress={t.ProgressCount}/{Number(t.ProgressSum)}/{Number(t.WeightSum)}/{Number(t.WeightedProgressSum)}",
            $"results={t.ResultCommitments}/{t.ResultsAchieved}/{t.ResultsOnTrack}",
            $"first={t.FirstEngagementAt:O}",
            $"mean={Number(s.MeanProgress)} weighted={Number(s.WeightedProgress)} progress={Number(s.Progress)}",
            $"diversity={s.DistinctKinds}/{Number(s.ShannonIndex)}",
            $"intensity={Number(s.CommitmentsPer1000Residents)}/{Number(s.ParticipantsPer1000Residents)}");
    }
}
