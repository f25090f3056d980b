namespace CivicContracting.Commitments;

/// <summary>
/// Limits a commitment grain enforces that callers plan around too (the web host checks a bulk import against them
/// before sending it, and chunks it to fit), so they live beside the grain's contract rather than in the grain.
/// </summary>
public static class CommitmentLimits
{
    /// <summary>The most progress reports one commitment stores.</summary>
    public const int MaxReports = 5_000;

    /// <summary>The most reports of one <see cref="ICommitmentGrain.ReportProgressBatch"/> call (one write of the commitment's state).</summary>
    public const int MaxReportsPerBatch = 1_000;
}
