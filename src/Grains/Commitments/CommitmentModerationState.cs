namespace CivicContracting.Commitments;

/// <summary>What moderators hid and unhid (CommitmentGrain.Moderation.cs).</summary>
[GenerateSerializer, Alias("cc.CommitmentModerationState.v1")]
public sealed class CommitmentModerationState
{
    /// <summary>The moderation log: every hide and unhide, oldest first.</summary>
    [Id(0)] public List<ModerationAction> Actions { get; set; } = [];
}
