using CivicContracting.Goals;

namespace CivicContracting.Commitments;

/// <summary>The spectrum, weakest to strongest. A commitment may be upgraded along it, never downgraded.</summary>
public enum CommitmentLevel
{
    Pledge = 0,
    Action = 1,
    Result = 2,
}

/// <summary>A goal a commitment contributes to, with the weight it carries in that goal's weighted progress.</summary>
[GenerateSerializer, Immutable, Alias("cc.GoalContribution.v1")]
public sealed record GoalWeight(
    [property: Id(0)] string GoalId,
    [property: Id(1)] double Weight = 1.0);

/// <summary>A concrete action of an action commitment.</summary>
[GenerateSerializer, Immutable, Alias("cc.Milestone.v1")]
public sealed record Milestone(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] DateOnly DueDate);

/// <summary>What the commitment promises at its level: nothing more for a pledge, milestones for an action, a target for a result.</summary>
[GenerateSerializer, Immutable, Alias("cc.CommitmentTerms.v1")]
public sealed record CommitmentTerms(
    [property: Id(0)] CommitmentLevel Level,
    [property: Id(1)] string Title,
    [property: Id(2)] string Description,
    [property: Id(3)] IReadOnlyList<Milestone>? Milestones = null,
    [property: Id(4)] QuantitativeTarget? Target = null);

/// <summary>An earlier version of the terms, kept readable after an upgrade.</summary>
[GenerateSerializer, Immutable, Alias("cc.TermsVersion.v1")]
public sealed record TermsVersion(
    [property: Id(0)] int Version,
    [property: Id(1)] CommitmentTerms Terms,
    [property: Id(2)] DateTimeOffset ValidFrom,
    [property: Id(3)] Confirmation? Confirmation);
