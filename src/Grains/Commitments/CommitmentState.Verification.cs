namespace CivicContracting.Commitments;

/// <summary>Claims raised above self-declared and the verified progress they give (CommitmentGrain.Verification.cs).</summary>
public sealed partial class CommitmentState
{
    /// <summary>Claims raised above self-declared, by report id: the highest tier each reached (CommitmentGrain.Verification.cs).</summary>
    [Id(31)] public Dictionary<string, ReportVerification> Verifications { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The newest claim (a report with a value or a completed action): its tier is the commitment's claim tier.</summary>
    [Id(44)] public ReportMark? NewestClaim { get; set; }

    /// <summary>The newest value report verified by the support team: verified progress of a result commitment.</summary>
    [Id(45)] public ReportMark? NewestVerifiedValue { get; set; }

    /// <summary>The actions with a completing report verified by the support team: verified progress of an action commitment.</summary>
    [Id(46)] public List<string> VerifiedMilestones { get; set; } = [];

    /// <summary>Where each report in <see cref="Verifications"/> stands in the history, to list them in report order.</summary>
    [Id(47)] public Dictionary<string, ReportKey> VerificationReportKeys { get; set; } = new(StringComparer.Ordinal);
}
