using CivicContracting.Commitments;

namespace CivicContracting.Tests.Support;

/// <summary>
/// Commitment states in the layouts earlier versions stored (CommitmentState.Earlier.cs), built from a state this version
/// wrote, for the tests that prove such a record still loads.
/// </summary>
public static class LegacyCommitmentStates
{
    /// <summary>The state as the versions before sub-states held it: every concern's fields flat, no sub-state.</summary>
    public static CommitmentState Flat(CommitmentState s) => new()
    {
        Draft = s.Draft,
        ParticipantKind = s.ParticipantKind,
        Scopes = s.Scopes,
        Terms = s.Terms,
        TermsVersion = s.TermsVersion,
        TermsValidFrom = s.TermsValidFrom,
        EarlierVersions = s.EarlierVersions,
        Status = s.Status,
        WithdrawalReason = s.WithdrawalReason,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
        PushedVersion = s.PushedVersion,
        TemplateCopies = s.TemplateCopies,
        FlatConfirmation = s.Confirmation.Current,
        FlatFirstConfirmedAt = s.Confirmation.FirstConfirmedAt,
        FlatConditionStatus = s.Confirmation.ConditionStatus,
        FlatConditionMetAt = s.Confirmation.ConditionMetAt,
        FlatConditionLapsedAt = s.Confirmation.ConditionLapsedAt,
        FlatConditionTargetConfirmedAt = s.Confirmation.ConditionTargetConfirmedAt,
        FlatCoSigners = s.Confirmation.CoSigners,
        FlatDependants = s.Confirmation.Dependants,
        FlatCurrentValue = s.Reports.CurrentValue,
        FlatCurrentValueAt = s.Reports.CurrentValueAt,
        FlatCompletedMilestones = s.Reports.CompletedMilestones,
        FlatReports = [],
        FlatLastReportAt = s.Reports.LastReportAt,
        FlatReportCount = s.Reports.ReportCount,
        FlatRecentReports = s.Reports.RecentReports,
        FlatSealedSegments = s.Reports.SealedSegments,
        FlatSealedMax = s.Reports.SealedMax,
        FlatSegmentsOverlap = s.Reports.SegmentsOverlap,
        FlatRecentValues = s.Reports.RecentValues,
        FlatLastNudgedAt = s.Coaching.LastNudgedAt,
        FlatNudgeCount = s.Coaching.NudgeCount,
        FlatQueuedReason = s.Coaching.QueuedReason,
        FlatReminderDueAt = s.Coaching.ReminderDueAt,
        FlatLastManualNudge = s.Coaching.LastManualNudge,
        FlatHelpRequestedAt = s.Coaching.HelpRequestedAt,
        FlatHelpRequest = s.Coaching.HelpRequest,
        FlatVerifications = s.Verification.Verifications,
        FlatNewestClaim = s.Verification.NewestClaim,
        FlatNewestVerifiedValue = s.Verification.NewestVerifiedValue,
        FlatVerifiedMilestones = s.Verification.VerifiedMilestones,
        FlatVerificationReportKeys = s.Verification.VerificationReportKeys,
        FlatModeration = s.Moderation.Actions,
    };

    /// <summary>
    /// The shape the versions before history segments stored: the flat layout with the whole history in its Reports (Id 13),
    /// in date order, and none of the fields that hold it now; an active commitment with the terms and confirmation of
    /// <paramref name="confirmed"/> (a real, confirmed commitment's state) and its current value from the last report.
    /// </summary>
    public static CommitmentState BeforeSegments(CommitmentState confirmed, List<ProgressReport> reports) => new()
    {
        Draft = confirmed.Draft,
        ParticipantKind = confirmed.ParticipantKind,
        Scopes = confirmed.Scopes,
        Terms = confirmed.Terms,
        TermsVersion = confirmed.TermsVersion,
        Status = CommitmentStatus.Active,
        CreatedAt = confirmed.CreatedAt,
        UpdatedAt = confirmed.UpdatedAt,
        Version = confirmed.Version,
        PushedVersion = confirmed.Version,
        FlatConfirmation = confirmed.Confirmation.Current,
        FlatFirstConfirmedAt = confirmed.Confirmation.FirstConfirmedAt,
        FlatReports = reports,
        FlatCurrentValue = reports[^1].Value,
        FlatCurrentValueAt = reports[^1].ReportedAt,
    };
}
