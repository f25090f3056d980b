namespace CivicContracting.Commitments;

/// <summary>Claims raised above self-declared and the verified progress they give (CommitmentGrain.Verification.cs).</summary>
[GenerateSerializer, Alias("cc.CommitmentVerificationState.v1")]
public sealed class CommitmentVerificationState
{
    /// <summary>Claims raised above self-declared, by report id: the highest tier each reached.</summary>
    [Id(0)] public Dictionary<string, ReportVerification> Verifications { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The newest claim (a report with a value or a completed action): its tier is the commitment's claim tier.</summary>
    [Id(1)] public ReportMark? NewestClaim { get; set; }

    /// <summary>The newest value report verified by the support team: verified progress of a result commitment.</summary>
    [Id(2)] public ReportMark? NewestVerifiedValue { get; set; }

    /// <summary>The actions with a completing report verified by the support team: verified progress of an action commitment.</summary>
    [Id(3)] public List<string> VerifiedMilestones { get; set; } = [];

    /// <summary>Where each report in <see cref="Verifications"/> stands in the history, to list them in report order.</summary>
    [Id(4)] public Dictionary<string, ReportKey> VerificationReportKeys { get; set; } = new(StringComparer.Ordinal);
}
