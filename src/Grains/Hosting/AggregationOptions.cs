using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Hosting;

/// <summary>Timing of the live aggregation pipeline (configuration section "Aggregation").</summary>
public sealed class AggregationOptions
{
    public const string SectionName = "Aggregation";

    /// <summary>
    /// Shortest gap between two durable flushes of one contribution shard. Reports that arrive meanwhile share
    /// the next write (group commit), so a larger gap means fewer writes and a little more latency.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan ShardFlushInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The most changed contributions a shard's journal holds before it is folded into the shard's snapshot. Below
    /// it the shard picks the size that writes the fewest bytes per change, √(2 × slice size × batch size).
    /// </summary>
    [Range(16, 100_000)]
    public int JournalCompactionThreshold { get; set; } = 4_096;

    /// <summary>
    /// How often a shard pushes the totals of the scopes that changed to their aggregates. With the live batcher's
    /// 25 ms this keeps a report's arrival at a browser under 100 ms at p99 (PostgreSQL benchmark, 1,000 reports/s).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>How often a shard re-pushes all its totals, so aggregates converge after a crash.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AntiEntropyInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often an aggregate persists its (derived, rebuildable) state when it changed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan AggregatePersistInterval { get; set; } = TimeSpan.FromSeconds(1);
}
