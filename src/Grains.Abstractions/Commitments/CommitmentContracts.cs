using CivicContracting.Goals;

namespace CivicContracting.Commitments;

public enum CommitmentStatus
{
    Draft = 0,
    Confirmed = 1,
    Active = 2,
    Achieved = 3,
    Missed = 4,
    Withdrawn = 5,
}

public enum CommitmentOutcome
{
    Achieved = 0,
    Missed = 1,
}

/// <summary>
/// What a participant commits to. <see cref="Condition"/>: the commitment only comes into force (counts in the
/// aggregates) once the condition is met. <see cref="IsTemplate"/>: a template that others take up per neighbourhood; it
/// never counts itself. <see cref="TemplateId"/>: this commitment is a copy of that template, with the template's goals
/// and terms (see <see cref="ICommitmentGrain.TakeUp"/>) but its own participant and neighbourhood. <see cref="SessionId"/>:
/// the co-creation session the commitment was made at (or after); it must exist and have started by the time the
/// commitment is created (and signed, for a confirmation with a signing date), and it stays with the commitment.
/// <see cref="ReportingInterval"/>: how long the commitment may go without a progress report before it is due (and its
/// owner is reminded); null takes the platform's default (<c>Coaching:DefaultReportingInterval</c>, 90 days). Between
/// <see cref="Validation.InputRules.MinReportingInterval"/> and <see cref="Validation.InputRules.MaxReportingInterval"/>.
/// <see cref="Language"/>: the language its author wrote the title and description in (nl, fr, en), so pages mark it for
/// screen readers; null when unknown (drafts made before languages were recorded). Not part of what makes two drafts the same.
/// <see cref="TitleTranslations"/>, <see cref="DescriptionTranslations"/>: a template's title and description in the city's
/// other languages (the original is in <see cref="Terms"/>, in <see cref="Language"/>); only a template has them, and a
/// take-up in one of those languages gets them as its terms (<see cref="TemplateTerms.In"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.CommitmentDraft.v1")]
public sealed record CommitmentDraft(
    [property: Id(0)] string ParticipantId,
    [property: Id(1)] IReadOnlyList<GoalWeight> Goals,
    [property: Id(2)] string NeighbourhoodCode,
    [property: Id(3)] CommitmentTerms Terms,
    [property: Id(4)] CommitmentCondition? Condition = null,
    [property: Id(5)] bool IsTemplate = false,
    [property: Id(6)] string? TemplateId = null,
    [property: Id(7)] TimeSpan? ReportingInterval = null,
    [property: Id(8)] string? SessionId = null,
    [property: Id(9)] string? Language = null,
    [property: Id(10)] Texts.ContentTranslations? TitleTranslations = null,
    [property: Id(11)] Texts.ContentTranslations? DescriptionTranslations = null);

/// <summary>
/// The formal confirmation: who confirmed, when (the time of signing: the moment of the call, or the signing date the
/// caller gave for a commitment signed earlier, e.g. on paper), and a SHA-256 of the exact text they confirmed.
/// <see cref="Language"/>: the language of that text (<see cref="CommitmentText.Languages"/>); null in a confirmation
/// recorded before languages, whose text is <see cref="CommitmentText.RenderLegacy"/>. Fields at their default are not
/// written, so a confirmation without a language is stored in exactly the bytes it was before the field existed.
/// </summary>
[GenerateSerializer, Immutable, OmitDefaultMemberValues, Alias("cc.Confirmation.v1")]
public sealed record Confirmation(
    [property: Id(0)] string ConfirmedBy,
    [property: Id(1)] DateTimeOffset ConfirmedAt,
    [property: Id(2)] string TextHash,
    [property: Id(3)] int TermsVersion,
    [property: Id(4)] string? Language = null);

