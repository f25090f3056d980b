using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>Reads the tests of conditions, co-signers and templates share.</summary>
internal static class CommitmentTestKit
{
    public static Task<EngagementSnapshot> Snapshot(this IGrainFactory grains, string scope) =>
        grains.GetGrain<IEngagementAggregateGrain>(scope).GetSnapshot();

    /// <summary>The aggregate of <paramref name="scope"/> once <paramref name="done"/> holds (failing after Eventually.DefaultWithin).</summary>
    public static Task<EngagementSnapshot> SnapshotWhen(this IGrainFactory grains, string scope, Func<EngagementSnapshot, bool> done) =>
        Eventually.Value(() => grains.Snapshot(scope), done, what: $"the aggregate of {scope} as expected");

    public static int Confirmed(this EngagementSnapshot s) => s.Totals.ByStatus.GetValueOrDefault(CommitmentStatus.Confirmed);

    public static IReportingSweeperGrain Sweeper(this IGrainFactory grains) =>
        grains.GetGrain<IReportingSweeperGrain>(ReportingSchedule.SweeperKey);

    /// <summary>
    /// Whether the reporting schedule holds an entry for the commitment's condition deadline (for a commitment that does
    /// not exist: any entry at all).
    /// </summary>
    public static async Task<bool> IsTracked(this IGrainFactory grains, string commitmentId)
    {
        var entries = await grains.Sweeper().FindScheduled(commitmentId);
        var view = await grains.GetGrain<ICommitmentGrain>(commitmentId).Get();
        return view?.Condition is { } condition ? entries.Any(e => e.DueAt == condition.Deadline) : entries.Count > 0;
    }

    /// <summary>What the commitment's shard holds for it in <paramref name="scope"/> (null if nothing).</summary>
    public static async Task<Contribution?> InShard(this IGrainFactory grains, string participantId, string commitmentId, string scope) =>
        (await grains.GetGrain<IContributionShardGrain>(AggregateScope.ShardFor(participantId)).GetContributions(scope))
            .SingleOrDefault(c => c.CommitmentId == commitmentId);

    public static async Task<(string Id, ICommitmentGrain Grain, CommitmentView View)> Create(
        this IGrainFactory grains, string participant, string neighbourhood, string goal, CommitmentTerms terms,
        CommitmentCondition? condition = null, bool isTemplate = false)
    {
        var id = TestData.NewId("c");
        var grain = grains.GetGrain<ICommitmentGrain>(id);
        var view = await grain.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], neighbourhood, terms, condition, isTemplate));
        return (id, grain, view);
    }

    public static Task<CommitmentView> ConfirmAs(this ICommitmentGrain grain, CommitmentTerms terms, string who = "Test Person") =>
        grain.Confirm(who, CommitmentText.Hash(terms));
}
