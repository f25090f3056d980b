namespace CivicContracting.Commitments.Scheduling;

[GenerateSerializer, Alias("cc.ReportingSweeperState.v1")]
public sealed class ReportingSweeperState
{
    /// <summary>Hour (since the Unix epoch) → level: the hours that may have entries, and how widely they are spread.</summary>
    [Id(0)] public Dictionary<long, int> Levels { get; set; } = [];
}
