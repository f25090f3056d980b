using CivicContracting.Following;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Commitments;

/// <summary>
/// Verification tiers of result claims: a report with a value or a completed action is self-declared until a peer (a
/// participant other than the owner) confirms it or the support team verifies it. Tiers only go up; a call that would
/// not raise one returns the commitment unchanged. A change goes through <see cref="Commit"/> like any other, so the
/// aggregates learn the new <see cref="Contribution.VerifiedProgress"/> and <see cref="Contribution.ClaimTier"/>.
/// </summary>
/// <remarks>
/// Verified progress (null exactly when progress is null): for a result commitment, the progress of the newest verified
/// value report, but never more than the progress of the current value (a newer self-declared value below a verified one
/// is what the commitment now claims; the verified share stays within 0..1); 0 while no value is verified. For an action
/// commitment, the share of its actions whose completing report is verified.
/// </remarks>
public sealed partial class CommitmentGrain : ICommitmentVerificationGrain
{
    public async Task<CommitmentView> ConfirmClaim(string reportId, string peerParticipantId, string? note)
    {
        VerificationRules.PeerConfirmation(reportId, peerParticipantId, note).ThrowIfAny();
        await RequireExistsAndPushed();
        if (peerParticipantId == S.Draft!.ParticipantId)
            throw new InputRejectedException("participantId", "A participant cannot confirm the claims of their own commitment; another participant (a counterparty or peer) confirms them.");
        var stored = await RequireClaim(reportId);
        var claim = stored.Report;
        if (TierOf(claim.ReportId) >= VerificationTier.PeerConfirmed)
            return ToView(); // confirmed or verified already: tiers only go up
        RequireVerifiable();
        if (await GrainFactory.GetGrain<IParticipantGrain>(peerParticipantId).GetProfile() is null)
            throw new InputRejectedException("participantId", $"Participant '{peerParticipantId}' does not exist.");

        var now = clock.GetUtcNow();
        S.Verification.Verifications[claim.ReportId] = new ReportVerification(claim.ReportId, VerificationTier.PeerConfirmed, peerParticipantId, now,
            string.IsNullOrWhiteSpace(note) ? null : note.Trim());
        NoteVerification(stored, VerificationTier.PeerConfirmed);
        await Commit(now);
        Announce(FeedEventKind.ClaimVerified, ClaimDetail(claim, "Confirmed"));
        return ToView();
    }

    public async Task<CommitmentView> VerifyClaim(string reportId, string verifiedBy, string note)
    {
        VerificationRules.Verification(reportId, verifiedBy, note).ThrowIfAny();
        await RequireExistsAndPushed();
        var stored = await RequireClaim(reportId);
        var claim = stored.Report;
        if (TierOf(claim.ReportId) >= VerificationTier.Verified)
            return ToView(); // verified already: the first verification stays
        RequireVerifiable();

        var now = clock.GetUtcNow();
        S.Verification.Verifications[claim.ReportId] = new ReportVerification(claim.ReportId, VerificationTier.Verified, verifiedBy.Trim(), now, note.Trim());
        NoteVerification(stored, VerificationTier.Verified);
        await Commit(now);
        Announce(FeedEventKind.ClaimVerified, ClaimDetail(claim, "Verified", Said(note)));
        return ToView();
    }

    /// <summary>"The value 70 reported on 28 November 2026 was …", "The action reported done on … was …": the claim, for a feed event.</summary>
    private static FeedDetail ClaimDetail(ProgressReport claim, string outcome, params FeedArgument[] more) =>
        claim.Value is { } value
            ? FeedText.Detail("ClaimValue" + outcome, [FeedText.Number(value), FeedText.Date(claim.ReportedAt), .. more])
            : FeedText.Detail("ClaimAction" + outcome, [FeedText.Date(claim.ReportedAt), .. more]);

