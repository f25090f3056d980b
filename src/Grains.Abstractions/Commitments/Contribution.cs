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
    [property: Id(10)] DateTimeOffset UpdatedAt)
{
    /// <summary>Confirmed and not withdrawn: it counts as engagement.</summary>
    public bool IsEngaged => Status is CommitmentStatus.Confirmed or CommitmentStatus.Active
        or CommitmentStatus.Achieved or CommitmentStatus.Missed;
}
