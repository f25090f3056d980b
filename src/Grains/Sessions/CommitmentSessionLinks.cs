using CivicContracting.Sessions;
using CivicContracting.Validation;

namespace CivicContracting.Commitments;

/// <summary>
/// How a commitment made at a co-creation session links to it (commitment → session, awaited; the session calls no
/// commitment back). Used by <see cref="CommitmentGrain"/> when a draft names a session
/// (<see cref="CommitmentDraft.SessionId"/>) and when such a commitment is confirmed with an earlier signing date.
/// </summary>
internal static class CommitmentSessionLinks
{
    /// <summary>
    /// Links <paramref name="commitmentId"/> to <paramref name="sessionId"/> as made at <paramref name="madeAt"/>, or throws:
    /// <see cref="InputRejectedException"/> naming <paramref name="field"/> when the session does not exist or started after
    /// <paramref name="madeAt"/>, <see cref="StateConflictException"/> when the session links no more commitments.
    /// Nothing is stored on a refusal; linking again is a no-op.
    /// </summary>
    public static async Task LinkAsync(IGrainFactory grains, string commitmentId, string sessionId, DateTimeOffset madeAt, string field)
    {
        var link = await grains.GetGrain<ICoCreationSessionGrain>(sessionId).LinkCommitment(commitmentId, madeAt);
        switch (link.Outcome)
        {
            case CoCreationLinkOutcome.Linked:
                return;
            case CoCreationLinkOutcome.UnknownSession:
                throw new InputRejectedException(field, $"There is no co-creation session '{sessionId}'.");
            case CoCreationLinkOutcome.StartsLater when field == "signedAt":
                throw new InputRejectedException(field,
                    $"This commitment was made at co-creation session '{sessionId}', which started at {link.StartsAt:O}; it cannot have been signed before that.");
            case CoCreationLinkOutcome.StartsLater:
                throw new InputRejectedException(field,
                    $"Co-creation session '{sessionId}' starts at {link.StartsAt:O}; a commitment links only to a session it was made at or after.");
            case CoCreationLinkOutcome.Full:
                throw new StateConflictException($"Co-creation session '{sessionId}' has reached its limit of {CoCreationSessionGrain.MaxLinkedCommitments} linked commitments.");
            default:
                throw new InvalidOperationException($"Unknown link outcome {link.Outcome}.");
        }
    }
}
