using System.Diagnostics.CodeAnalysis;
using ConfirmationRecord = CivicContracting.Commitments.Confirmation;

namespace CivicContracting.Commitments;

/// <summary>
/// The layout stored before sub-states: every concern's fields flat on the commitment's state, under these ids and types.
/// Read on activation, moved into the sub-states and cleared (<see cref="MoveIntoSubStates"/>), so the next write stores
/// the sub-states and, these being at their defaults, none of them. Nothing else reads or writes them; the ids stay taken.
/// </summary>
public sealed partial class CommitmentState
{
    [Id(8)] public ConfirmationRecord? FlatConfirmation { get; set; }
    [Id(9)] public DateTimeOffset? FlatFirstConfirmedAt { get; set; }
    [Id(10)] public double? FlatCurrentValue { get; set; }
    [Id(11)] public DateTimeOffset? FlatCurrentValueAt { get; set; }
    [Id(12)] public List<string>? FlatCompletedMilestones { get; set; }

    /// <summary>
    /// Stored by versions before report history segments: every report, in date order. Moved into the history and sealed
    /// segments by the grain on activation (CommitmentGrain.Reports.cs); <see cref="MoveIntoSubStates"/> only clears an empty list.
    /// </summary>
    [Id(13)] public List<ProgressReport>? FlatReports { get; set; }

    [Id(19)] public ConditionStatus? FlatConditionStatus { get; set; }
    [Id(20)] public DateTimeOffset? FlatConditionMetAt { get; set; }
    [Id(21)] public DateTimeOffset? FlatConditionLapsedAt { get; set; }
    [Id(22)] public DateTimeOffset? FlatConditionTargetConfirmedAt { get; set; }
    [Id(23)] public List<CoSigner>? FlatCoSigners { get; set; }
    [Id(24)] public List<string>? FlatDependants { get; set; }
    [Id(26)] public DateTimeOffset? FlatLastReportAt { get; set; }
    [Id(27)] public DateTimeOffset? FlatLastNudgedAt { get; set; }
    [Id(28)] public int FlatNudgeCount { get; set; }
    [Id(29)] public ReportingDueReason? FlatQueuedReason { get; set; }
    [Id(30)] public DateTimeOffset? FlatReminderDueAt { get; set; }
    [Id(31)] public Dictionary<string, ReportVerification>? FlatVerifications { get; set; }
    [Id(33)] public List<ModerationAction>? FlatModeration { get; set; }
    [Id(34)] public DateTimeOffset? FlatHelpRequestedAt { get; set; }
    [Id(35)] public string? FlatHelpRequest { get; set; }
    [Id(37)] public ManualNudge? FlatLastManualNudge { get; set; }
    [Id(38)] public int FlatReportCount { get; set; }
    [Id(39)] public List<StoredReport>? FlatRecentReports { get; set; }
    [Id(40)] public int FlatSealedSegments { get; set; }
    [Id(41)] public ReportKey? FlatSealedMax { get; set; }
    [Id(42)] public bool FlatSegmentsOverlap { get; set; }
    [Id(43)] public List<ReportedValue>? FlatRecentValues { get; set; }
    [Id(44)] public ReportMark? FlatNewestClaim { get; set; }
    [Id(45)] public ReportMark? FlatNewestVerifiedValue { get; set; }
    [Id(46)] public List<string>? FlatVerifiedMilestones { get; set; }
    [Id(47)] public Dictionary<string, ReportKey>? FlatVerificationReportKeys { get; set; }

    /// <summary>
    /// Builds each missing sub-state from the flat fields and clears them. A sub-state is missing exactly when the record
    /// was written before sub-states or never written (see <see cref="CommitmentState"/>), so a value is never guessed
    /// from being at its default: a flat field that is null (absent from a record older than the field) starts its
    /// sub-state's field as a new commitment's would.
    /// </summary>
    [MemberNotNull(nameof(Confirmation), nameof(Reports), nameof(Coaching), nameof(Verification), nameof(Moderation))]
    public void MoveIntoSubStates()
    {
        if (Confirmation is null)
        {
            Confirmation = new CommitmentConfirmationState
            {
                Current = FlatConfirmation,
                FirstConfirmedAt = FlatFirstConfirmedAt,
                ConditionStatus = FlatConditionStatus,
                ConditionMetAt = FlatConditionMetAt,
                ConditionLapsedAt = FlatConditionLapsedAt,
                ConditionTargetConfirmedAt = FlatConditionTargetConfirmedAt,
                CoSigners = FlatCoSigners ?? [],
                Dependants = FlatDependants ?? [],
            };
            FlatConfirmation = null;
            FlatFirstConfirmedAt = null;
            FlatConditionStatus = null;
            FlatConditionMetAt = null;
            FlatConditionLapsedAt = null;
            FlatConditionTargetConfirmedAt = null;
            FlatCoSigners = null;
            FlatDependants = null;
        }
        if (Reports is null)
        {
            Reports = new CommitmentReportsState
            {
                CurrentValue = FlatCurrentValue,
                CurrentValueAt = FlatCurrentValueAt,
                CompletedMilestones = FlatCompletedMilestones ?? [],
                LastReportAt = FlatLastReportAt,
                ReportCount = FlatReportCount,
                RecentReports = FlatRecentReports ?? [],
                SealedSegments = FlatSealedSegments,
                SealedMax = FlatSealedMax,
                SegmentsOverlap = FlatSegmentsOverlap,
                RecentValues = FlatRecentValues ?? [],
            };
            FlatCurrentValue = null;
            FlatCurrentValueAt = null;
            FlatCompletedMilestones = null;
            FlatLastReportAt = null;
            FlatReportCount = 0;
            FlatRecentReports = null;
            FlatSealedSegments = 0;
            FlatSealedMax = null;
            FlatSegmentsOverlap = false;
            FlatRecentValues = null;
            // Written empty by every version after segments: nothing for the grain to move, and then never written again.
            if (FlatReports is { Count: 0 })
                FlatReports = null;
        }
        if (Coaching is null)
        {
            Coaching = new CommitmentCoachingState
            {
                LastNudgedAt = FlatLastNudgedAt,
                NudgeCount = FlatNudgeCount,
                QueuedReason = FlatQueuedReason,
                ReminderDueAt = FlatReminderDueAt,
                LastManualNudge = FlatLastManualNudge,
                HelpRequestedAt = FlatHelpRequestedAt,
                HelpRequest = FlatHelpRequest,
            };
            FlatLastNudgedAt = null;
            FlatNudgeCount = 0;
            FlatQueuedReason = null;
            FlatReminderDueAt = null;
            FlatLastManualNudge = null;
            FlatHelpRequestedAt = null;
            FlatHelpRequest = null;
        }
        if (Verification is null)
        {
            Verification = new CommitmentVerificationState
            {
                Verifications = FlatVerifications ?? new(StringComparer.Ordinal),
                NewestClaim = FlatNewestClaim,
                NewestVerifiedValue = FlatNewestVerifiedValue,
                VerifiedMilestones = FlatVerifiedMilestones ?? [],
                VerificationReportKeys = FlatVerificationReportKeys ?? new(StringComparer.Ordinal),
            };
            FlatVerifications = null;
            FlatNewestClaim = null;
            FlatNewestVerifiedValue = null;
            FlatVerifiedMilestones = null;
            FlatVerificationReportKeys = null;
        }
        if (Moderation is null)
        {
            Moderation = new CommitmentModerationState { Actions = FlatModeration ?? [] };
            FlatModeration = null;
        }
    }
}
