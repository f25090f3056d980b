namespace CivicContracting.Commitments;

/// <summary>The formal confirmation, the condition it may wait for, co-signers and the commitments that wait for this one (CommitmentGrain.cs).</summary>
[GenerateSerializer, Alias("cc.CommitmentConfirmationState.v1")]
public sealed class CommitmentConfirmationState
{
    /// <summary>The confirmation of the current terms.</summary>
    [Id(0)] public Confirmation? Current { get; set; }

    [Id(1)] public DateTimeOffset? FirstConfirmedAt { get; set; }

    /// <summary>Null without a condition.</summary>
    [Id(2)] public ConditionStatus? ConditionStatus { get; set; }

    [Id(3)] public DateTimeOffset? ConditionMetAt { get; set; }
    [Id(4)] public DateTimeOffset? ConditionLapsedAt { get; set; }

    /// <summary>A reciprocal condition: when its target was first confirmed, once this commitment knows.</summary>
    [Id(5)] public DateTimeOffset? ConditionTargetConfirmedAt { get; set; }

    [Id(6)] public List<CoSigner> CoSigners { get; set; } = [];

    /// <summary>Commitments with a reciprocal condition on this one, told one-way when it is confirmed.</summary>
    [Id(7)] public List<string> Dependants { get; set; } = [];
}
