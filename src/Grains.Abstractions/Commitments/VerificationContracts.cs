using CivicContracting.Validation;

namespace CivicContracting.Commitments;

/// <summary>
/// How far one result claim is backed: its <see cref="Tier"/> (above <see cref="VerificationTier.SelfDeclared"/>, which
/// every claim has without a record), who raised it to that tier and when, and how. <see cref="By"/> is the participant id
/// of the peer for <see cref="VerificationTier.PeerConfirmed"/>, the account id of the coach or administrator (or
/// "operator") for <see cref="VerificationTier.Verified"/>. <see cref="Note"/> says how it was verified (required for
/// <see cref="VerificationTier.Verified"/>, optional for a peer).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.ReportVerification.v1")]
public sealed record ReportVerification(
    [property: Id(0)] string ReportId,
    [property: Id(1)] VerificationTier Tier,
    [property: Id(2)] string By,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string? Note);

/// <summary>
/// Raising a result claim's tier. A claim is a progress report with a value or a completed action (a report with only a
/// note is not); every claim starts <see cref="VerificationTier.SelfDeclared"/> and only ever moves up: a call that would
/// not raise the tier (a repeat, or a peer confirmation of a verified claim) is a no-op that returns the commitment as it
/// is. Only a confirmed, active, achieved or missed commitment's claims are raised. An unknown report id is a
/// <see cref="KeyNotFoundException"/>; broken input an <see cref="InputRejectedException"/>; a draft or withdrawn
/// commitment a <see cref="StateConflictException"/>. A change is a new version of the commitment, pushed to its aggregates
/// (<see cref="Contribution.VerifiedProgress"/>, <see cref="Contribution.ClaimTier"/>).
/// </summary>
public interface ICommitmentVerificationGrain : IGrainWithStringKey
{
    /// <summary>
    /// <paramref name="peerParticipantId"/>, a participant other than the commitment's own, confirms the claim
    /// (<see cref="VerificationTier.PeerConfirmed"/>). The participant must exist; the commitment's own participant is
    /// refused (<see cref="InputRejectedException"/> on <c>participantId</c>).
    /// </summary>
    Task<CommitmentView> ConfirmClaim(string reportId, string peerParticipantId, string? note);

    /// <summary>The support team verified the claim (<see cref="VerificationTier.Verified"/>); <paramref name="note"/> says how.</summary>
    Task<CommitmentView> VerifyClaim(string reportId, string verifiedBy, string note);
}

/// <summary>The input rules of verification, shared by the grain and the API.</summary>
public static class VerificationRules
{
    public const int MinNoteLength = 3;
    public const int MaxNoteLength = 500;
    public const int MaxVerifierLength = 120;

    /// <summary>A claim: a report with a measured value or a completed action.</summary>
    public static bool IsClaim(ProgressReport report) => report.Value is not null || report.CompletedMilestoneId is not null;

    public static InputRules.Errors PeerConfirmation(string? reportId, string? peerParticipantId, string? note)
    {
        var errors = new InputRules.Errors();
        errors.Id("reportId", reportId);
        errors.Id("participantId", peerParticipantId);
        errors.OptionalText("note", note, MaxNoteLength);
        return errors;
    }

    public static InputRules.Errors Verification(string? reportId, string? verifiedBy, string? note)
    {
        var errors = new InputRules.Errors();
        errors.Id("reportId", reportId);
        if (string.IsNullOrWhiteSpace(verifiedBy) || verifiedBy.Length > MaxVerifierLength)
            errors.Add("verifiedBy", RuleText.VerifiedByLength(MaxVerifierLength));
        if (note is null || note.Trim().Length < MinNoteLength)
            errors.Add("note", RuleText.VerificationNoteLength(MinNoteLength, MaxNoteLength));
        else
            errors.Text("note", note.Trim(), MaxNoteLength);
        return errors;
    }
}
