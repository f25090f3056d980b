using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Web.Content;

namespace CivicContracting.Web.Changes;

/// <summary>
/// The entries of the open feed (docs/open-civic-commitments.md): one record per entry type, each with a JSON Schema in
/// docs/open-civic-commitments/schemas/. Every field is always written (null where it has no value), so a schema can list
/// them all as required and refuse any other: a field added here without its schema fails the schema tests.
/// </summary>
public static class FeedEntryTypes
{
    public const string Places = "places";
    public const string Goal = "goal";
    public const string Commitment = "commitment";
    public const string Withheld = "withheld";

    /// <summary>Every entry type, with the schema that describes it (the page has one too).</summary>
    public static readonly IReadOnlyList<string> All = [Places, Goal, Commitment, Withheld];

    public const string Page = "page";
}

/// <summary>A scope a commitment counts in (a goal, with its ancestors, or a place), with its weight there.</summary>
public sealed record FeedScope(string Scope, double Weight);

/// <summary>The places of the city, one entry (reference data; it changes only with a new release of the catalog).</summary>
public sealed record FeedPlacesEntry(string Type, string Id, long Version, DateTimeOffset ChangedAt, IReadOnlyList<FeedPlace> Places);

public sealed record FeedPlace(string Code, string Name, PlaceLevel Level, string? ParentCode, IReadOnlyList<string> CountsTowards, double[] LabelPoint);

/// <summary>A goal at its newest version: its definition, target and translations.</summary>
public sealed record FeedGoalEntry(
    string Type,
    string Id,
    long Version,
    DateTimeOffset ChangedAt,
    string? ParentGoalId,
    IReadOnlyList<string> Lineage,
    PlaceLevel ScopeLevel,
    IReadOnlyList<string> ScopePlaceCodes,
    string Title,
    string Description,
    string Language,
    TranslationsView Translations,
    FeedTarget? Target,
    RollUpRule RollUp,
    bool Illustrative,
    FeedPanelWording? CitizenPanelWording,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevisedAt,
    string? RevisedBy);

public sealed record FeedPanelWording(string Text, string Source, string? SourceUrl);

/// <summary>Who made a commitment, as the public reads it.</summary>
public sealed record FeedOwner(string ParticipantId, ParticipantKind Kind, string? Name);

public sealed record FeedGoalWeight(string GoalId, double Weight);

public sealed record FeedMilestone(string Id, string Title, DateOnly DueDate);

public sealed record FeedTarget(string Metric, string Unit, double Baseline, double Target, DateOnly Deadline);

public sealed record FeedTerms(CommitmentLevel Level, string Title, string Description, IReadOnlyList<FeedMilestone> Milestones, FeedTarget? Target);

/// <summary>The formal confirmation of the terms: the hash of the exact text confirmed (without who confirmed).</summary>
public sealed record FeedConfirmation(DateTimeOffset ConfirmedAt, string TextHash, int TermsVersion, string? Language);

public sealed record FeedReport(
    string ReportId,
    DateTimeOffset ReportedAt,
    double? Value,
    string? CompletedMilestoneId,
    string? Note,
    string? EvidenceUrl,
    VerificationTier? Verification);

/// <summary>
/// A public commitment at its newest change. The counting fields (status to scopes) are the commitment's contribution to
/// the aggregates, exactly as the platform counts it; the rest is its public text, redacted where moderators hid it.
/// </summary>
public sealed record FeedCommitmentEntry(
    string Type,
    string Id,
    long Version,
    DateTimeOffset ChangedAt,
    CommitmentStatus Status,
    CommitmentLevel Level,
    bool InForce,
    DateTimeOffset? ConfirmedAt,
    double? Progress,
    double? VerifiedProgress,
    bool OnTrack,
    VerificationTier? ClaimTier,
    IReadOnlyList<FeedScope> Scopes,
    FeedOwner Owner,
    IReadOnlyList<FeedGoalWeight> Goals,
    string? NeighbourhoodCode,
    FeedTerms? Terms,
    int TermsVersion,
    string? Language,
    TranslationsView? Translations,
    FeedConfirmation? Confirmation,
    bool TextHidden,
    string? WithdrawalReason,
    bool IsTemplate,
    string? TemplateId,
    string? SessionId,
    double? CurrentValue,
    IReadOnlyList<string> CompletedMilestoneIds,
    int ReportCount,
    IReadOnlyList<FeedReport> Reports,
    DateTimeOffset? CreatedAt);

/// <summary>
/// A commitment whose content is not public (a draft): the tombstone of anything a mirror held for it, with only what the
/// public aggregates count of it (a draft counts in its scopes' totals and by status).
/// </summary>
public sealed record FeedWithheldEntry(
    string Type,
    string Id,
    long Version,
    DateTimeOffset ChangedAt,
    string Entity,
    string Reason,
    CommitmentStatus Status,
    DateTimeOffset? ConfirmedAt,
    IReadOnlyList<FeedScope> Scopes);

/// <summary>The licence of the data, as <see cref="OpenData.OpenDataOptions"/> states it.</summary>
public sealed record FeedLicence(string Id, string Name, string Url, string Publisher, string PublisherUrl);

/// <summary>One page of the feed.</summary>
public sealed record FeedPage(
    string Specification,
    string SpecificationVersion,
    FeedLicence License,
    IReadOnlyList<object> Entries,
    string? Next,
    bool Complete,
    DateTimeOffset SettledUntil);
