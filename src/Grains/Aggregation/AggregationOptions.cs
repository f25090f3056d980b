using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Aggregation;

/// <summary>Timing of the live aggregation pipeline (configuration section "Aggregation").</summary>
public sealed class AggregationOptions
{
    public const string SectionName = "Aggregation";

    /// <summary>
    /// The fewest changed contributions after which a shard folds its log into its segments (a compaction). A compaction
    /// rewrites the changed segments, so it waits for at least half the shard's size in changes as well: each change then
    /// pays a constant share of it, whatever the size. (A shard writes at once when no write is in flight; there is no
    /// flush interval.)
    /// </summary>
    [Range(16, 100_000)]
    public int JournalCompactionThreshold { get; set; } = 4_096;

    /// <summary>
    /// How often a shard pushes the totals of the scopes that changed to their aggregates. With the live batcher's
    /// 25 ms this keeps a report's arrival at a browser under 100 ms at p99 (PostgreSQL benchmark, 1,000 reports/s).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// How long one verification pass of a shard takes at least: its totals are recomputed from its contributions in 64
    /// paced steps (no faster than <see cref="VerificationRate"/>), differences repaired and counted
    /// (civic.aggregation.repairs), then every total is pushed again, so aggregates converge after a crash.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AntiEntropyInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The most contributions a shard recomputes per second while verifying. A pass takes the longer of
    /// <see cref="AntiEntropyInterval"/> and the shard's contributions divided by this rate, so verification costs a bounded
    /// share of a core at any size: with 16 shards the default is about 10,000 contributions a second, a few per cent of
    /// one core, and a pass at 1,000,000 commitments takes about 100 s.
    /// </summary>
    [Range(10, 10_000_000)]
    public int VerificationRate { get; set; } = 600;

    /// <summary>
    /// How long after the start the silo first wakes every contribution shard (then once a minute). Waking a shard loads
    /// all its contributions — at 1,000,000 commitments about a second of a core each — so waiting lets the aggregates
    /// serve the map and the figures first. A report, or a web host reading its lists, wakes a shard sooner.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShardWakeDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often at most an aggregate recomputes its figures (and pushes them to live viewers) from the news of its
    /// shards. The first news after a quiet spell is computed at once; news within the interval waits for its end, so a
    /// scope every shard reports to costs one recomputation per interval, not one per shard per publish.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan AggregateRecomputeInterval { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>How often an aggregate persists its (derived, rebuildable) state when it changed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan AggregatePersistInterval { get; set; } = TimeSpan.FromSeconds(1);
}
