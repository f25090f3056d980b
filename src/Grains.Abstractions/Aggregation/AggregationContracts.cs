using CivicContracting.Commitments;
using CivicContracting.Participants;

namespace CivicContracting.Aggregation;

/// <summary>
/// Aggregates are keyed by scope: <c>goal:{goalId}</c> or <c>place:{placeCode}</c>. Commitments report to one of
/// <see cref="ShardCount"/> contribution shards, chosen by participant, so distinct-participant counts of
/// shards add up exactly. The count is part of the stored layout: changing it needs a rebuild.
/// </summary>
public static class AggregateScope
{
    public const string GoalPrefix = "goal:";
    public const string PlacePrefix = "place:";
    public const int ShardCount = 16;

    public static string Goal(string goalId) => GoalPrefix + goalId;

    public static string Place(string placeCode) => PlacePrefix + placeCode;

    public static bool IsGoal(string scope) => scope.StartsWith(GoalPrefix, StringComparison.Ordinal);

    public static bool IsPlace(string scope) => scope.StartsWith(PlacePrefix, StringComparison.Ordinal);

    /// <summary>A stable (process-independent) shard index for a participant; string.GetHashCode is randomised per process.</summary>
    public static int ShardFor(string participantId)
    {
        uint hash = 2166136261;
        foreach (var c in participantId)
        {
            hash ^= c;
            hash *= 16777619;
        }
        return (int)(hash % ShardCount);
    }
}

/// <summary>
/// Additive totals over a set of contributions. Every field is a sum or a minimum, so summaries of disjoint
/// sets (shards) combine exactly; derived figures (means, diversity, intensity) are computed from them.
/// <see cref="VerifiedProgressSum"/> and <see cref="VerifiedWeightedProgressSum"/> add up, over the same contributions as
/// <see cref="ProgressSum"/> and <see cref="WeightedProgressSum"/>, the progress that counts only claims verified by the
/// support team (<see cref="Contribution.VerifiedProgress"/>, 0 where a contribution has none).
/// <see cref="Exact"/> holds the same five sums in <see cref="FixedPoint"/> integers; the double sums are derived from it,
/// and totals combine through it, so combining never drifts. (Totals stored before it existed have none; they are
/// replaced as soon as their shard publishes again.)
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.EngagementTotals.v1")]
public sealed record EngagementTotals(
    [property: Id(0)] int Commitments,
    [property: Id(1)] IReadOnlyDictionary<CommitmentStatus, int> ByStatus,
    [property: Id(2)] IReadOnlyDictionary<CommitmentLevel, int> EngagedByLevel,
    [property: Id(3)] IReadOnlyDictionary<ParticipantKind, int> ParticipantsByKind,
    [property: Id(4)] int ProgressCount,
    [property: Id(5)] double ProgressSum,
    [property: Id(6)] double WeightSum,
    [property: Id(7)] double WeightedProgressSum,
    [property: Id(8)] int ResultCommitments,
    [property: Id(9)] int ResultsAchieved,
    [property: Id(10)] int ResultsOnTrack,
    [property: Id(11)] DateTimeOffset? FirstEngagementAt,
    [property: Id(12)] double VerifiedWeightedProgressSum = 0,
    [property: Id(13)] double VerifiedProgressSum = 0,
    [property: Id(14)] ExactSums? Exact = null)
{
    public static EngagementTotals Empty { get; } = new(
        0,
        new Dictionary<CommitmentStatus, int>(),
        new Dictionary<CommitmentLevel, int>(),
        new Dictionary<ParticipantKind, int>(),
        0, 0, 0, 0, 0, 0, 0, null, 0, 0, ExactSums.Zero);

    public int EngagedCommitments => EngagedByLevel.Values.Sum();

    public int Participants => ParticipantsByKind.Values.Sum();
}

/// <summary>What a shard reports to its scope's aggregate: its totals, with a version that only grows.</summary>
[GenerateSerializer, Immutable, Alias("cc.ShardReport.v1")]
public sealed record ShardReport(
    [property: Id(0)] int ShardIndex,
    [property: Id(1)] long Version,
    [property: Id(2)] EngagementTotals Totals);

/// <summary>What a goal aggregate reports to its parent goal's aggregate (for the mean-of-objectives rule).</summary>
[GenerateSerializer, Immutable, Alias("cc.ChildGoalReport.v1")]
public sealed record ChildGoalReport(
    [property: Id(0)] string ChildGoalId,
    [property: Id(1)] long Version,
    [property: Id(2)] double? Progress,
    [property: Id(3)] double? VerifiedProgress = null);

/// <summary>How an aggregate computes progress and intensity. Set by the goal grain or from the place catalogue.</summary>
[GenerateSerializer, Immutable, Alias("cc.AggregateSettings.v1")]
public sealed record AggregateSettings(
    [property: Id(0)] Goals.RollUpRule RollUp,
    [property: Id(1)] string? ParentScope,
    [property: Id(2)] int? Population);

