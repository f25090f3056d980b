namespace CivicContracting.Following;

[GenerateSerializer, Alias("cc.FollowTopicState.v1")]
public sealed class FollowTopicState
{
    [Id(0)] public Dictionary<int, FollowerBucketCount> Buckets { get; set; } = [];
    [Id(1)] public List<PendingFanOut> Outbox { get; set; } = [];
    [Id(2)] public List<string> RecentEventIds { get; set; } = [];
}
