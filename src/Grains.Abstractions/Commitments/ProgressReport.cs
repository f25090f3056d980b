using CivicContracting.Goals;

namespace CivicContracting.Commitments;

/// <summary>
/// One progress report. <see cref="ReportId"/> is the caller's idempotency key: the same id is stored once.
/// <see cref="Language"/>: the language its author wrote the note in (nl, fr, en); null when unknown (reports made before).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.ProgressReport.v1")]
public sealed record ProgressReport(
    [property: Id(0)] string ReportId,
    [property: Id(1)] DateTimeOffset ReportedAt,
    [property: Id(2)] double? Value = null,
    [property: Id(3)] string? CompletedMilestoneId = null,
    [property: Id(4)] string? Note = null,
    [property: Id(5)] string? EvidenceUrl = null,
    [property: Id(6)] string? Language = null);

/// <summary>The outcome of <see cref="ICommitmentGrain.ReportProgressBatch"/>: the commitment after it, and how many reports were new.</summary>
[GenerateSerializer, Immutable, Alias("cc.ProgressBatchResult.v1")]
public sealed record ProgressBatchResult(
    [property: Id(0)] CommitmentView View,
    [property: Id(1)] int Stored,
    [property: Id(2)] int AlreadyStored);

/// <summary>One measured value of a result commitment's history: when it was measured, and the value (a chart's point).</summary>
[GenerateSerializer, Immutable, Alias("cc.ReportedValue.v1")]
public readonly record struct ReportedValue(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double Value);

/// <summary>
/// One page of a commitment's progress history, newest first (by report date; reports of the same date newest arrival
/// first): page <see cref="Page"/> of <see cref="PageSize"/> reports out of <see cref="TotalReports"/>. A page past the
/// end is empty.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.ReportPage.v1")]
public sealed record ReportPage(
    [property: Id(0)] IReadOnlyList<ProgressReport> Reports,
    [property: Id(1)] int Page,
    [property: Id(2)] int PageSize,
    [property: Id(3)] int TotalReports);

/// <summary>How much of a commitment's progress history travels with it, and how it is read in pages.</summary>
public static class ReportHistory
{
    /// <summary>
    /// The newest reports a <see cref="CommitmentView"/> carries (<see cref="CommitmentView.Reports"/>): the first page of the
    /// commitment page's timeline. Older ones are read in pages (<see cref="ICommitmentGrain.GetReports"/>).
    /// </summary>
    public const int NewestInView = 20;

    /// <summary>The most reports of one page (<see cref="ICommitmentGrain.GetReports"/>).</summary>
    public const int MaxPageSize = 100;

    /// <summary>The most report ids one <see cref="ICommitmentGrain.FindReports"/> call looks up.</summary>
    public const int MaxLookup = 5_000;
}
