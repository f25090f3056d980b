namespace CivicContracting.Following;

[GenerateSerializer, Alias("cc.FollowerBucketState.v1")]
public sealed class FollowerBucketState
{
    [Id(0)] public HashSet<string> Followers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Counts changes, so the topic keeps the newest count whatever order reports arrive in.</summary>
    [Id(1)] public long Version { get; set; }
}
