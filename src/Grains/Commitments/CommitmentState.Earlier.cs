using System.Diagnostics.CodeAnalysis;
using ConfirmationRecord = CivicContracting.Commitments.Confirmation;

namespace CivicContracting.Commitments;

/// <summary>
/// The layout stored before sub-states: every concern's fields flat on the commitment's state, under these ids and types.
/// This version still <em>writes</em> it beside the sub-states (expand, then contract), so that during a rolling upgrade a
/// silo of the version before, which knows only these ids, reads every value a new silo wrote. Each flat property reads
/// through to its sub-state once the sub-states exist, so nothing has to keep two copies in step and no write can forget
/// one; Orleans serialises the shared lists and records once and refers to them the second time (object identity), so
/// the second layout costs the scalars only. Reading, a flat property only keeps what the bytes hold until
/// <see cref="MoveIntoSubStates"/> builds a missing sub-state from it: a record without sub-states was written by a silo
/// of the version before (it drops the ids it does not know), and its flat fields are then the truth.
/// The release after this one stops writing the flat layout (docs/operations.md, "Upgrades").
/// </summary>
public sealed partial class CommitmentState
{
    private ConfirmationRecord? earlierConfirmation;
    private DateTimeOffset? earlierFirstConfirmedAt;
    private double? earlierCurrentValue;
    private DateTimeOffset? earlierCurrentValueAt;
    private List<string>? earlierCompletedMilestones;
    private ConditionStatus? earlierConditionStatus;
    private DateTimeOffset? earlierConditionMetAt;
    private DateTimeOffset? earlierConditionLapsedAt;
    private DateTimeOffset? earlierConditionTargetConfirmedAt;
    private List<CoSigner>? earlierCoSigners;
    private List<string>? earlierDependants;
    private DateTimeOffset? earlierLastReportAt;
    private DateTimeOffset? earlierLastNudgedAt;
    private int earlierNudgeCount;
    private ReportingDueReason? earlierQueuedReason;
    private DateTimeOffset? earlierReminderDueAt;
    private Dictionary<string, ReportVerification>? earlierVerifications;
    private List<ModerationAction>? earlierModeration;
    private DateTimeOffset? earlierHelpRequestedAt;
    private string? earlierHelpRequest;
    private ManualNudge? earlierLastManualNudge;
    private int earlierReportCount;
    private List<StoredReport>? earlierRecentReports;
    private int earlierSealedSegments;
    private ReportKey? earlierSealedMax;
    private bool earlierSegmentsOverlap;
    private List<ReportedValue>? earlierRecentValues;
    private ReportMark? earlierNewestClaim;
    private ReportMark? earlierNewestVerifiedValue;
    private List<string>? earlierVerifiedMilestones;
    private Dictionary<string, ReportKey>? earlierVerificationReportKeys;

