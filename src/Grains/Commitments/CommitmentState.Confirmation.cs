namespace CivicContracting.Commitments;

/// <summary>The formal confirmation, the condition it may wait for, co-signers and the commitments that wait for this one (CommitmentGrain.cs).</summary>
public sealed partial class CommitmentState
{
    [Id(8)] public Confirmation? Confirmation { get; set; }
    [Id(9)] public DateTimeOffset? FirstConfirmedAt { get; set; }

    /// <summary>Null without a condition.</summary>
    [Id(19)] public ConditionStatus? ConditionStatus { get; set; }

    [Id(20)] public DateTimeOffset? ConditionMetAt { get; set; }
    [Id(21)] public DateTimeOffset? ConditionLapsedAt { get; set; }

    /// <summary>A reciprocal condition: when its target was first confirmed, once this commitment knows.</summary>
    [Id(22)] public DateTimeOffset? ConditionTargetConfirmedAt { get; set; }

    [Id(23)] public List<CoSigner> CoSigners { get; set; } = [];

    /// <summary>Commitments with a reciprocal condition on this one, told one-way when it is confirmed.</summary>
    [Id(24)] public List<string> Dependants { get; set; } = [];
}