/// <summary>
/// A commitment as read. <see cref="Reports"/> holds its newest reports only (at most <see cref="ReportHistory.NewestInView"/>,
/// oldest first, by report date), <see cref="ReportCount"/> how many it has in all; the whole history is read in pages
/// (<see cref="ICommitmentGrain.GetReports"/>), one report by id (<see cref="ICommitmentGrain.FindReport"/>), and the
/// measured values as a series (<see cref="ICommitmentGrain.GetReportedValues"/>). <see cref="RecentValues"/>: the newest
/// measured values (at most <see cref="Trajectories.TrendPoints"/>, oldest first), which a trajectory's judgement needs.
/// <see cref="Language"/>: the language its author wrote it in (<see cref="CommitmentDraft.Language"/>); null when unknown.
/// <see cref="TitleTranslations"/>, <see cref="DescriptionTranslations"/>: a template's translations (<see cref="CommitmentDraft.TitleTranslations"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.CommitmentView.v1")]
public sealed record CommitmentView(
    [property: Id(0)] string Id,
    [property: Id(1)] string ParticipantId,
    [property: Id(2)] IReadOnlyList<GoalWeight> Goals,
    [property: Id(3)] string NeighbourhoodCode,
    [property: Id(4)] CommitmentTerms Terms,
    [property: Id(5)] int TermsVersion,
    [property: Id(6)] CommitmentStatus Status,
    [property: Id(7)] Confirmation? Confirmation,
    [property: Id(8)] double? Progress,
    [property: Id(9)] double? CurrentValue,
    [property: Id(10)] IReadOnlyList<string> CompletedMilestoneIds,
    [property: Id(11)] IReadOnlyList<ProgressReport> Reports,
    [property: Id(12)] IReadOnlyList<TermsVersion> EarlierVersions,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] DateTimeOffset UpdatedAt,
    [property: Id(15)] long Version,
    [property: Id(16)] string? WithdrawalReason,
    [property: Id(17)] CommitmentCondition? Condition = null,
    [property: Id(18)] ConditionStatus? ConditionStatus = null,
    [property: Id(19)] DateTimeOffset? ConditionMetAt = null,
    [property: Id(20)] DateTimeOffset? ConditionLapsedAt = null,
    [property: Id(21)] IReadOnlyList<CoSigner>? CoSigners = null,
    [property: Id(22)] int CoSignerCount = 0,
    [property: Id(23)] int NeighbourhoodCoSignerCount = 0,
    [property: Id(24)] bool IsTemplate = false,
    [property: Id(25)] string? TemplateId = null,
    [property: Id(26)] IReadOnlyList<string>? TemplateCopyIds = null,
    [property: Id(27)] int TemplateCopyCount = 0,
    [property: Id(28)] IReadOnlyList<string>? DependantIds = null,
    [property: Id(29)] bool CountsInAggregates = false,
    [property: Id(30)] CommitmentPhase Phase = CommitmentPhase.Drafting,
    [property: Id(31)] DateTimeOffset? NextReportDue = null,
    [property: Id(32)] DateTimeOffset? LastNudgedAt = null,
    [property: Id(33)] int NudgeCount = 0,
    [property: Id(34)] TimeSpan? ReportingInterval = null,
    [property: Id(35)] string? SessionId = null,
    [property: Id(36)] IReadOnlyList<ReportVerification>? Verifications = null,
    [property: Id(37)] VerificationTier? ClaimTier = null,
    [property: Id(38)] double? VerifiedProgress = null,
    [property: Id(39)] IReadOnlyList<ModerationAction>? Moderation = null,
    [property: Id(40)] bool TextHidden = false,
    [property: Id(41)] DateTimeOffset? HelpRequestedAt = null,
    [property: Id(42)] string? HelpRequest = null,
    [property: Id(43)] int ReportCount = 0,
    [property: Id(44)] IReadOnlyList<ReportedValue>? RecentValues = null,
    [property: Id(45)] string? Language = null,
    [property: Id(46)] Texts.ContentTranslations? TitleTranslations = null,
    [property: Id(47)] Texts.ContentTranslations? DescriptionTranslations = null);

public interface ICommitmentGrain : IGrainWithStringKey
{
    /// <summary>Creates the commitment as a draft. Repeating the same draft is a no-op; a different one is rejected.</summary>
    Task<CommitmentView> Create(CommitmentDraft draft);

