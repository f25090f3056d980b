using System.Diagnostics;

namespace CivicContracting.Aggregation;

[GenerateSerializer, Alias("cc.EngagementAggregateState.v1")]
public sealed class EngagementAggregateState
{
    [Id(0)] public AggregateSettings? Settings { get; set; }
    [Id(1)] public Dictionary<int, ShardReport> Shards { get; set; } = [];
    [Id(2)] public Dictionary<string, ChildGoalReport> Children { get; set; } = new(StringComparer.Ordinal);
    [Id(3)] public List<EngagementBucket> History { get; set; } = [];
    [Id(4)] public long Version { get; set; }
    [Id(5)] public DateTimeOffset UpdatedAt { get; set; }
}