    [Id(8)] public ConfirmationRecord? FlatConfirmation { get => Confirmation is null ? earlierConfirmation : Confirmation.Current; set => earlierConfirmation = value; }
    [Id(9)] public DateTimeOffset? FlatFirstConfirmedAt { get => Confirmation is null ? earlierFirstConfirmedAt : Confirmation.FirstConfirmedAt; set => earlierFirstConfirmedAt = value; }
    [Id(10)] public double? FlatCurrentValue { get => Reports is null ? earlierCurrentValue : Reports.CurrentValue; set => earlierCurrentValue = value; }
    [Id(11)] public DateTimeOffset? FlatCurrentValueAt { get => Reports is null ? earlierCurrentValueAt : Reports.CurrentValueAt; set => earlierCurrentValueAt = value; }
    [Id(12)] public List<string>? FlatCompletedMilestones { get => Reports is null ? earlierCompletedMilestones : Reports.CompletedMilestones; set => earlierCompletedMilestones = value; }
    [Id(19)] public ConditionStatus? FlatConditionStatus { get => Confirmation is null ? earlierConditionStatus : Confirmation.ConditionStatus; set => earlierConditionStatus = value; }
    [Id(20)] public DateTimeOffset? FlatConditionMetAt { get => Confirmation is null ? earlierConditionMetAt : Confirmation.ConditionMetAt; set => earlierConditionMetAt = value; }
    [Id(21)] public DateTimeOffset? FlatConditionLapsedAt { get => Confirmation is null ? earlierConditionLapsedAt : Confirmation.ConditionLapsedAt; set => earlierConditionLapsedAt = value; }
    [Id(22)] public DateTimeOffset? FlatConditionTargetConfirmedAt { get => Confirmation is null ? earlierConditionTargetConfirmedAt : Confirmation.ConditionTargetConfirmedAt; set => earlierConditionTargetConfirmedAt = value; }
    [Id(23)] public List<CoSigner>? FlatCoSigners { get => Confirmation is null ? earlierCoSigners : Confirmation.CoSigners; set => earlierCoSigners = value; }
    [Id(24)] public List<string>? FlatDependants { get => Confirmation is null ? earlierDependants : Confirmation.Dependants; set => earlierDependants = value; }
    [Id(26)] public DateTimeOffset? FlatLastReportAt { get => Reports is null ? earlierLastReportAt : Reports.LastReportAt; set => earlierLastReportAt = value; }
    [Id(27)] public DateTimeOffset? FlatLastNudgedAt { get => Coaching is null ? earlierLastNudgedAt : Coaching.LastNudgedAt; set => earlierLastNudgedAt = value; }
    [Id(28)] public int FlatNudgeCount { get => Coaching is null ? earlierNudgeCount : Coaching.NudgeCount; set => earlierNudgeCount = value; }
    [Id(29)] public ReportingDueReason? FlatQueuedReason { get => Coaching is null ? earlierQueuedReason : Coaching.QueuedReason; set => earlierQueuedReason = value; }
    [Id(30)] public DateTimeOffset? FlatReminderDueAt { get => Coaching is null ? earlierReminderDueAt : Coaching.ReminderDueAt; set => earlierReminderDueAt = value; }
    [Id(31)] public Dictionary<string, ReportVerification>? FlatVerifications { get => Verification is null ? earlierVerifications : Verification.Verifications; set => earlierVerifications = value; }
    [Id(33)] public List<ModerationAction>? FlatModeration { get => Moderation is null ? earlierModeration : Moderation.Actions; set => earlierModeration = value; }
    [Id(34)] public DateTimeOffset? FlatHelpRequestedAt { get => Coaching is null ? earlierHelpRequestedAt : Coaching.HelpRequestedAt; set => earlierHelpRequestedAt = value; }
    [Id(35)] public string? FlatHelpRequest { get => Coaching is null ? earlierHelpRequest : Coaching.HelpRequest; set => earlierHelpRequest = value; }
    [Id(37)] public ManualNudge? FlatLastManualNudge { get => Coaching is null ? earlierLastManualNudge : Coaching.LastManualNudge; set => earlierLastManualNudge = value; }
    [Id(38)] public int FlatReportCount { get => Reports is null ? earlierReportCount : Reports.ReportCount; set => earlierReportCount = value; }
    [Id(39)] public List<StoredReport>? FlatRecentReports { get => Reports is null ? earlierRecentReports : Reports.RecentReports; set => earlierRecentReports = value; }
    [Id(40)] public int FlatSealedSegments { get => Reports is null ? earlierSealedSegments : Reports.SealedSegments; set => earlierSealedSegments = value; }
    [Id(41)] public ReportKey? FlatSealedMax { get => Reports is null ? earlierSealedMax : Reports.SealedMax; set => earlierSealedMax = value; }
    [Id(42)] public bool FlatSegmentsOverlap { get => Reports is null ? earlierSegmentsOverlap : Reports.SegmentsOverlap; set => earlierSegmentsOverlap = value; }
    [Id(43)] public List<ReportedValue>? FlatRecentValues { get => Reports is null ? earlierRecentValues : Reports.RecentValues; set => earlierRecentValues = value; }
    [Id(44)] public ReportMark? FlatNewestClaim { get => Verification is null ? earlierNewestClaim : Verification.NewestClaim; set => earlierNewestClaim = value; }
    [Id(45)] public ReportMark? FlatNewestVerifiedValue { get => Verification is null ? earlierNewestVerifiedValue : Verification.NewestVerifiedValue; set => earlierNewestVerifiedValue = value; }
    [Id(46)] public List<string>? FlatVerifiedMilestones { get => Verification is null ? earlierVerifiedMilestones : Verification.VerifiedMilestones; set => earlierVerifiedMilestones = value; }
    [Id(47)] public Dictionary<string, ReportKey>? FlatVerificationReportKeys { get => Verification is null ? earlierVerificationReportKeys : Verification.VerificationReportKeys; set => earlierVerificationReportKeys = value; }

