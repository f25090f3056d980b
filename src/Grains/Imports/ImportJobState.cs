namespace CivicContracting.Imports;

[GenerateSerializer, Alias("cc.ImportJobState.v1")]
public sealed class ImportJobState
{
    [Id(0)] public string? Format { get; set; }
    [Id(1)] public long Bytes { get; set; }
    [Id(2)] public string? StartedBy { get; set; }
    [Id(3)] public ImportJobStatus Status { get; set; }

    /// <summary>The run that holds the job; null when none does.</summary>
    [Id(4)] public string? RunId { get; set; }
    [Id(5)] public TimeSpan LeaseTimeout { get; set; }
    [Id(6)] public DateTimeOffset StartedAt { get; set; }
    [Id(7)] public DateTimeOffset RunStartedAt { get; set; }
    [Id(8)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(9)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(10)] public ImportCheckpoint Checkpoint { get; set; } = ImportCheckpoint.Start;
    [Id(11)] public ImportProgress Progress { get; set; } = ImportProgress.Empty;
    [Id(12)] public int Runs { get; set; }
    [Id(13)] public string? Message { get; set; }
}
