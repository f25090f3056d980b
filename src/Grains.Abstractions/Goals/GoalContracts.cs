using CivicContracting.Texts;

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

/// <summary>
/// The citizen panel's own words for a goal (e.g. the Kessel-Lo panel's vision), shown beside the city's formulation,
/// with whom to credit and, optionally, a link to the source document.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.CitizenPanelWording.v1")]
public sealed record CitizenPanelWording(
    [property: Id(0)] string Text,
    [property: Id(1)] string Source,
    [property: Id(2)] string? SourceUrl = null);

[GenerateSerializer, Immutable, Alias("cc.GoalDefinition.v1")]
public sealed record GoalDefinition(
    [property: Id(0)] string Title,
    [property: Id(1)] string Description,
    [property: Id(2)] GoalScope Scope,
    [property: Id(3)] string? ParentGoalId = null,
    [property: Id(4)] QuantitativeTarget? Target = null,
    [property: Id(5)] RollUpRule RollUp = RollUpRule.WeightedMeanOfCommitments,
    [property: Id(6)] bool Illustrative = false,
    [property: Id(7)] CitizenPanelWording? CitizenPanelWording = null,
    [property: Id(8)] string? Language = null,
    [property: Id(9)] ContentTranslations? TitleTranslations = null,
    [property: Id(10)] ContentTranslations? DescriptionTranslations = null)
{
    // Title and Description are the original, in Language (null: Dutch, as everything stored before translations).

    /// <summary>The title for a reader of <paramref name="language"/>: its translation, else the original, with its language.</summary>
    public ResolvedText TitleIn(string language) => ContentTranslations.Resolve(Title, Language, TitleTranslations, language);

    /// <summary>The description for a reader of <paramref name="language"/>, as <see cref="TitleIn"/>.</summary>
    public ResolvedText DescriptionIn(string language) => ContentTranslations.Resolve(Description, Language, DescriptionTranslations, language);
}

/// <summary>
/// A goal as it is now. <see cref="Version"/> starts at 1 and grows with every revision that changes something;
/// <see cref="RevisedAt"/> and <see cref="RevisedBy"/> say when and by whom the current version was made (for version 1:
/// the definition, with <see cref="RevisedBy"/> null when the definer was not recorded).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.GoalInfo.v1")]
public sealed record GoalInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] GoalDefinition Definition,
    [property: Id(2)] IReadOnlyList<string> ChildGoalIds,
    [property: Id(3)] IReadOnlyList<string> Lineage,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] int Version = 1,
    [property: Id(6)] DateTimeOffset? RevisedAt = null,
    [property: Id(7)] string? RevisedBy = null);

/// <summary>
/// One line in the goal directory, enough to list and page goals without activating each of them. <see cref="Version"/>
/// is the goal's version (listings stored before goals had versions read as 0: version 1).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.GoalListing.v1")]
public sealed record GoalListing(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string? ParentGoalId,
    [property: Id(3)] PlaceLevel ScopeLevel,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] int Version = 1,
    [property: Id(6)] string? Language = null,
    [property: Id(7)] ContentTranslations? TitleTranslations = null)
{
    /// <summary>The title for a reader of <paramref name="language"/>, as <see cref="GoalDefinition.TitleIn"/>.</summary>
    public ResolvedText TitleIn(string language) => ContentTranslations.Resolve(Title, Language, TitleTranslations, language);
}

/// <summary>
/// A change to a goal's editable parts: everything in it replaces what the goal has (leaving out the wording or the
/// target removes it; so do the translations). The goal's id, parent, scope and the illustrative mark do not change; the
/// original's language changes only when given.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.GoalRevision.v1")]
public sealed record GoalRevision(
    [property: Id(0)] string Title,
    [property: Id(1)] string Description,
    [property: Id(2)] CitizenPanelWording? CitizenPanelWording,
    [property: Id(3)] QuantitativeTarget? Target,
    [property: Id(4)] RollUpRule RollUp,
    [property: Id(5)] string RevisedBy,
    [property: Id(6)] string? Note = null,
    [property: Id(7)] string? Language = null,
    [property: Id(8)] ContentTranslations? TitleTranslations = null,
    [property: Id(9)] ContentTranslations? DescriptionTranslations = null);

/// <summary>One version of a goal, kept readable after a revision: what it said, from when to when, who made it and why.</summary>
[GenerateSerializer, Immutable, Alias("cc.GoalVersion.v1")]
public sealed record GoalVersion(
    [property: Id(0)] int Version,
    [property: Id(1)] GoalDefinition Definition,
    [property: Id(2)] DateTimeOffset ValidFrom,
    [property: Id(3)] DateTimeOffset? ValidUntil,
    [property: Id(4)] string? By,
    [property: Id(5)] string? Note);

public interface IGoalGrain : IGrainWithStringKey
{
    /// <summary>Creates the goal. Repeating the same definition is a no-op; a different one is rejected.</summary>
    Task<GoalInfo> Define(GoalDefinition definition);

    /// <summary>As <see cref="Define"/>, recording who defined it (the author of version 1).</summary>
    Task<GoalInfo> DefineAs(GoalDefinition definition, string definedBy);

    /// <summary>
    /// Changes the goal's title, description, citizen panel's wording, target and roll-up rule, keeping the version it
    /// replaces. A revision that changes nothing is a no-op (no new version). Throws <see cref="KeyNotFoundException"/>
    /// for an unknown goal. The aggregate is reconfigured only when the roll-up rule changes, and then recomputes.
    /// </summary>
    Task<GoalInfo> Revise(GoalRevision revision);

    /// <summary>Every version of the goal, oldest first; the last one is the current version. Empty for an unknown goal.</summary>
    Task<IReadOnlyList<GoalVersion>> GetVersions();

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
