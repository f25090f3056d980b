using CivicContracting.Goals;

namespace CivicContracting.Commitments;

public enum ConditionKind
{
    /// <summary>"I commit if <see cref="CommitmentCondition.RequiredCoSigners"/> others in my neighbourhood join."</summary>
    NeighbourhoodThreshold = 0,

    /// <summary>"We commit if the party of commitment <see cref="CommitmentCondition.CommitmentId"/> confirms it" (a reciprocal civic contract).</summary>
    Reciprocal = 1,
}

/// <summary>Where a conditional commitment stands. Only a met condition lets the commitment count in the aggregates.</summary>
public enum ConditionStatus
{
    Waiting = 0,
    Met = 1,
    /// <summary>The deadline passed before the condition was met: final, the commitment never counts.</summary>
    Lapsed = 2,
}

/// <summary>
/// A condition of a commitment. The deadline must lie in the future when the commitment is created; when it passes
/// while the condition is still waiting, the condition lapses (acted on by the silo, without anyone reading the grain).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.CommitmentCondition.v1")]
public sealed record CommitmentCondition(
    [property: Id(0)] ConditionKind Kind,
    [property: Id(1)] DateTimeOffset Deadline,
    [property: Id(2)] int? RequiredCoSigners = null,
    [property: Id(3)] string? CommitmentId = null)
{
    /// <summary>"I commit if <paramref name="requiredCoSigners"/> others in my neighbourhood join before <paramref name="deadline"/>."</summary>
    public static CommitmentCondition Threshold(int requiredCoSigners, DateTimeOffset deadline) =>
        new(ConditionKind.NeighbourhoodThreshold, deadline, RequiredCoSigners: requiredCoSigners);

    /// <summary>"We commit if commitment <paramref name="commitmentId"/> is confirmed before <paramref name="deadline"/>."</summary>
    public static CommitmentCondition Reciprocal(string commitmentId, DateTimeOffset deadline) =>
        new(ConditionKind.Reciprocal, deadline, CommitmentId: commitmentId);
}

/// <summary>
/// A participant who joined a commitment ("me too"), with their neighbourhood when they joined and the person (account)
/// who joined for them: a threshold counts people, not the participants one person acts for. Null: entered by the platform
/// (or stored before people were recorded); the participant then counts as its own person. Only the commitment
/// itself keeps it: a view never shows who acts for a participant. A null person is not written, so a co-signer without
/// one stores the same bytes as before the field existed.
/// </summary>
[GenerateSerializer, Immutable, OmitDefaultMemberValues, Alias("cc.CoSigner.v1")]
public sealed record CoSigner(
    [property: Id(0)] string ParticipantId,
    [property: Id(1)] DateTimeOffset JoinedAt,
    [property: Id(2)] string NeighbourhoodCode,
    [property: Id(3)] string? PersonId = null);

/// <summary>
/// Taking up a template: who takes it up, for which neighbourhood, optionally on a condition of their own.
/// <see cref="Language"/>: the language the person takes it up in (nl, fr, en); the copy gets the template's title and
/// description in that language where the city translated them (<see cref="TemplateTerms.In"/>), else the original.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.TemplateTakeUp.v1")]
public sealed record TemplateTakeUp(
    [property: Id(0)] string TemplateId,
    [property: Id(1)] string ParticipantId,
    [property: Id(2)] string NeighbourhoodCode,
    [property: Id(3)] CommitmentCondition? Condition = null,
    [property: Id(4)] string? Language = null);
