namespace CivicContracting.Commitments.Scheduling;

[GenerateSerializer, Alias("cc.ReportingScheduleState.v1")]
public sealed class ReportingScheduleState
{
    /// <summary>Commitment id → when its reporting reminder is due (within the bucket's hour).</summary>
    [Id(0)] public Dictionary<string, DateTimeOffset> Entries { get; set; } = new(StringComparer.Ordinal);
}
