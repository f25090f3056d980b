namespace CivicContracting.Following;

[GenerateSerializer, Alias("cc.FollowerState.v1")]
public sealed class FollowerState
{
    /// <summary>Oldest follow first.</summary>
    [Id(0)] public List<FollowedTopic> Topics { get; set; } = [];
}
