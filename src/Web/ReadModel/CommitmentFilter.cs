using CivicContracting.Commitments;
using CivicContracting.Participants;

namespace CivicContracting.Web.ReadModel;

/// <summary>
/// The filters of a goal's commitments, shared by the goal page (<c>/goals/{id}?level=…</c>) and the API
/// (<c>GET /api/goals/{id}/commitments?level=…</c>) so that both admit the same commitments: by level, the participant's
/// kind, status and neighbourhood (a code of <c>PlaceCatalog.Leuven</c>); what is left out admits everything.
/// </summary>
public sealed record CommitmentFilter(CommitmentLevel? Level, ParticipantKind? Kind, CommitmentStatus? Status, string? Neighbourhood)
{
    public bool IsEmpty => Level is null && Kind is null && Status is null && Neighbourhood is null;

    /// <summary>Names the filter among the held lists of <see cref="FilteredLists"/>.</summary>
    public string Key => $"{Level}|{Kind}|{Status}|{Neighbourhood}";

    public bool Admits(Contribution c) =>
        (Level is null || c.Level == Level)
        && (Kind is null || c.ParticipantKind == Kind)
        && (Status is null || c.Status == Status)
        && (Neighbourhood is null || ContributionIndex.NeighbourhoodOf(c) == Neighbourhood);
}
