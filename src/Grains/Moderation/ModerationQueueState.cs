namespace CivicContracting.Moderation;

[GenerateSerializer, Alias("cc.ModerationQueueState.v1")]
public sealed class ModerationQueueState
{
    /// <summary>Item key (commitment, target, report) → its open flags.</summary>
    [Id(0)] public Dictionary<string, FlaggedItem> Open { get; set; } = [];

    /// <summary>Settled items, oldest first, at most <see cref="ModerationQueue.MaxResolved"/>.</summary>
    [Id(1)] public List<ResolvedFlags> Resolved { get; set; } = [];
}
