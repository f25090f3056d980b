using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Commitments;

/// <summary>
/// An operator import of a commitment (<see cref="ICommitmentImportGrain"/>): the checks of <see cref="Create"/> and
/// <see cref="Confirm"/> with a signing date, one write, one push.
/// </summary>
public sealed partial class CommitmentGrain : ICommitmentImportGrain
{
    public async Task<CommitmentImportOutcome> Import(CommitmentImport import)
    {
        var now = clock.GetUtcNow();
        CommitmentImportRules.Check(import, now, Id).ThrowIfAny();
        var draft = import.Draft;
        try
        {
            if (S.Draft is { } existing)
            {
                if (!SameDraft(existing, draft))
                    throw new StateConflictException($"Commitment '{Id}' already exists with other content.");
                RequireSameConfirmation(import.Confirmation);
                await PushIfBehind();
                return CommitmentImportOutcome.AlreadyThere;
            }

            // The lookups of Create: the participant (and its kind) and the goals with their ancestors (the scopes).
            var participant = await GrainFactory.GetGrain<IParticipantGrain>(draft.ParticipantId).GetProfile()
                ?? throw new InputRejectedException("participantId", $"Participant '{draft.ParticipantId}' does not exist.");
            var scopes = await ScopesOf(draft);

            S.Draft = draft;
            S.ParticipantKind = participant.CountedKind();
            S.ParticipantAwaitsOwnerEmail = !participant.CountsPublicly();
            S.Scopes = scopes;
            S.Terms = draft.Terms;
            S.TermsVersion = 1;
            S.CreatedAt = now;
            S.Status = CommitmentStatus.Draft;
            if (import.Confirmation is { } confirmation)
            {
                // As Confirm with signedAt: the confirmation and the first engagement carry the signing time.
                var (textHash, language) = CommitmentImportRules.SignedText(draft.Terms, confirmation)
                    ?? throw new InvalidOperationException("Checked by CommitmentImportRules.");
                Confirmed(confirmation.ConfirmedBy, confirmation.SignedAt.ToUniversalTime(), textHash, language);
            }
            await Commit(now);
            return CommitmentImportOutcome.Created;
        }
        finally
        {
            // Imports touch each commitment once: keeping a million of them activated would only fill memory. And a failed
            // write may have left this activation's memory ahead of its storage: the next call reads it again.
            this.DeactivateOnIdle();
        }
    }

    /// <summary>A repeated import of a confirmed commitment names the confirmation it was first stored with (an upgrade since keeps it in its versions).</summary>
    private void RequireSameConfirmation(ImportedConfirmation? imported)
    {
        if (imported is null)
            return; // a draft, imported again: whatever became of it since, the draft is there
        var first = S.EarlierVersions.Count > 0 ? S.EarlierVersions[0].Confirmation : S.Confirmation.Current;
        if (first is null)
            throw new StateConflictException($"Commitment '{Id}' exists as a draft; confirm it through the API, or import it as a draft.");
        if (first.ConfirmedBy != imported.ConfirmedBy || first.ConfirmedAt != imported.SignedAt)
            throw new StateConflictException($"Commitment '{Id}' was already confirmed by {first.ConfirmedBy} as signed at {first.ConfirmedAt:O}, not by {imported.ConfirmedBy} at {imported.SignedAt.ToUniversalTime():O}.");
    }
}
