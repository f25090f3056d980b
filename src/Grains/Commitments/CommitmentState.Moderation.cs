namespace CivicContracting.Commitments;

/// <summary>What moderators hid and unhid (CommitmentGrain.Moderation.cs).</summary>
public sealed partial class CommitmentState
{
    /// <summary>The moderation log: every hide and unhide, oldest first (CommitmentGrain.Moderation.cs).</summary>
    [Id(33)] public List<ModerationAction> Moderation { get; set; } = [];
}