    /// <summary>
    /// Replaces a draft's goals, neighbourhood and terms (saved, resumed and edited before it is confirmed). Its participant,
    /// condition and template ties stay; repeating the same revision is a no-op; a confirmed commitment is upgraded instead.
    /// </summary>
    Task<CommitmentView> Revise(CommitmentDraft draft);

    /// <summary>
    /// Records the formal confirmation of the current terms. <paramref name="textHash"/> must match
    /// <see cref="CommitmentText.Hash(CommitmentTerms)"/> of them (their text in the default language; see <see cref="ConfirmIn"/>). <paramref name="signedAt"/> is when the commitment was signed, for a
    /// commitment signed earlier (e.g. on paper at a co-creation session) and entered later by the support team; it
    /// becomes <see cref="Confirmation.ConfirmedAt"/> and the first confirmation time the commitment pushes
    /// (<see cref="Contribution.ConfirmedAt"/>). Null means now. It may lie at most
    /// <see cref="Validation.InputRules.MaxSignedAtClockSkew"/> in the future and not before
    /// <see cref="Validation.InputRules.EarliestSignedAt"/>; otherwise <see cref="Validation.InputRejectedException"/>
    /// names <c>signedAt</c>. Repeating the confirmation (same confirmer and hash, and the same or no
    /// <paramref name="signedAt"/>) is a no-op; a repeat with another <paramref name="signedAt"/> is a conflict.
    /// </summary>
    Task<CommitmentView> Confirm(string confirmedBy, string textHash, DateTimeOffset? signedAt = null);

    /// <summary>
    /// Moves a confirmed commitment to a stronger level. The upgrade is confirmed formally in the same call
    /// (<paramref name="textHash"/> of the new terms); the earlier terms stay readable.
    /// </summary>
    Task<CommitmentView> Upgrade(CommitmentTerms newTerms, string confirmedBy, string textHash);

    /// <summary>
    /// <see cref="Confirm"/> of the text in <paramref name="language"/> (one of <see cref="CommitmentText.Languages"/>):
    /// <paramref name="textHash"/> must be <see cref="CommitmentText.Hash(CommitmentTerms, string)"/> in that language,
    /// and the confirmation records it. <see cref="Confirm"/> without a language confirms the
    /// <see cref="CommitmentText.DefaultLanguage"/> text.
    /// </summary>
    Task<CommitmentView> ConfirmIn(string language, string confirmedBy, string textHash, DateTimeOffset? signedAt = null);

    /// <summary><see cref="Upgrade"/> confirmed in <paramref name="language"/>, as <see cref="ConfirmIn"/>.</summary>
    Task<CommitmentView> UpgradeIn(string language, CommitmentTerms newTerms, string confirmedBy, string textHash);

    /// <summary>
    /// Stores a progress report. Its <see cref="ProgressReport.ReportId"/> is stored once: the same report again (however
    /// old) is a no-op, another report under a used id a <see cref="Validation.StateConflictException"/>. The answer carries
    /// the newest reports only (<see cref="CommitmentView.Reports"/>), never the whole history.
    /// </summary>
    Task<CommitmentView> ReportProgress(ProgressReport report);

    /// <summary>
    /// Several reports in one write (bulk imports and metric feeds), all or none: each is checked as
    /// <see cref="ReportProgress"/> checks one, and one that breaks a rule refuses the call with nothing stored
    /// (<see cref="Validation.InputRejectedException"/> keyed <c>[i].field</c>, or a conflict). A report whose id is
    /// stored already with the same content is a retry: counted in <see cref="ProgressBatchResult.AlreadyStored"/>, not
    /// stored again. At most <see cref="CommitmentLimits.MaxReportsPerBatch"/> reports per call.
    /// </summary>
    Task<ProgressBatchResult> ReportProgressBatch(IReadOnlyList<ProgressReport> reports);

    Task<CommitmentView> Withdraw(string reason);

