using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;

namespace CivicContracting.Grains.Tests.Compatibility;

/// <summary>
/// A test-only copy of <see cref="CommitmentState"/> as the version before sub-states declared it (commit 08a3f9b): the
/// same ids and types, flat. Its own alias: the alias is not in a stored state's bytes (the state is written as the
/// expected type, without a name), and two types under one alias stop Orleans' type manifest at start.
/// </summary>
[GenerateSerializer, Alias("cc.test.FlatCommitmentState.v1")]
public sealed class FlatCommitmentState
{
    [Id(0)] public CommitmentDraft? Draft { get; set; }
    [Id(1)] public ParticipantKind ParticipantKind { get; set; }
    [Id(2)] public List<ScopeWeight> Scopes { get; set; } = [];
    [Id(3)] public CommitmentTerms? Terms { get; set; }
    [Id(4)] public int TermsVersion { get; set; }
    [Id(5)] public DateTimeOffset? TermsValidFrom { get; set; }
    [Id(6)] public List<TermsVersion> EarlierVersions { get; set; } = [];
    [Id(7)] public CommitmentStatus Status { get; set; }
    [Id(8)] public Confirmation? Confirmation { get; set; }
    [Id(9)] public DateTimeOffset? FirstConfirmedAt { get; set; }
    [Id(10)] public double? CurrentValue { get; set; }
    [Id(11)] public DateTimeOffset? CurrentValueAt { get; set; }
    [Id(12)] public List<string> CompletedMilestones { get; set; } = [];
    [Id(13)] public List<ProgressReport> Reports { get; set; } = [];
    [Id(14)] public string? WithdrawalReason { get; set; }
    [Id(15)] public DateTimeOffset CreatedAt { get; set; }
    [Id(16)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(17)] public long Version { get; set; }
    [Id(18)] public long PushedVersion { get; set; }
    [Id(19)] public ConditionStatus? ConditionStatus { get; set; }
    [Id(20)] public DateTimeOffset? ConditionMetAt { get; set; }
    [Id(21)] public DateTimeOffset? ConditionLapsedAt { get; set; }
    [Id(22)] public DateTimeOffset? ConditionTargetConfirmedAt { get; set; }
    [Id(23)] public List<CoSigner> CoSigners { get; set; } = [];
    [Id(24)] public List<string> Dependants { get; set; } = [];
    [Id(25)] public List<string> TemplateCopies { get; set; } = [];
    [Id(26)] public DateTimeOffset? LastReportAt { get; set; }
    [Id(27)] public DateTimeOffset? LastNudgedAt { get; set; }
    [Id(28)] public int NudgeCount { get; set; }
    [Id(29)] public ReportingDueReason? QueuedReason { get; set; }
    [Id(30)] public DateTimeOffset? ReminderDueAt { get; set; }
    [Id(31)] public Dictionary<string, ReportVerification> Verifications { get; set; } = new(StringComparer.Ordinal);
    [Id(33)] public List<ModerationAction> Moderation { get; set; } = [];
    [Id(34)] public DateTimeOffset? HelpRequestedAt { get; set; }
    [Id(35)] public string? HelpRequest { get; set; }
    [Id(37)] public ManualNudge? LastManualNudge { get; set; }
    [Id(38)] public int ReportCount { get; set; }
    [Id(39)] public List<StoredReport> RecentReports { get; set; } = [];
    [Id(40)] public int SealedSegments { get; set; }
    [Id(41)] public ReportKey? SealedMax { get; set; }
    [Id(42)] public bool SegmentsOverlap { get; set; }
    [Id(43)] public List<ReportedValue> RecentValues { get; set; } = [];
    [Id(44)] public ReportMark? NewestClaim { get; set; }
    [Id(45)] public ReportMark? NewestVerifiedValue { get; set; }
    [Id(46)] public List<string> VerifiedMilestones { get; set; } = [];
    [Id(47)] public Dictionary<string, ReportKey> VerificationReportKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Every field set, to a value unlike its default: BeforeSubStates/commitment-state.bin is what the version before
    /// stored for it (this method, run as that version's <see cref="CommitmentState"/>).
    /// </summary>
    public static FlatCommitmentState EveryField()
    {
        var at = new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);
        var terms = new CommitmentTerms(CommitmentLevel.Result, "Fietsen naar school", "Meer leerlingen op de fiets.",
            Target: new QuantitativeTarget("Leerlingen op de fiets", "%", 20, 60, new DateOnly(2030, 6, 30)));
        var earlierTerms = new CommitmentTerms(CommitmentLevel.Pledge, "Fietsen naar school", "We beloven het.");
        var report = new ProgressReport("r-1", at.AddDays(3), Value: 30, Note: "Eerste meting.", EvidenceUrl: "https://example.org/1");
        var done = new ProgressReport("r-2", at.AddDays(4), CompletedMilestoneId: "m-1");
        return new FlatCommitmentState
        {
            Draft = new CommitmentDraft("p-school", [new GoalWeight("g-bike", 0.5)], "24062W13", terms,
                new CommitmentCondition(ConditionKind.NeighbourhoodThreshold, at.AddDays(60), RequiredCoSigners: 2), ReportingInterval: TimeSpan.FromDays(30)),
            ParticipantKind = ParticipantKind.School,
            Scopes = [new ScopeWeight("goal:g-bike", 0.5), new ScopeWeight("place:24062W13", 1)],
            Terms = terms,
            TermsVersion = 2,
            TermsValidFrom = at.AddDays(1),
            EarlierVersions = [new TermsVersion(1, earlierTerms, at, new Confirmation("Directeur", at, new string('a', 64), 1))],
            Status = CommitmentStatus.Active,
            Confirmation = new Confirmation("Directeur", at.AddDays(1), new string('b', 64), 2),
            FirstConfirmedAt = at,
            CurrentValue = 30,
            CurrentValueAt = at.AddDays(3),
            CompletedMilestones = ["m-1"],
            Reports = [report, done],
            WithdrawalReason = "Not withdrawn, but every field is set.",
            CreatedAt = at.AddDays(-1),
            UpdatedAt = at.AddDays(5),
            Version = 7,
            PushedVersion = 6,
            ConditionStatus = CivicContracting.Commitments.ConditionStatus.Met,
            ConditionMetAt = at.AddDays(2),
            ConditionLapsedAt = at.AddDays(90),
            ConditionTargetConfirmedAt = at.AddDays(2).AddHours(1),
            CoSigners = [new CoSigner("p-neighbour", at.AddDays(2), "24062W13"), new CoSigner("p-shop", at.AddDays(2).AddMinutes(5), "24062W13")],
            Dependants = ["c-dependant"],
            TemplateCopies = ["c-copy"],
            LastReportAt = at.AddDays(4).AddHours(2),
            LastNudgedAt = at.AddDays(40),
            NudgeCount = 3,
            QueuedReason = ReportingDueReason.DeadlineSoon,
            ReminderDueAt = at.AddDays(45),
            Verifications = new(StringComparer.Ordinal)
            {
                ["r-1"] = new ReportVerification("r-1", VerificationTier.Verified, "acc-coach", at.AddDays(6), "Geteld aan de schoolpoort."),
                ["r-2"] = new ReportVerification("r-2", VerificationTier.PeerConfirmed, "p-neighbour", at.AddDays(6), null),
            },
            Moderation = [new ModerationAction(ModerationTarget.Report, "r-1", true, "Persoonsgegevens.", "acc-moderator", at.AddDays(7))],
            HelpRequestedAt = at.AddDays(-1).AddHours(3),
            HelpRequest = "Hoe maak ik dit meetbaar?",
            LastManualNudge = new ManualNudge("acc-coach", at.AddDays(41), "Hoe gaat het?"),
            ReportCount = 2,
            RecentReports = [new StoredReport(0, report), new StoredReport(1, done)],
            SealedSegments = 4,
            SealedMax = new ReportKey(at.AddDays(-3).UtcTicks, 199),
            SegmentsOverlap = true,
            RecentValues = [new ReportedValue(at.AddDays(3), 30)],
            NewestClaim = new ReportMark("r-2", new ReportKey(at.AddDays(4).UtcTicks, 1), null),
            NewestVerifiedValue = new ReportMark("r-1", new ReportKey(at.AddDays(3).UtcTicks, 0), 30),
            VerifiedMilestones = ["m-1"],
            VerificationReportKeys = new(StringComparer.Ordinal)
            {
                ["r-1"] = new ReportKey(at.AddDays(3).UtcTicks, 0),
                ["r-2"] = new ReportKey(at.AddDays(4).UtcTicks, 1),
            },
        };
    }
}