/// <summary>
/// The live picture of one goal or place. <see cref="VerifiedProgress"/>: <see cref="Progress"/> by the same roll-up rule,
/// counting only claims verified by the support team (null exactly when progress is null). <see cref="VerifiedShare"/>:
/// verified progress as a share of progress (null when progress is null or 0).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.EngagementSnapshot.v1")]
public sealed record EngagementSnapshot(
    [property: Id(0)] string Scope,
    [property: Id(1)] EngagementTotals Totals,
    [property: Id(2)] double? MeanProgress,
    [property: Id(3)] double? WeightedProgress,
    [property: Id(4)] double? Progress,
    [property: Id(5)] int DistinctKinds,
    [property: Id(6)] double ShannonIndex,
    [property: Id(7)] double? CommitmentsPer1000Residents,
    [property: Id(8)] double? ParticipantsPer1000Residents,
    [property: Id(9)] long Version,
    [property: Id(10)] DateTimeOffset UpdatedAt,
    [property: Id(11)] IReadOnlyDictionary<string, double?> ObjectiveProgress,
    [property: Id(12)] double? VerifiedProgress = null,
    [property: Id(13)] double? VerifiedShare = null);

/// <summary>One bucket of a place's or goal's engagement history (the oil stain over time).</summary>
[GenerateSerializer, Immutable, Alias("cc.EngagementBucket.v1")]
public sealed record EngagementBucket(
    [property: Id(0)] DateTimeOffset Start,
    [property: Id(1)] TimeSpan Length,
    [property: Id(2)] int EngagedCommitments,
    [property: Id(3)] int Participants,
    [property: Id(4)] int DistinctKinds,
    [property: Id(5)] double? Progress);

/// <summary>
/// Holds the contributions of the commitments of one slice of participants, for every scope at once, and
/// persists them in group commits: many reports share one write. After each flush it pushes the totals of
/// the scopes that changed to their aggregates, and it re-pushes all of them now and then (anti-entropy),
/// so an aggregate that lost its last seconds in a crash converges again.
/// </summary>
public interface IContributionShardGrain : IGrainWithIntegerKey
{
    /// <summary>Records the contribution if it is newer than what is held; returns once it is durable.</summary>
    Task Report(Contribution contribution);

    /// <summary>Activates the shard so that it publishes its totals (used at start-up and by the keep-alive).</summary>
    Task Ping();

    Task<EngagementTotals> GetTotals(string scope);

    /// <summary>The contributions this shard holds for a scope (to page a goal's or place's commitments).</summary>
    Task<IReadOnlyList<Contribution>> GetContributions(string scope);

    /// <summary>Every contribution this shard holds, with the sequence of the group commit they are current as of (a read model's full load or repair).</summary>
    Task<ContributionSlice> GetSlice();

    /// <summary>How the shard is doing: size, sequence, verification passes and repairs (operators, tests, benchmarks).</summary>
    Task<ShardStatus> GetStatus();

    /// <summary>
    /// What changed after group commit <paramref name="sequence"/> up to now, newest version per commitment (empty, with
    /// <see cref="ContributionDelta.ToSequence"/> = the shard's sequence, when nothing did): how a read model fills a gap
    /// left by a lost delta at O(what changed). Null when the shard no longer remembers that far back (it remembers its
    /// recent group commits since it was activated): then read the slice.
    /// </summary>
    Task<ContributionDelta?> GetChangesSince(long sequence);
}

/// <summary>
/// The contributions one shard made durable with its group commits <see cref="FromSequence"/> to <see cref="ToSequence"/>
/// (newest version per commitment): what a shard pushes after its group commits, and what it answers to
/// <see cref="IContributionShardGrain.GetChangesSince"/>. A reader that holds the shard's state as of
/// <c>FromSequence - 1</c> or later and applies these (keeping the newer version per commitment) holds it as of
/// <see cref="ToSequence"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.ContributionDelta.v1")]
public sealed record ContributionDelta(
    [property: Id(0)] int ShardIndex,
    [property: Id(1)] long FromSequence,
    [property: Id(2)] long ToSequence,
    [property: Id(3)] IReadOnlyList<Contribution> Contributions);

/// <summary>All contributions of one shard as of its group commit <see cref="Sequence"/>.</summary>
[GenerateSerializer, Immutable, Alias("cc.ContributionSlice.v1")]
public sealed record ContributionSlice(
    [property: Id(0)] int ShardIndex,
    [property: Id(1)] long Sequence,
    [property: Id(2)] IReadOnlyList<Contribution> Contributions);

/// <summary>
/// A contribution shard's figures: contributions held, durable sequence, the aggregation work done (scope updates and
/// contributions visited), completed verification passes, repairs the verifier made (expected 0), rows and
/// contributions written since activation.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.ShardStatus.v1")]
public sealed record ShardStatus(
    [property: Id(0)] int ShardIndex,
    [property: Id(1)] int Contributions,
    [property: Id(2)] long Sequence,
    [property: Id(3)] long Work,
    [property: Id(4)] long VerifiedPasses,
    [property: Id(5)] long Repairs,
    [property: Id(6)] long RowsWritten,
    [property: Id(7)] long ContributionsWritten,
    [property: Id(8)] long CompactedSequence);

/// <summary>The live aggregate of one scope: combines its shards' totals (and, for goals, its objectives' progress).</summary>
public interface IEngagementAggregateGrain : IGrainWithStringKey
{
    Task Configure(AggregateSettings settings);

    Task ReportShard(ShardReport report);

    Task ReportChildGoal(ChildGoalReport report);

    Task<EngagementSnapshot> GetSnapshot();

    Task<IReadOnlyList<EngagementBucket>> GetHistory();
}
