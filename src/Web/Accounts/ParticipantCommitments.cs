using CivicContracting.Commitments;
using CivicContracting.Participants;

namespace CivicContracting.Web.Accounts;

/// <summary>
/// Telling a participant's commitments that what decides how they count changed (a verification, an owner's e-mail address).
/// Beside the accounts, which both callers (Accounts, Participants) already depend on.
/// </summary>
internal static class ParticipantCommitments
{
    private const int Parallelism = 8;

    /// <summary>
    /// Each commitment reads the participant again and pushes a new contribution if its kind or whether it counts changed:
    /// O(the participant's commitments), never the city. Repeating it is harmless, so an interrupted run is completed by the next.
    /// </summary>
    public static Task RefreshAsync(IClusterClient orleans, ParticipantProfile profile) =>
        Parallel.ForEachAsync(profile.CommitmentIds, new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (id, _) => await orleans.GetGrain<ICommitmentGrain>(id).RefreshParticipantKind());
}
