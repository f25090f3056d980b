namespace CivicContracting.Commitments;

[GenerateSerializer, Alias("cc.CommitmentReminderIndexState.v1")]
public sealed class CommitmentReminderIndexState
{
    /// <summary>The commitments of this shard that had a reporting reminder (earlier versions).</summary>
    [Id(0)] public HashSet<string> Commitments { get; set; } = [];
}