    /// <summary>The claim stored under <paramref name="reportId"/>, however old (CommitmentGrain.Reports.cs).</summary>
    private async Task<StoredReport> RequireClaim(string reportId)
    {
        var stored = await FindStored(reportId)
            ?? throw new KeyNotFoundException($"Commitment '{Id}' has no progress report '{reportId}'.");
        if (!VerificationRules.IsClaim(stored.Report))
            throw new InputRejectedException("reportId", $"Report '{reportId}' carries only a note; only a value or a completed action is a claim to confirm or verify.");
        return stored;
    }

    /// <summary>
    /// What the rules keep of a claim raised to <paramref name="tier"/> (in memory; the caller commits): its place in the
    /// history, and for a verification the newest verified value and the actions with a verified completing report.
    /// </summary>
    private void NoteVerification(StoredReport stored, VerificationTier tier)
    {
        var report = stored.Report;
        S.Verification.VerificationReportKeys[report.ReportId] = stored.Key;
        if (tier != VerificationTier.Verified)
            return;
        if (report.Value is not null && (S.Verification.NewestVerifiedValue is not { } newest || newest.Key.CompareTo(stored.Key) < 0))
            S.Verification.NewestVerifiedValue = new ReportMark(report.ReportId, stored.Key, report.Value);
        if (report.CompletedMilestoneId is { } milestone && !S.Verification.VerifiedMilestones.Contains(milestone))
            S.Verification.VerifiedMilestones.Add(milestone);
    }

    /// <summary>A report added to the history (the caller commits): if it is a claim later in the history than the newest, it is the newest now.</summary>
    private void NoteClaim(StoredReport stored)
    {
        var report = stored.Report;
        if (VerificationRules.IsClaim(report) && (S.Verification.NewestClaim is not { } newest || newest.Key.CompareTo(stored.Key) < 0))
            S.Verification.NewestClaim = new ReportMark(report.ReportId, stored.Key, report.Value);
    }

    private void RequireVerifiable()
    {
        if (S.Status is not (CommitmentStatus.Confirmed or CommitmentStatus.Active or CommitmentStatus.Achieved or CommitmentStatus.Missed))
            throw new StateConflictException($"Commitment '{Id}' is {S.Status.ToString().ToLowerInvariant()}; only the claims of a confirmed, active or closed commitment are confirmed or verified.");
    }

    private VerificationTier TierOf(string reportId) =>
        S.Verification.Verifications.TryGetValue(reportId, out var verification) ? verification.Tier : VerificationTier.SelfDeclared;

    /// <summary>The tier of the newest claim (the last in the dated history); null without claims.</summary>
    private VerificationTier? NewestClaimTier() =>
        S.Verification.NewestClaim is { } newest ? TierOf(newest.ReportId) : null;

    /// <summary>Progress counting only verified claims; null exactly when <paramref name="progress"/> is null (see the remarks above).</summary>
    private double? VerifiedProgressOf(double? progress)
    {
        if (progress is not { } all)
            return null;
        var terms = S.Terms!;
        switch (terms.Level)
        {
            case CommitmentLevel.Result when terms.Target is { } target:
                // The newest verified value in the dated history (NoteVerification keeps it), as the current value is the newest value's.
                return S.Verification.NewestVerifiedValue is { Value: { } verifiedValue } ? Math.Min(all, ProgressRules.OfResult(target, verifiedValue)) : 0.0;
            case CommitmentLevel.Action when terms.Milestones is { Count: > 0 } milestones:
                var verified = milestones.Count(m => S.Reports.CompletedMilestones.Contains(m.Id) && S.Verification.VerifiedMilestones.Contains(m.Id));
                return Math.Clamp((double)verified / milestones.Count, 0, 1);
            default:
                return 0.0; // not reached: only results with a target and actions with milestones have progress
        }
    }

    private IReadOnlyList<ReportVerification> VerificationsInReportOrder() =>
        [.. S.Verification.Verifications.Values.OrderBy(v => S.Verification.VerificationReportKeys.GetValueOrDefault(v.ReportId))];
}