    /// <summary>
    /// Stored by versions before report history segments: every report, in date order. Moved into the history and sealed
    /// segments by the grain on activation (CommitmentGrain.Reports.cs); <see cref="MoveIntoSubStates"/> only clears an empty list.
    /// Not written again: a silo of the version before reads its absence as the empty list it writes itself.
    /// </summary>
    [Id(13)] public List<ProgressReport>? FlatReports { get; set; }

    /// <summary>
    /// Builds each missing sub-state from the flat fields read, then forgets them (the flat properties read through to
    /// the sub-states from then on). A sub-state is missing exactly when the record was written by a silo of the version
    /// before sub-states or never written (see <see cref="CommitmentState"/>), so a value is never guessed from being at
    /// its default: a flat field that is null (absent from a record older than the field) starts its sub-state's field
    /// as a new commitment's would.
    /// </summary>
    [MemberNotNull(nameof(Confirmation), nameof(Reports), nameof(Coaching), nameof(Verification), nameof(Moderation))]
    public void MoveIntoSubStates()
    {
        Confirmation ??= new CommitmentConfirmationState
        {
            Current = earlierConfirmation,
            FirstConfirmedAt = earlierFirstConfirmedAt,
            ConditionStatus = earlierConditionStatus,
            ConditionMetAt = earlierConditionMetAt,
            ConditionLapsedAt = earlierConditionLapsedAt,
            ConditionTargetConfirmedAt = earlierConditionTargetConfirmedAt,
            CoSigners = earlierCoSigners ?? [],
            Dependants = earlierDependants ?? [],
        };
        Reports ??= new CommitmentReportsState
        {
            CurrentValue = earlierCurrentValue,
            CurrentValueAt = earlierCurrentValueAt,
            CompletedMilestones = earlierCompletedMilestones ?? [],
            LastReportAt = earlierLastReportAt,
            ReportCount = earlierReportCount,
            RecentReports = earlierRecentReports ?? [],
            SealedSegments = earlierSealedSegments,
            SealedMax = earlierSealedMax,
            SegmentsOverlap = earlierSegmentsOverlap,
            RecentValues = earlierRecentValues ?? [],
        };
        Coaching ??= new CommitmentCoachingState
        {
            LastNudgedAt = earlierLastNudgedAt,
            NudgeCount = earlierNudgeCount,
            QueuedReason = earlierQueuedReason,
            ReminderDueAt = earlierReminderDueAt,
            HelpRequestedAt = earlierHelpRequestedAt,
            HelpRequest = earlierHelpRequest,
            LastManualNudge = earlierLastManualNudge,
        };
        Verification ??= new CommitmentVerificationState
        {
            Verifications = earlierVerifications ?? new(StringComparer.Ordinal),
            NewestClaim = earlierNewestClaim,
            NewestVerifiedValue = earlierNewestVerifiedValue,
            VerifiedMilestones = earlierVerifiedMilestones ?? [],
            VerificationReportKeys = earlierVerificationReportKeys ?? new(StringComparer.Ordinal),
        };
        Moderation ??= new CommitmentModerationState
        {
            Actions = earlierModeration ?? [],
        };
        // Written empty by every version after segments: nothing for the grain to move, and then never written again.
        if (FlatReports is { Count: 0 })
            FlatReports = null;
        ForgetEarlierLayoutRead();
    }

    private void ForgetEarlierLayoutRead()
    {
        earlierConfirmation = default;
        earlierFirstConfirmedAt = default;
        earlierCurrentValue = default;
        earlierCurrentValueAt = default;
        earlierCompletedMilestones = default;
        earlierConditionStatus = default;
        earlierConditionMetAt = default;
        earlierConditionLapsedAt = default;
        earlierConditionTargetConfirmedAt = default;
        earlierCoSigners = default;
        earlierDependants = default;
        earlierLastReportAt = default;
        earlierLastNudgedAt = default;
        earlierNudgeCount = default;
        earlierQueuedReason = default;
        earlierReminderDueAt = default;
        earlierVerifications = default;
        earlierModeration = default;
        earlierHelpRequestedAt = default;
        earlierHelpRequest = default;
        earlierLastManualNudge = default;
        earlierReportCount = default;
        earlierRecentReports = default;
        earlierSealedSegments = default;
        earlierSealedMax = default;
        earlierSegmentsOverlap = default;
        earlierRecentValues = default;
        earlierNewestClaim = default;
        earlierNewestVerifiedValue = default;
        earlierVerifiedMilestones = default;
        earlierVerificationReportKeys = default;
    }
}