    Task<CommitmentView> Close(CommitmentOutcome outcome);

    Task<CommitmentView?> Get();

    /// <summary>
    /// <see cref="Get"/> for a bulk read that touches each commitment once (the open-data downloads): an activation that
    /// this call started (activated moments ago) is let go once idle, as the import does, so that reading a million
    /// commitments does not keep a million of them in the silo's memory. A commitment in use stays activated.
    /// </summary>
    Task<CommitmentView?> GetOnce();

    /// <summary>
    /// Page <paramref name="page"/> (from 1) of the progress history, <paramref name="pageSize"/> (1 to
    /// <see cref="ReportHistory.MaxPageSize"/>) reports a page, newest first. Bad paging is an
    /// <see cref="Validation.InputRejectedException"/> naming <c>page</c> or <c>pageSize</c>; an unknown commitment a
    /// <see cref="KeyNotFoundException"/>. Reports as stored: what moderators hid is redacted by the web tier.
    /// </summary>
    Task<ReportPage> GetReports(int page, int pageSize);

    /// <summary>The report stored under <paramref name="reportId"/>, however old; null if there is none (or no commitment).</summary>
    Task<ProgressReport?> FindReport(string reportId);

    /// <summary>
    /// The reports stored under any of <paramref name="reportIds"/> (at most <see cref="ReportHistory.MaxLookup"/>), each
    /// once, in the order asked; ids not stored are left out. Checks a batch of reports against the whole history in one call.
    /// </summary>
    Task<IReadOnlyList<ProgressReport>> FindReports(IReadOnlyList<string> reportIds);

    /// <summary>Every measured value of the history (reports with a value), oldest first: the series a chart draws. Empty for an unknown commitment.</summary>
    Task<IReadOnlyList<ReportedValue>> GetReportedValues();

    /// <summary>The absolute contribution this commitment currently pushes to its aggregates (null if it does not exist).</summary>
    Task<Contribution?> GetContribution();

    /// <summary>
    /// Creates this commitment as a copy of the template <see cref="TemplateTakeUp.TemplateId"/>: the template's goals and
    /// current terms, with the taker's own participant, neighbourhood and optional condition, so it counts in its own
    /// neighbourhood. The template lists the copy. Repeating the same take-up is a no-op; a different one is rejected.
    /// Equivalent to <see cref="Create"/> with a draft whose <see cref="CommitmentDraft.TemplateId"/> is set and whose goals
    /// and terms equal the template's.
    /// </summary>
    Task<CommitmentView> TakeUp(TemplateTakeUp takeUp);

    /// <summary>
    /// <paramref name="participantId"/> co-signs this confirmed (or active) commitment: "me too". Not the owner, not a
    /// template (take it up instead), not closed, withdrawn or lapsed. Joining again is a no-op (the first join time
    /// stays). Co-signers whose own neighbourhood is the commitment's count towards a
    /// <see cref="ConditionKind.NeighbourhoodThreshold"/> condition; when they reach it the commitment comes into force.
    /// </summary>
    Task<CommitmentView> Join(string participantId);

    /// <summary>
    /// <see cref="Join"/> by the person <paramref name="personId"/> (their account) acting for <paramref name="participantId"/>.
    /// A threshold counts distinct people: several participants one person acts for count once, and a co-signer without a
    /// person (entered by the platform) counts as their own participant. Joining again keeps the first join.
    /// </summary>
    Task<CommitmentView> JoinAs(string participantId, string? personId);

    /// <summary>Removes the co-signature; a no-op if the participant has not joined. A condition already met stays met.</summary>
    Task<CommitmentView> Leave(string participantId);

    /// <summary>
    /// The participant's verification changed: reads its profile again (an awaited call up, commitment → participant) and,
    /// if the kind it counts under changed (<see cref="Participants.ParticipantVerification.CountedKind"/>), pushes a new
    /// version, so the figures by kind follow at the cost of this commitment alone. A no-op otherwise.
    /// </summary>
    Task RefreshParticipantKind();
}
