using CivicContracting.Commitments;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Commitments;

/// <summary>
/// The support team verifies a result claim, with a note of how: the one way in for
/// POST /api/commitments/{id}/reports/{reportId}/verification and the commitment page's form.
/// </summary>
public sealed class VerifyClaimCommand(IClusterClient orleans)
{
    /// <summary>401 if not signed in, 403 for anyone but coaches and administrators. Checked before the input is read.</summary>
    public static Actor Authorise(Actor actor) => Access.Require(actor, AccessRules.CheckVerification);

    /// <summary>Every broken rule of the verification (the report id, the note), by field.</summary>
    public static Validation.InputRules.Errors Check(Actor verifier, string reportId, string? note) =>
        VerificationRules.Verification(reportId, verifier.RecordedId, note);

    /// <summary>404 (problem) if there is no such commitment; the grain answers a report that is no claim.</summary>
    public async Task<CommitmentView> RunAsync(Actor verifier, string commitmentId, string reportId, string? note)
    {
        Authorise(verifier);
        Check(verifier, reportId, note).ThrowIfAny();
        var commitment = await Access.RequireCommitmentAsync(orleans, commitmentId);
        return await orleans.GetGrain<ICommitmentVerificationGrain>(commitment.Id).VerifyClaim(reportId, verifier.RecordedId, note!);
    }
}

/// <summary>
/// A participant the caller acts for (a counterparty or peer, never the commitment's own) confirms a result claim: the one
/// way in for POST /api/commitments/{id}/reports/{reportId}/peer-confirmation and the commitment page's form.
/// </summary>
public sealed class PeerConfirmClaimCommand(IClusterClient orleans)
{
    /// <summary>
    /// 401 if not signed in, 400 naming the field for a bad report id, participant or note, 403 when the caller does not
    /// act for the participant, 404 if there is no such commitment, 400 when it is the participant's own commitment.
    /// </summary>
    public async Task<CommitmentView> RunAsync(Actor actor, string commitmentId, string reportId, string participantId, string? note)
    {
        Access.RequireSignedIn(actor);
        VerificationRules.PeerConfirmation(reportId, participantId, note).ThrowIfAny();
        Access.Require(actor, a => AccessRules.CheckPeerConfirmation(a, participantId));
        var commitment = await Access.RequireCommitmentAsync(orleans, commitmentId);
        if (string.Equals(commitment.ParticipantId, participantId, StringComparison.Ordinal))
            throw ApiProblems.Invalid("participantId", ApiText.OwnClaim);
        return await orleans.GetGrain<ICommitmentVerificationGrain>(commitment.Id).ConfirmClaim(reportId, participantId, note);
    }
}
