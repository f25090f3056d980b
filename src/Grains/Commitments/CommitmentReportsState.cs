namespace CivicContracting.Commitments;

/// <summary>
/// The progress history (CommitmentGrain.Reports.cs). Nothing here grows with the number of reports: the newest reports
/// are kept here, the rest in sealed segments of their own.
/// </summary>
[GenerateSerializer, Alias("cc.CommitmentReportsState.v1")]
public sealed class CommitmentReportsState
{
    [Id(0)] public double? CurrentValue { get; set; }
    [Id(1)] public DateTimeOffset? CurrentValueAt { get; set; }
    [Id(2)] public List<string> CompletedMilestones { get; set; } = [];

    /// <summary>When the last progress report was received (its own date may be earlier): starts a new reporting interval.</summary>
    [Id(3)] public DateTimeOffset? LastReportAt { get; set; }

    /// <summary>How many reports the commitment has: the next report's sequence number.</summary>
    [Id(4)] public int ReportCount { get; set; }

    /// <summary>The newest reports, not yet sealed into a segment, in history order (date, then arrival).</summary>
    [Id(5)] public List<StoredReport> RecentReports { get; set; } = [];

    /// <summary>How many segments are sealed (segments 0 to this − 1, of <see cref="CommitmentGrain.SegmentSize"/> reports each).</summary>
    [Id(6)] public int SealedSegments { get; set; }

    /// <summary>The latest place in the history of a sealed report; null while none is sealed.</summary>
    [Id(7)] public ReportKey? SealedMax { get; set; }

    /// <summary>A segment was sealed with reports older than an earlier segment's (reports that arrived backdated): paging then reads the index.</summary>
    [Id(8)] public bool SegmentsOverlap { get; set; }

    /// <summary>The newest measured values (at most <see cref="Trajectories.TrendPoints"/>), in history order: what a trajectory's judgement needs.</summary>
    [Id(9)] public List<ReportedValue> RecentValues { get; set; } = [];
}
