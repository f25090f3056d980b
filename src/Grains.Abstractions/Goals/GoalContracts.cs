namespace CivicContracting.Goals;

/// <summary>How a goal's progress is computed from what sits below it. See README "Progress semantics".</summary>
public enum RollUpRule
{
    /// <summary>Σ wᵢ·pᵢ / Σ wᵢ over the progress-bearing commitments that contribute to the goal or to any goal below it.</summary>
    WeightedMeanOfCommitments = 0,

    /// <summary>Unweighted mean of the progress of the goal's direct objectives (objectives without progress are left out).</summary>
    MeanOfObjectives = 1,
}

public enum PlaceLevel
{
    Neighbourhood = 0,
    District = 1,
    City = 2,
}

/// <summary>Where a goal applies: the whole city, or some districts or neighbourhoods.</summary>
[GenerateSerializer, Immutable, Alias("cc.GoalScope.v1")]
public sealed record GoalScope(
    [property: Id(0)] PlaceLevel Level,
    [property: Id(1)] IReadOnlyList<string> PlaceCodes);

public enum Direction
{
    Increase = 0,
    Decrease = 1,
}

/// <summary>A measurable target: from <see cref="Baseline"/> to <see cref="Target"/> by <see cref="Deadline"/>.</summary>
[GenerateSerializer, Immutable, Alias("cc.QuantitativeTarget.v1")]
public sealed record QuantitativeTarget(
    [property: Id(0)] string Metric,
    [property: Id(1)] string Unit,
    [property: Id(2)] double Baseline,
    [property: Id(3)] double Target,
    [property: Id(4)] DateOnly Deadline)
{
    /// <summary>Derived, so that a target can never contradict its own direction.</summary>
    public Direction Direction => Target >= Baseline ? Direction.Increase : Direction.Decrease;
}

[GenerateSerializer, Immutable, Alias("cc.GoalDefinition.v1")]
public sealed record GoalDefinition(
    [property: Id(0)] string Title,
    [property: Id(1)] string Description,
    [property: Id(2)] GoalScope Scope,
    [property: Id(3)] string? ParentGoalId = null,
    [property: Id(4)] QuantitativeTarget? Target = null,
    [property: Id(5)] RollUpRule RollUp = RollUpRule.WeightedMeanOfCommitments,
    [property: Id(6)] bool Illustrative = false);

[GenerateSerializer, Immutable, Alias("cc.GoalInfo.v1")]
public sealed record GoalInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] GoalDefinition Definition,
    [property: Id(2)] IReadOnlyList<string> ChildGoalIds,
    [property: Id(3)] IReadOnlyList<string> Lineage,
    [property: Id(4)] DateTimeOffset CreatedAt);

/// <summary>One line in the goal directory, enough to list and page goals without activating each of them.</summary>
[GenerateSerializer, Immutable, Alias("cc.GoalListing.v1")]
public sealed record GoalListing(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string? ParentGoalId,
    [property: Id(3)] PlaceLevel ScopeLevel,
    [property: Id(4)] DateTimeOffset CreatedAt);

public interface IGoalGrain : IGrainWithStringKey
{
    /// <summary>Creates the goal. Repeating the same definition is a no-op; a different one is rejected.</summary>
    Task<GoalInfo> Define(GoalDefinition definition);

    Task<GoalInfo?> GetInfo();

    /// <summary>This goal's id followed by its ancestors' ids, nearest first. Throws <see cref="KeyNotFoundException"/> for an unknown goal.</summary>
    Task<IReadOnlyList<string>> GetLineage();

    /// <summary>Called by a child goal when it is defined.</summary>
    Task AddChild(string childGoalId);
}

/// <summary>The one registry of goals (there are hundreds, not millions): used for listing and paging.</summary>
public interface IGoalDirectoryGrain : IGrainWithIntegerKey
{
    Task Register(GoalListing listing);

    Task<IReadOnlyList<GoalListing>> List();
}
