using CivicContracting.Participants;

namespace CivicContracting.Commitments;

/// <summary>An aggregate scope a contribution counts in, with the commitment's weight there (1 for places).</summary>
[GenerateSerializer, Immutable, Alias("cc.ScopeWeight.v1")]
public sealed record ScopeWeight(
    [property: Id(0)] string Scope,
    [property: Id(1)] double Weight);

/// <summary>
/// The absolute, versioned state a commitment pushes to each aggregate it belongs to. Aggregators keep the
/// newest version per commitment, so a duplicated, re-ordered or retried push can never double count.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.Contribution.v1")]
/// <remarks>
/// <see cref="VerifiedProgress"/>: progress counting only claims verified by the support team (null where
/// <see cref="Progress"/> is null). <see cref="ClaimTier"/>: the tier of the newest result claim, null without one.
/// <see cref="HelpRequestedAt"/>: a draft whose participant asked the support team for help, since then.
/// <see cref="ConditionDeadline"/>: the deadline of a condition that is still waiting (null otherwise). These feed the
/// coach's workspace from the web host's index of contributions, without reading every commitment.
/// <see cref="TextHidden"/>: a moderator hid the commitment's text from the public, so public lists that name it without
/// reading it (the sitemap) leave it out; it counts in every aggregate as before.
/// </remarks>
public sealed record Contribution(
    [property: Id(0)] string CommitmentId,
    [property: Id(1)] long Version,
    [property: Id(2)] string ParticipantId,
    [property: Id(3)] ParticipantKind ParticipantKind,
    [property: Id(4)] CommitmentLevel Level,
    [property: Id(5)] CommitmentStatus Status,
    [property: Id(6)] double? Progress,
    [property: Id(7)] bool OnTrack,
    [property: Id(8)] DateTimeOffset? ConfirmedAt,
    [property: Id(9)] IReadOnlyList<ScopeWeight> Scopes,
    [property: Id(10)] DateTimeOffset UpdatedAt,
    [property: Id(11)] bool NotInForce = false,
    [property: Id(12)] double? VerifiedProgress = null,
    [property: Id(13)] VerificationTier? ClaimTier = null,
    [property: Id(14)] DateTimeOffset? HelpRequestedAt = null,
    [property: Id(15)] DateTimeOffset? ConditionDeadline = null,
    [property: Id(16)] bool TextHidden = false)
{
    /// <summary>
    /// Confirmed, not withdrawn and in force: it counts as engagement. <see cref="NotInForce"/> is true for a conditional
    /// commitment whose condition is waiting or lapsed, and for a template; such a commitment counts by status only, like
    /// a draft, and pushes no <see cref="ConfirmedAt"/>. (Stored contributions without the field read as in force.)
    /// </summary>
    public bool IsEngaged => !NotInForce && (Status is CommitmentStatus.Confirmed or CommitmentStatus.Active
        or CommitmentStatus.Achieved or CommitmentStatus.Missed);
}
