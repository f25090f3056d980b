namespace CivicContracting.Coaching;

[GenerateSerializer, Alias("cc.CoachQueueState.v1")]
public sealed class CoachQueueState
{
    /// <summary>Commitment id → its entry. (Shard 0: in earlier versions, the whole queue.)</summary>
    [Id(0)] public Dictionary<string, CoachQueueEntry> Entries { get; set; } = [];
}
