using CivicContracting.Aggregation;
using CivicContracting.Coaching;
using CivicContracting.Following;
using CivicContracting.Goals;
using CivicContracting.Hosting;
using CivicContracting.Observability;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicContracting.Commitments;

/// <summary>
/// One commitment: its terms, confirmation, lifecycle and progress history. Every change is written to its own
/// state first and then pushed, as an absolute versioned <see cref="Contribution"/>, to its contribution shard;
/// the call returns once the shard has made it durable, so an acknowledged change is never lost.
/// </summary>
/// <remarks>
/// Conditions, co-signers and templates. A commitment with a <see cref="CommitmentCondition"/> is created and confirmed
/// like any other but is not in force (<see cref="Contribution.NotInForce"/>: it counts by status only, and pushes no
/// confirmation time) until its condition is met; from then on it counts, dated from when both the confirmation and the
/// condition were there. A waiting condition's deadline is the commitment's entry in the reporting schedule, which tells
/// the commitment when the deadline has passed; it then lapses for good (earlier versions listed it in the
/// <see cref="ICommitmentDeadlineGrain"/>, which still tells the commitments it lists). A reciprocal condition registers with its
/// target at creation (one awaited call, dependant → target); the target's confirmation tells its dependants one-way,
/// and a dependant asks its target again when it is confirmed and before it lapses, so a lost message costs nothing.
/// A template never counts; its copies carry its goals and terms and count in their own neighbourhoods, and it lists
/// them (copy → template, awaited, after the copy is stored). Awaited calls between commitments only ever go from a
/// newer commitment to an older one, so two commitment grains never wait on each other.
/// A commitment is touched a few times a month (a report, a coach's note), so an idle one is collected after two minutes
/// of inactivity instead of Orleans' default fifteen: memory then holds the commitments in use, not the city (its state
/// is read again from storage, O(its hot state), when it is next called).
/// </remarks>
[CollectionAgeLimit(Minutes = 2)]
public sealed partial class CommitmentGrain(
    [PersistentState(CommitmentGrain.StateName, GrainStorage.Name)] IPersistentState<CommitmentState> state,
    CivicClock clock,
    ILogger<CommitmentGrain> logger,
    IOptions<CoachingOptions> coaching) : Grain, ICommitmentGrain, ICommitmentLinkGrain
{
    public const int MaxCoSigners = 10_000;
    public const int MaxTemplateCopies = 10_000;
    public const int MaxDependants = 1_000;

    private const int MaxConfirmerLength = 120;
    private const int MaxReasonLength = 2_000;
    private const int MaxPushAttempts = 3;

    private string Id => this.GetPrimaryKeyString();

    private CommitmentState S => state.State;

    /// <summary>When this activation started (<see cref="GetOnce"/> lets go of one it started).</summary>
    private long _activatedAt;

    /// <summary>An activation younger than this when <see cref="GetOnce"/> reads it was, in all likelihood, started by that read.</summary>
    private static readonly TimeSpan JustActivated = TimeSpan.FromSeconds(5);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        // A commitment stored before sub-states has its fields flat on the state: moved into them before anything reads
        // them, in memory (the next write stores the new layout). Then one stored before report history segments, with
        // all its reports in its state, has them moved out.
        S.MoveIntoSubStates();
        await MigrateLegacyReports();
        // A push that failed (or was cut off by a crash) before the caller got its answer is completed here.
        if (S.Draft is not null && S.PushedVersion < S.Version)
            await Push();
        // A reporting reminder that was never scheduled (a failed attempt; a commitment from before reminders) is now.
        await EnsureReminderOnActivation();
    }

    public async Task<CommitmentView> Create(CommitmentDraft draft)
    {
        CommitmentRules.Draft(draft).ThrowIfAny();
        if (S.Draft is { } existing)
        {
            if (!SameDraft(existing, draft))
                throw new StateConflictException($"Commitment '{Id}' already exists with other content.");
            await PushIfBehind();
            await EnsureLinks();
            return ToView();
        }

        var now = clock.GetUtcNow();
        CommitmentRules.Draft(draft, now, Id).ThrowIfAny();
        if (draft.TemplateId is { } templateId)
        {
            var template = await RequireTemplate(templateId);
            if (!draft.Goals.SequenceEqual(template.Goals))
                throw new InputRejectedException("goals", $"A copy carries the goals of its template '{templateId}'; take the template up to copy them.");
            if (CommitmentText.Hash(draft.Terms) != CommitmentText.Hash(template.Terms)
                && CommitmentText.Hash(draft.Terms) != CommitmentText.Hash(TemplateTerms.In(template, draft.Language).Terms))
                throw new InputRejectedException("terms", $"A copy carries the current terms of its template '{templateId}'; take the template up to copy them.");
        }
        return await CreateChecked(draft, now);
    }

    public async Task<CommitmentView> TakeUp(TemplateTakeUp takeUp)
    {
        if (takeUp is null)
            throw new InputRejectedException("", "A take-up is required.");
        if (S.Draft is { } existing)
        {
            if (existing.TemplateId != takeUp.TemplateId || existing.ParticipantId != takeUp.ParticipantId
                || existing.NeighbourhoodCode != takeUp.NeighbourhoodCode || !Equals(existing.Condition, takeUp.Condition))
                throw new StateConflictException($"Commitment '{Id}' already exists with other content.");
            await PushIfBehind();
            await EnsureLinks();
            return ToView();
        }

        var now = clock.GetUtcNow();
        CommitmentRules.TakeUp(takeUp, now, Id).ThrowIfAny();
        var template = await RequireTemplate(takeUp.TemplateId);
        // Taken up in a language the city translated the template into: the copy's text is in that language.
        var (terms, language) = TemplateTerms.In(template, takeUp.Language);
        var draft = new CommitmentDraft(takeUp.ParticipantId, template.Goals, takeUp.NeighbourhoodCode, terms,
            takeUp.Condition, IsTemplate: false, TemplateId: takeUp.TemplateId, Language: language);
        CommitmentRules.Draft(draft, now, Id).ThrowIfAny();
        return await CreateChecked(draft, now);
    }

    public async Task<CommitmentView> Revise(CommitmentDraft draft)
    {
        await RequireExistsAndPushed();
        var now = clock.GetUtcNow();
        CommitmentRules.Draft(draft, now, Id).ThrowIfAny();
        var existing = S.Draft!;
        if (SameDraft(existing, draft))
            return ToView(); // the same revision, repeated
        if (S.Status != CommitmentStatus.Draft)
            throw new StateConflictException($"Commitment '{Id}' is {S.Status.ToString().ToLowerInvariant()}; only a draft can be revised (a confirmed commitment is upgraded).");
        if (draft.ParticipantId != existing.ParticipantId)
            throw new InputRejectedException("participantId", "A draft stays with its participant; make a new one for another.");
        if (existing.TemplateId is not null || draft.TemplateId is not null || draft.IsTemplate != existing.IsTemplate)
            throw new InputRejectedException("templateId", "A template and its copies keep their terms; take the template up again instead.");
        if (!Equals(draft.Condition, existing.Condition))
            throw new InputRejectedException("condition", "A draft's condition cannot be changed; withdraw it and make a new one.");
        if (draft.SessionId != existing.SessionId)
            throw new InputRejectedException("sessionId", "The co-creation session a draft was made at stays with it; send the same sessionId.");

        S.Scopes = await ScopesOf(draft);
        S.Draft = draft with { Language = draft.Language ?? existing.Language }; // a revision that does not say keeps the language
        S.Terms = draft.Terms;
        await Commit(now);
        return ToView();
    }

    /// <summary>The aggregates a commitment counts in: its goals and their ancestors (with weights), its neighbourhood and the places above it.</summary>
    private async Task<List<ScopeWeight>> ScopesOf(CommitmentDraft draft)
    {
        var scopes = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < draft.Goals.Count; i++)
        {
            IReadOnlyList<string> lineage;
            try
            {
                lineage = await GrainFactory.GetGrain<IGoalGrain>(draft.Goals[i].GoalId).GetLineage();
            }
            catch (KeyNotFoundException)
            {
                throw new InputRejectedException($"goals[{i}].goalId", $"Goal '{draft.Goals[i].GoalId}' does not exist.");
            }
            // A commitment counts in its goals and in their ancestors (an objective's ambition), once per scope,
            // with the largest weight it carries among the goals below that scope.
            foreach (var goalId in lineage)
            {
                var scope = AggregateScope.Goal(goalId);
                scopes[scope] = Math.Max(scopes.GetValueOrDefault(scope), draft.Goals[i].Weight);
            }
        }
        foreach (var placeCode in PlaceCatalog.Leuven.Get(draft.NeighbourhoodCode).SelfAndAncestors)
            scopes[AggregateScope.Place(placeCode)] = 1.0;
        return [.. scopes.Select(s => new ScopeWeight(s.Key, s.Value))];
    }

    /// <summary>Creates the commitment from a draft that passed the input rules: looks up what it refers to, then stores it.</summary>
    private async Task<CommitmentView> CreateChecked(CommitmentDraft draft, DateTimeOffset now)
    {
        var participant = await GrainFactory.GetGrain<IParticipantGrain>(draft.ParticipantId).GetProfile()
            ?? throw new InputRejectedException("participantId", $"Participant '{draft.ParticipantId}' does not exist.");
        var scopes = await ScopesOf(draft);
        if (draft.SessionId is { } sessionId)
            await CommitmentSessionLinks.LinkAsync(GrainFactory, Id, sessionId, now, "sessionId");

        // Last of the checks, because it registers this commitment with its target: the reciprocal condition's target
        // must exist and accept dependants. Its answer says whether it is confirmed already.
        DateTimeOffset? targetConfirmedAt = null;
        if (draft.Condition is { Kind: ConditionKind.Reciprocal } reciprocal)
        {
            var target = await Link(reciprocal.CommitmentId!).RegisterDependant(Id)
                ?? throw new InputRejectedException("condition.commitmentId", $"Commitment '{reciprocal.CommitmentId}' does not exist.");
            if (!target.Accepted)
                throw new InputRejectedException("condition.commitmentId", $"Commitment '{reciprocal.CommitmentId}' {target.RefusalReason}");
            targetConfirmedAt = target.ConfirmedAt;
        }
        // A waiting condition's deadline is scheduled by Commit before this commitment is stored (CommitmentGrain.Coaching.cs):
        // if storing fails, the schedule holds an entry that is dropped when it comes due; the other way round, a stored
        // commitment could wait forever.

        S.Draft = draft;
        S.ParticipantKind = participant.CountedKind();
        S.ParticipantAwaitsOwnerEmail = !participant.CountsPublicly();
        S.Scopes = scopes;
        S.Terms = draft.Terms;
        S.TermsVersion = 1;
        S.Status = CommitmentStatus.Draft;
        S.CreatedAt = now;
        if (draft.Condition is not null)
        {
            S.Confirmation.ConditionStatus = ConditionStatus.Waiting;
            S.Confirmation.ConditionTargetConfirmedAt = targetConfirmedAt;
            SettleCondition(now); // met at once if the target is confirmed already
        }
        await Commit(now);
        await GrainFactory.GetGrain<IParticipantGrain>(draft.ParticipantId).AddCommitment(Id);
        // A verification that changed the participant between the look-up above and AddCommitment did not list this
        // commitment to tell: read once more now that it is listed.
        await RefreshParticipantKind();
        if (draft.TemplateId is { } templateId)
            await Link(templateId).RegisterCopy(Id);
        return ToView();
    }

    public async Task RefreshParticipantKind()
    {
        if (S.Draft is null)
            return;
        await PushIfBehind();
        if (await GrainFactory.GetGrain<IParticipantGrain>(S.Draft.ParticipantId).GetProfile() is not { } participant)
            return;
        var counted = participant.CountedKind();
        var awaitsOwnerEmail = !participant.CountsPublicly();
        if (counted == S.ParticipantKind && awaitsOwnerEmail == S.ParticipantAwaitsOwnerEmail)
            return;
        S.ParticipantKind = counted;
        S.ParticipantAwaitsOwnerEmail = awaitsOwnerEmail;
        await Commit(clock.GetUtcNow());
    }

    /// <summary>
    /// A repeated create or take-up completes what the first one may not have finished: the participant's and the
    /// template's lists, the registration with a reciprocal target and the deadline index. Each call is idempotent.
    /// </summary>
    private async Task EnsureLinks()
    {
        var draft = S.Draft!;
        await GrainFactory.GetGrain<IParticipantGrain>(draft.ParticipantId).AddCommitment(Id);
        if (draft.TemplateId is { } templateId)
            await Link(templateId).RegisterCopy(Id);
        if (draft.Condition is not { } condition || S.Confirmation.ConditionStatus != ConditionStatus.Waiting)
            return;
        if (condition.Kind == ConditionKind.Reciprocal && await Link(condition.CommitmentId!).RegisterDependant(Id) is { ConfirmedAt: { } at })
        {
            S.Confirmation.ConditionTargetConfirmedAt ??= at;
            var now = clock.GetUtcNow();
            if (SettleCondition(now))
            {
                await Commit(now);
                await UntrackDeadline();
                return;
            }
        }
        await EnsureDeadlineScheduled(condition.Deadline);
    }

    private async Task<CommitmentView> RequireTemplate(string templateId)
    {
        var template = await GrainFactory.GetGrain<ICommitmentGrain>(templateId).Get()
            ?? throw new InputRejectedException("templateId", $"Commitment '{templateId}' does not exist.");
        if (!template.IsTemplate)
            throw new InputRejectedException("templateId", $"Commitment '{templateId}' is not a template.");
        if (template.Status == CommitmentStatus.Withdrawn)
            throw new InputRejectedException("templateId", $"Template '{templateId}' was withdrawn; it can no longer be taken up.");
        if (template.TemplateCopyCount >= MaxTemplateCopies)
            throw new StateConflictException($"Template '{templateId}' has reached the limit of {MaxTemplateCopies} copies.");
        return template;
    }

    public Task<CommitmentView> Confirm(string confirmedBy, string textHash, DateTimeOffset? signedAt = null) =>
        ConfirmIn(CommitmentText.DefaultLanguage, confirmedBy, textHash, signedAt);

    public async Task<CommitmentView> ConfirmIn(string language, string confirmedBy, string textHash, DateTimeOffset? signedAt = null)
    {
        await RequireExistsAndPushed();
        language = ValidLanguage(language);
        ValidateConfirmer(confirmedBy, textHash);
        var now = clock.GetUtcNow();
        InputRules.SignedAt(signedAt, now).ThrowIfAny();
        textHash = textHash.ToLowerInvariant();
        if (S.Status != CommitmentStatus.Draft)
        {
            if (S.Confirmation.Current is { } done && done.TextHash == textHash && done.ConfirmedBy == confirmedBy)
            {
                // The same confirmation, repeated: without a signing date, or with the one it was stored with.
                if (signedAt is { } at && at != done.ConfirmedAt)
                    throw new StateConflictException($"Commitment '{Id}' was already confirmed as signed at {done.ConfirmedAt:O}, not at {at.ToUniversalTime():O}.");
                await PushIfBehind();
                await NotifyDependants(); // again: a one-way message may have been lost
                return ToView();
            }
            throw new StateConflictException($"Commitment '{Id}' is {S.Status.ToString().ToLowerInvariant()}; only a draft can be confirmed.");
        }
        RequireHashOf(S.Terms!, language, textHash, "textHash");
        if (signedAt is { } signed && S.Draft!.SessionId is { } sessionId)
            await CommitmentSessionLinks.LinkAsync(GrainFactory, Id, sessionId, signed.ToUniversalTime(), "signedAt");

        // A reciprocal condition asks its target once more (its message may have been lost), and a deadline that has
        // passed unnoticed is acted on first: a lapsed condition cannot be confirmed into force.
        var wasWaiting = S.Confirmation.ConditionStatus == ConditionStatus.Waiting;
        await RefreshConditionTarget();
        if (SettleCondition(now) && S.Confirmation.ConditionStatus == ConditionStatus.Lapsed)
        {
            await Commit(now);
            await UntrackDeadline();
        }
        if (S.Confirmation.ConditionStatus == ConditionStatus.Lapsed)
            throw new StateConflictException($"The condition of commitment '{Id}' lapsed on {S.Draft!.Condition!.Deadline:O}; it can no longer be confirmed.");

        // Signed earlier (e.g. on paper at a co-creation session) and entered now: the confirmation, and the stain's
        // time of first engagement, carry the signing time; the write itself is dated now.
        var confirmedAt = signedAt?.ToUniversalTime() ?? now;
        Confirmed(confirmedBy, confirmedAt, textHash, language);
        ClearHelpRequest();
        await Commit(now);
        if (wasWaiting && S.Confirmation.ConditionStatus != ConditionStatus.Waiting)
            await UntrackDeadline();
        await NotifyDependants();
        Announce(FeedEventKind.CommitmentConfirmed, FeedText.Detail("Confirmed", Said(confirmedBy)));
        return ToView();
    }

    /// <summary>A draft's current terms are confirmed, in memory (the caller commits); the first confirmation dates its first engagement.</summary>
    private void Confirmed(string confirmedBy, DateTimeOffset confirmedAt, string textHash, string? language)
    {
        S.Confirmation.Current = new Confirmation(confirmedBy, confirmedAt, textHash, S.TermsVersion, language);
        S.Confirmation.FirstConfirmedAt ??= confirmedAt;
        S.Status = CommitmentStatus.Confirmed;
    }

    public Task<CommitmentView> Upgrade(CommitmentTerms newTerms, string confirmedBy, string textHash) =>
        UpgradeIn(CommitmentText.DefaultLanguage, newTerms, confirmedBy, textHash);

    public async Task<CommitmentView> UpgradeIn(string language, CommitmentTerms newTerms, string confirmedBy, string textHash)
    {
        await RequireExistsAndPushed();
        language = ValidLanguage(language);
        var errors = new InputRules.Errors();
        errors.Merge(CommitmentRules.Terms(newTerms), "terms");
        errors.ThrowIfAny();
        ValidateConfirmer(confirmedBy, textHash);
        textHash = textHash.ToLowerInvariant();

        if (S.Confirmation.Current is { } current && current.TextHash == textHash && CommitmentText.HashAsRecorded(S.Terms!, current.Language) == textHash && S.TermsVersion > 1)
        {
            await PushIfBehind();
            return ToView(); // The same upgrade, repeated.
        }
        if (S.Status is not (CommitmentStatus.Confirmed or CommitmentStatus.Active))
            throw new StateConflictException($"Commitment '{Id}' is {S.Status.ToString().ToLowerInvariant()}; only a confirmed or active commitment can be upgraded.");
        if (newTerms.Level <= S.Terms!.Level)
            throw new InputRejectedException("terms.level", $"An upgrade moves up the spectrum: from {S.Terms.Level.ToString().ToLowerInvariant()} to a stronger level.");
        RequireHashOf(newTerms, language, textHash, "textHash");

        var now = clock.GetUtcNow();
        S.EarlierVersions.Add(new TermsVersion(S.TermsVersion, S.Terms, S.TermsValidFrom ?? S.CreatedAt, S.Confirmation.Current));
        S.Terms = newTerms;
        S.TermsVersion++;
        S.TermsValidFrom = now;
        S.Confirmation.Current = new Confirmation(confirmedBy, now, textHash, S.TermsVersion, language);
        ResetProgressFor(newTerms);
        await Commit(now);
        Announce(FeedEventKind.CommitmentUpgraded, FeedText.Detail("Upgraded", FeedText.Word("Level." + newTerms.Level)));
        return ToView();
    }

    public async Task<CommitmentView> ReportProgress(ProgressReport report)
    {
        await RequireExistsAndPushed();
        // The date is checked after the lookup below: a retry of a stored report is answered as such whenever it comes.
        CommitmentRules.Report(report, S.Terms).ThrowIfAny();
        // Exact, over the whole history: the newest reports are in this state, older ones in the segments' index.
        if (await FindStored(report.ReportId) is { Report: var earlier })
        {
            // The language it was written in does not make another report: a retry may come from another page.
            if (earlier != report with { Language = earlier.Language })
                throw new StateConflictException($"Report id '{report.ReportId}' was already used for another report.");
            await PushIfBehind();
            return ToView(); // A retry or duplicate: stored once.
        }
        if (S.Status is not (CommitmentStatus.Confirmed or CommitmentStatus.Active))
            throw new StateConflictException($"Commitment '{Id}' is {S.Status.ToString().ToLowerInvariant()}; progress is reported on confirmed or active commitments.");
        if (S.Draft!.IsTemplate)
            throw new StateConflictException($"Commitment '{Id}' is a template; progress is reported on its copies.");
        var now = clock.GetUtcNow();
        CommitmentRules.Report(report, S.Terms, now).ThrowIfAny();
        if (S.Reports.ReportCount >= CommitmentLimits.MaxReports)
            throw new StateConflictException($"Commitment '{Id}' has reached the limit of {CommitmentLimits.MaxReports} progress reports.");

        Apply(report, now);
        S.Status = CommitmentStatus.Active;
        await Commit(now);
        CivicMetrics.ProgressReportAccepted();
        Announce(FeedEventKind.ProgressReported, ReportDetail(report));
        return ToView();
    }

    public async Task<ProgressBatchResult> ReportProgressBatch(IReadOnlyList<ProgressReport> reports)
    {
        await RequireExistsAndPushed();
        if (reports is null || reports.Count is 0 or > CommitmentLimits.MaxReportsPerBatch)
            throw new InputRejectedException("", $"Send 1 to {CommitmentLimits.MaxReportsPerBatch} reports.");
        var errors = new InputRules.Errors();
        for (var i = 0; i < reports.Count; i++)
            errors.Merge(CommitmentRules.Report(reports[i], S.Terms), $"[{i}]");
        errors.ThrowIfAny();

        // Checked whole before anything changes: a retry of a stored report is counted, another report under a used id refused.
        var now = clock.GetUtcNow();
        var known = new Dictionary<string, ProgressReport>(StringComparer.Ordinal); // this batch's new reports
        var recent = RecentById();
        var fresh = new List<ProgressReport>(reports.Count);
        var alreadyStored = 0;
        for (var i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            if (known.TryGetValue(report.ReportId, out var earlier) || (earlier = (await FindStored(report.ReportId, recent))?.Report) is not null)
            {
                if (earlier != report)
                    throw new StateConflictException($"Report id '{report.ReportId}' was already used for another report.");
                alreadyStored++;
                continue;
            }
            var dated = new InputRules.Errors();
            dated.Merge(CommitmentRules.Report(report, S.Terms, now), $"[{i}]");
            dated.ThrowIfAny();
            known[report.ReportId] = report;
            fresh.Add(report);
        }
        if (fresh.Count == 0)
        {
            await PushIfBehind();
            return new ProgressBatchResult(ToView(), 0, alreadyStored);
        }
        if (S.Status is not (CommitmentStatus.Confirmed or CommitmentStatus.Active))
            throw new StateConflictException($"Commitment '{Id}' is {S.Status.ToString().ToLowerInvariant()}; progress is reported on confirmed or active commitments.");
        if (S.Draft!.IsTemplate)
            throw new StateConflictException($"Commitment '{Id}' is a template; progress is reported on its copies.");
        if (S.Reports.ReportCount + fresh.Count > CommitmentLimits.MaxReports)
            throw new StateConflictException($"Commitment '{Id}' would pass its limit of {CommitmentLimits.MaxReports} progress reports ({S.Reports.ReportCount} stored, {fresh.Count} new).");

        foreach (var report in fresh)
            Apply(report, now);
        S.Status = CommitmentStatus.Active;
        await Commit(now);
        for (var i = 0; i < fresh.Count; i++)
            CivicMetrics.ProgressReportAccepted();
        // One announcement per batch: followers hear that progress was reported, not every row of a spreadsheet.
        Announce(FeedEventKind.ProgressReported, fresh.Count == 1 ? ReportDetail(fresh[0]) : FeedText.Detail("ReportsMany", FeedText.Number(fresh.Count)));
        return new ProgressBatchResult(ToView(), fresh.Count, alreadyStored);
    }

    public async Task<CommitmentView> Withdraw(string reason)
    {
        await RequireExistsAndPushed();
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
            throw new InputRejectedException("reason", $"Say briefly why (1 to {MaxReasonLength} characters).");
        InputRules.CleanText("reason", reason).ThrowIfAny();
        if (S.Status == CommitmentStatus.Withdrawn)
        {
            await PushIfBehind();
            return ToView();
        }
        if (S.Status is CommitmentStatus.Achieved or CommitmentStatus.Missed)
            throw new StateConflictException($"Commitment '{Id}' is already closed as {S.Status.ToString().ToLowerInvariant()}.");
        S.Status = CommitmentStatus.Withdrawn;
        S.WithdrawalReason = reason;
        ClearHelpRequest();
        await Commit(clock.GetUtcNow());
        Announce(FeedEventKind.CommitmentWithdrawn, FeedText.Detail("Withdrawn", Said(reason)));
        return ToView();
    }

    public async Task<CommitmentView> Close(CommitmentOutcome outcome)
    {
        await RequireExistsAndPushed();
        if (!Enum.IsDefined(outcome))
            throw new InputRejectedException("outcome", "Must be achieved or missed.");
        var target = outcome == CommitmentOutcome.Achieved ? CommitmentStatus.Achieved : CommitmentStatus.Missed;
        if (S.Status == target)
        {
            await PushIfBehind();
            return ToView();
        }
        if (S.Status is not (CommitmentStatus.Confirmed or CommitmentStatus.Active))
            throw new StateConflictException($"Commitment '{Id}' is {S.Status.ToString().ToLowerInvariant()}; only a confirmed or active commitment can be closed.");
        if (S.Draft!.IsTemplate)
            throw new StateConflictException($"Commitment '{Id}' is a template; its copies are closed, not the template.");
        if (S.Draft.Condition is not null && S.Confirmation.ConditionStatus != ConditionStatus.Met)
            throw new StateConflictException($"The condition of commitment '{Id}' is {S.Confirmation.ConditionStatus.ToString()!.ToLowerInvariant()}; only a commitment in force can be closed.");
        S.Status = target;
        await Commit(clock.GetUtcNow());
        Announce(FeedEventKind.CommitmentClosed, FeedText.Detail(outcome == CommitmentOutcome.Achieved ? "ClosedAchieved" : "ClosedMissed"));
        return ToView();
    }

    public async Task<CommitmentView?> Get()
    {
        if (S.Draft is null)
            return null;
        await PushIfBehind();
        return ToView();
    }

    public async Task<CommitmentView?> GetOnce()
    {
        var view = await Get();
        if (System.Diagnostics.Stopwatch.GetElapsedTime(_activatedAt) < JustActivated)
            this.DeactivateOnIdle();
        return view;
    }

    public async Task<Contribution?> GetContribution()
    {
        if (S.Draft is null)
            return null;
        await PushIfBehind();
        return ToContribution();
    }

    public Task<CommitmentView> Join(string participantId) => JoinAs(participantId, null);

    public async Task<CommitmentView> JoinAs(string participantId, string? personId)
    {
        await RequireExistsAndPushed();
        InputRules.CoSigner(participantId).ThrowIfAny();
        if (personId is not null && string.IsNullOrWhiteSpace(personId))
            throw new InputRejectedException("personId", "A person is named by their account id, or not at all.");
        if (S.Confirmation.CoSigners.Exists(c => c.ParticipantId == participantId))
            return ToView(); // joined already: the first join time stays
        if (participantId == S.Draft!.ParticipantId)
            throw new InputRejectedException("participantId", "A participant cannot co-sign their own commitment.");
        if (S.Draft.IsTemplate)
            throw new StateConflictException($"Commitment '{Id}' is a template; take it up instead of joining it.");
        if (S.Status is not (CommitmentStatus.Confirmed or CommitmentStatus.Active))
            throw new StateConflictException($"Commitment '{Id}' is {S.Status.ToString().ToLowerInvariant()}; only a confirmed or active commitment can be joined.");
        var now = clock.GetUtcNow();
        if (SettleCondition(now))
        {
            // The deadline passed before anyone noticed: the condition lapses now, and nobody can join any more.
            await Commit(now);
            await UntrackDeadline();
        }
        if (S.Confirmation.ConditionStatus == ConditionStatus.Lapsed)
            throw new StateConflictException($"The condition of commitment '{Id}' lapsed; it can no longer be joined.");
        if (S.Confirmation.CoSigners.Count >= MaxCoSigners)
            throw new StateConflictException($"Commitment '{Id}' has reached the limit of {MaxCoSigners} co-signers.");
        var profile = await GrainFactory.GetGrain<IParticipantGrain>(participantId).GetProfile()
            ?? throw new InputRejectedException("participantId", $"Participant '{participantId}' does not exist.");

        S.Confirmation.CoSigners.Add(new CoSigner(participantId, now, profile.NeighbourhoodCode, personId));
        var wasWaiting = S.Confirmation.ConditionStatus == ConditionStatus.Waiting;
        SettleCondition(now);
        await Commit(now);
        if (wasWaiting && S.Confirmation.ConditionStatus != ConditionStatus.Waiting)
            await UntrackDeadline();
        Announce(FeedEventKind.CommitmentJoined, FeedText.Detail("CoSignerJoined", FeedText.Number(S.Confirmation.CoSigners.Count)));
        return ToView();
    }

    public async Task<CommitmentView> Leave(string participantId)
    {
        await RequireExistsAndPushed();
        InputRules.CoSigner(participantId).ThrowIfAny();
        var index = S.Confirmation.CoSigners.FindIndex(c => c.ParticipantId == participantId);
        if (index < 0)
            return ToView();
        S.Confirmation.CoSigners.RemoveAt(index);
        await Commit(clock.GetUtcNow());
        return ToView();
    }

    public async Task<ConditionTarget?> RegisterDependant(string dependantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dependantId);
        if (ToConditionTarget() is not { Accepted: true } target)
            return ToConditionTarget();
        await PushIfBehind();
        if (S.Confirmation.Dependants.Contains(dependantId))
            return target;
        if (S.Confirmation.Dependants.Count >= MaxDependants)
            return target with { Accepted = false, RefusalReason = $"has reached the limit of {MaxDependants} commitments depending on it." };
        S.Confirmation.Dependants.Add(dependantId);
        await Commit(clock.GetUtcNow());
        return target;
    }

    public Task<ConditionTarget?> GetConditionTarget() => Task.FromResult(ToConditionTarget());

    public async Task RegisterCopy(string copyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(copyId);
        RequireExists();
        if (!S.Draft!.IsTemplate)
            throw new StateConflictException($"Commitment '{Id}' is not a template.");
        await PushIfBehind();
        if (S.TemplateCopies.Contains(copyId))
            return;
        S.TemplateCopies.Add(copyId);
        await Commit(clock.GetUtcNow());
    }

    public async Task ConditionTargetConfirmed(string commitmentId, DateTimeOffset confirmedAt)
    {
        if (S.Draft?.Condition is not { Kind: ConditionKind.Reciprocal } condition || condition.CommitmentId != commitmentId)
            return;
        await PushIfBehind();
        if (S.Confirmation.ConditionStatus != ConditionStatus.Waiting)
            return;
        S.Confirmation.ConditionTargetConfirmedAt ??= confirmedAt;
        var now = clock.GetUtcNow();
        if (SettleCondition(now))
        {
            await Commit(now);
            await UntrackDeadline();
        }
    }

    public async Task ConditionDeadlinePassed()
    {
        if (S.Draft is null)
        {
            await UntrackDeadline(); // listed by a creation that was never stored
            return;
        }
        await PushIfBehind();
        if (S.Draft.Condition is not { } condition || S.Confirmation.ConditionStatus != ConditionStatus.Waiting)
        {
            await UntrackDeadline();
            return;
        }
        var now = clock.GetUtcNow();
        if (now < condition.Deadline)
            return; // not due by this silo's clock: the index tells it again
        await RefreshConditionTarget();
        if (SettleCondition(now))
            await Commit(now);
        await UntrackDeadline();
    }

    private ICommitmentLinkGrain Link(string commitmentId) => GrainFactory.GetGrain<ICommitmentLinkGrain>(commitmentId);

    private ICommitmentDeadlineGrain Deadlines => GrainFactory.GetGrain<ICommitmentDeadlineGrain>(CommitmentDeadlines.IndexKey);

    private ConditionTarget? ToConditionTarget()
    {
        if (S.Draft is null)
            return null;
        if (S.Draft.IsTemplate)
            return new ConditionTarget(Id, false, "is a template; a condition names one of its copies.", null);
        if (S.Status == CommitmentStatus.Withdrawn && S.Confirmation.FirstConfirmedAt is null)
            return new ConditionTarget(Id, false, "was withdrawn before it was confirmed.", null);
        return new ConditionTarget(Id, true, null, S.Confirmation.FirstConfirmedAt);
    }

    /// <summary>
    /// Moves a waiting condition on, in memory (the caller commits): met when its target was confirmed by the deadline
    /// (reciprocal) or when the required number of co-signers from the commitment's neighbourhood had joined by then
    /// (threshold, met at the time of the last join it needed); otherwise lapsed once <paramref name="now"/> has reached
    /// the deadline. Returns whether it changed.
    /// </summary>
    private bool SettleCondition(DateTimeOffset now)
    {
        if (S.Draft?.Condition is not { } condition || S.Confirmation.ConditionStatus != ConditionStatus.Waiting)
            return false;
        DateTimeOffset? metAt = null;
        switch (condition.Kind)
        {
            case ConditionKind.Reciprocal when S.Confirmation.ConditionTargetConfirmedAt is { } at && at <= condition.Deadline:
                metAt = at;
                break;
            case ConditionKind.NeighbourhoodThreshold when condition.RequiredCoSigners is { } required:
                // Each person counts once, from their first join: three organisations of one person are one neighbour.
                var joined = NeighbourhoodPeople().Select(p => p.JoinedAt).Order().ToList();
                if (joined.Count >= required && joined[required - 1] <= condition.Deadline)
                    metAt = joined[required - 1];
                break;
        }
        if (metAt is not null)
        {
            S.Confirmation.ConditionStatus = ConditionStatus.Met;
            S.Confirmation.ConditionMetAt = metAt;
            return true;
        }
        if (now < condition.Deadline)
            return false;
        S.Confirmation.ConditionStatus = ConditionStatus.Lapsed;
        S.Confirmation.ConditionLapsedAt = now;
        return true;
    }

    /// <summary>A waiting reciprocal condition that has not heard of its target's confirmation asks the target (an awaited call to an older commitment).</summary>
    private async Task RefreshConditionTarget()
    {
        if (S.Draft?.Condition is { Kind: ConditionKind.Reciprocal } condition && S.Confirmation.ConditionStatus == ConditionStatus.Waiting
            && S.Confirmation.ConditionTargetConfirmedAt is null
            && await Link(condition.CommitmentId!).GetConditionTarget() is { ConfirmedAt: { } at })
        {
            S.Confirmation.ConditionTargetConfirmedAt = at;
        }
    }

    private IEnumerable<CoSigner> NeighbourhoodCoSigners() =>
        S.Confirmation.CoSigners.Where(c => c.NeighbourhoodCode == S.Draft!.NeighbourhoodCode);

    /// <summary>Who a co-signature is, for counting people: the account that joined, or else the participant.</summary>
    private static string PersonKey(CoSigner c) => c.PersonId is { } person ? "account:" + person : "participant:" + c.ParticipantId;

    /// <summary>The first co-signature of each distinct person from the commitment's neighbourhood.</summary>
    private IEnumerable<CoSigner> NeighbourhoodPeople() =>
        NeighbourhoodCoSigners().GroupBy(PersonKey, StringComparer.Ordinal).Select(g => g.MinBy(c => c.JoinedAt)!);

    /// <summary>Best effort: if the index cannot be reached now, it tells this commitment at the deadline and is untracked then.</summary>
    private async Task UntrackDeadline()
    {
        try
        {
            await Deadlines.Untrack(Id);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Commitment {CommitmentId} could not leave the deadline index; it does so when the index tells it of its deadline", Id);
        }
    }

    /// <summary>One-way to every dependant: this commitment is confirmed. Never awaits a dependant's work.</summary>
    private async Task NotifyDependants()
    {
        if (S.Confirmation.FirstConfirmedAt is not { } confirmedAt)
            return;
        foreach (var dependant in S.Confirmation.Dependants)
        {
            try
            {
                await Link(dependant).ConditionTargetConfirmed(Id, confirmedAt);
            }
            catch (Exception ex)
            {
                // The dependant asks again when it is confirmed and before it lapses.
                logger.LogWarning(ex, "Commitment {CommitmentId} could not tell {Dependant} of its confirmation", Id, dependant);
            }
        }
    }

    /// <summary>In force, and its participant's owner has verified their e-mail address where that is required: it counts publicly once confirmed.</summary>
    private bool CountsPublicly => InForce && !S.ParticipantAwaitsOwnerEmail;

    /// <summary>Not a template, and without a condition or with a met one: it counts once confirmed.</summary>
    private bool InForce => !S.Draft!.IsTemplate && (S.Draft.Condition is null || S.Confirmation.ConditionStatus == ConditionStatus.Met);

    /// <summary>From when a commitment in force counts: its first confirmation, or the meeting of its condition if later.</summary>
    private DateTimeOffset? EngagedSince =>
        S.Confirmation.FirstConfirmedAt is { } first ? (S.Confirmation.ConditionMetAt is { } met && met > first ? met : first) : null;

    /// <summary>
    /// Tells the followers of this commitment, its participant, its goals and its neighbourhood what changed: one one-way
    /// call per topic, after the change is durable, so a report never waits for anyone's feed. The event id is the same
    /// on every topic, so a person following several of them sees the change once.
    /// </summary>
    private void Announce(FeedEventKind kind, FeedDetail detail)
    {
        var draft = S.Draft!;
        var feedEvent = FeedEventOf($"{Id}:v{S.Version}", new FollowTopic(FollowTopicKind.Commitment, Id), kind,
            TextHidden ? ModerationRules.HiddenTitle : S.Terms!.Title, detail, S.UpdatedAt);
        IEnumerable<FollowTopic> topics =
        [
            feedEvent.Topic,
            new(FollowTopicKind.Participant, draft.ParticipantId),
            new(FollowTopicKind.Neighbourhood, draft.NeighbourhoodCode),
            .. draft.Goals.Select(g => new FollowTopic(FollowTopicKind.Goal, g.GoalId)),
        ];
        foreach (var topic in topics.Distinct())
            _ = GrainFactory.GetFollowTopic(topic).Announce(feedEvent with { Topic = topic });
    }

    /// <summary>
    /// A feed event whose summary each reader gets in their language (<see cref="FeedText"/>); the stored summary is the Dutch
    /// text, for readers that do not know the detail's key.
    /// </summary>
    private FeedEvent FeedEventOf(string eventId, FollowTopic topic, FeedEventKind kind, string title, FeedDetail detail, DateTimeOffset at) =>
        new(eventId, topic, kind, Id, Shorten(title, InputRules.MaxTitleLength),
            Shorten(FeedText.Render(detail, Texts.Languages.Culture(Texts.Languages.Dutch))!, FollowRules.MaxSummaryLength), at, detail);

    /// <summary>A person's own words in a feed event: as written, shortened to fit a summary.</summary>
    private static FeedArgument Said(string text) => FeedText.Text(Shorten(text.Trim(), FollowRules.MaxSummaryLength / 2));

    private static FeedDetail ReportDetail(ProgressReport report) =>
        report.Value is { } value ? FeedText.Detail("NewValue", FeedText.Number(value))
        : report.CompletedMilestoneId is not null ? FeedText.Detail("ActionDone")
        : report.Note is { Length: > 0 } note ? FeedText.Detail("Note", Said(note))
        : FeedText.Detail("Reported");

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private async Task Commit(DateTimeOffset now)
    {
        S.Version++;
        S.UpdatedAt = now;
        // The reporting reminder follows the change (CommitmentGrain.Coaching.cs): scheduled before the write, so a
        // stored confirmation never lacks it; the queue and a cancelled reminder after it.
        await BeforeCoachingWrite(now);
        try
        {
            // Full segments of the history first, then this state, which says which segments count (CommitmentGrain.Reports.cs).
            await SealFullSegments();
            await state.WriteStateAsync();
        }
        catch
        {
            // The change is in this activation's memory but may not be stored: a new activation starts again from what is.
            DeactivateOnIdle();
            throw;
        }
        await Push();
        await AfterCoachingWrite();
    }

    private Task PushIfBehind() => S.PushedVersion < S.Version ? Push() : Task.CompletedTask;

    private async Task Push()
    {
        var contribution = ToContribution();
        var shard = GrainFactory.GetGrain<IContributionShardGrain>(AggregateScope.ShardFor(S.Draft!.ParticipantId));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await shard.Report(contribution);
                break;
            }
            catch (Exception ex) when (attempt < MaxPushAttempts && IsTransient(ex))
            {
                // The shard was moving (deactivating, or its silo leaving): the push is idempotent, so try again.
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt));
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Commitment {CommitmentId} could not push version {Version}; it is pushed again on the next call or activation", Id, S.Version);
                throw;
            }
        }
        S.PushedVersion = contribution.Version;
    }

    private static bool IsTransient(Exception ex) => ex is OrleansMessageRejectionException or SiloUnavailableException;

    private Contribution ToContribution()
    {
        var now = clock.GetUtcNow();
        var progress = ProgressRules.Normalised(S.Terms!, S.Reports.CurrentValue, S.Reports.CompletedMilestones.Count);
        var onTrack = S.Status switch
        {
            CommitmentStatus.Achieved => S.Terms!.Level != CommitmentLevel.Pledge,
            CommitmentStatus.Confirmed or CommitmentStatus.Active =>
                ProgressRules.IsOnTrack(S.Terms!, progress, S.Confirmation.Current?.ConfirmedAt ?? S.CreatedAt, now, S.Reports.CompletedMilestones),
            _ => false,
        };
        // Not counting publicly (a condition waiting, a template, an owner's e-mail address not verified yet): by status only.
        var counts = CountsPublicly;
        return new Contribution(Id, S.Version, S.Draft!.ParticipantId, S.ParticipantKind, S.Terms!.Level, S.Status,
            progress, onTrack, counts ? EngagedSince : null, S.Scopes, S.UpdatedAt, NotInForce: !counts,
            ConditionDeadline: S.Confirmation.ConditionStatus == ConditionStatus.Waiting ? S.Draft.Condition?.Deadline : null,
            VerifiedProgress: VerifiedProgressOf(progress), ClaimTier: NewestClaimTier(),
            HelpRequestedAt: S.Status == CommitmentStatus.Draft ? S.Coaching.HelpRequestedAt : null,
            TextHidden: TextHidden);
    }

    private CommitmentView ToView()
    {
        var progress = ProgressRules.Normalised(S.Terms!, S.Reports.CurrentValue, S.Reports.CompletedMilestones.Count);
        var facts = CoachingFacts();
        return new(
            Id,
            S.Draft!.ParticipantId,
            S.Draft.Goals,
            S.Draft.NeighbourhoodCode,
            S.Terms!,
            S.TermsVersion,
            S.Status,
            S.Confirmation.Current,
            progress,
            S.Reports.CurrentValue,
            [.. S.Reports.CompletedMilestones],
            NewestReports(),
            [.. S.EarlierVersions],
            S.CreatedAt,
            S.UpdatedAt,
            S.Version,
            S.WithdrawalReason,
            S.Draft.Condition,
            S.Confirmation.ConditionStatus,
            S.Confirmation.ConditionMetAt,
            S.Confirmation.ConditionLapsedAt,
            [.. S.Confirmation.CoSigners.Select(c => c with { PersonId = null })],
            S.Confirmation.CoSigners.Count,
            NeighbourhoodPeople().Count(),
            S.Draft.IsTemplate,
            S.Draft.TemplateId,
            [.. S.TemplateCopies],
            S.TemplateCopies.Count,
            [.. S.Confirmation.Dependants],
            CountsPublicly && (S.Status is CommitmentStatus.Confirmed or CommitmentStatus.Active or CommitmentStatus.Achieved or CommitmentStatus.Missed),
            CommitmentPhases.Assess(facts, clock.GetUtcNow()).Phase,
            facts.NextReportDue,
            S.Coaching.LastNudgedAt,
            S.Coaching.NudgeCount,
            ReportingInterval,
            SessionId: S.Draft.SessionId,
            Verifications: VerificationsInReportOrder(),
            ClaimTier: NewestClaimTier(),
            VerifiedProgress: VerifiedProgressOf(progress),
            Moderation: [.. S.Moderation.Actions],
            TextHidden: TextHidden,
            HelpRequestedAt: S.Coaching.HelpRequestedAt,
            HelpRequest: S.Coaching.HelpRequest,
            ReportCount: S.Reports.ReportCount,
            RecentValues: [.. S.Reports.RecentValues],
            Language: S.Draft.Language,
            TitleTranslations: S.Draft.TitleTranslations,
            DescriptionTranslations: S.Draft.DescriptionTranslations);
    }

    private void RequireExists()
    {
        if (S.Draft is null)
            throw new KeyNotFoundException($"Commitment '{Id}' does not exist.");
    }

    /// <summary>
    /// Every call first completes a push that failed earlier (the change itself is durable in this grain), so the
    /// aggregates catch up on the next interaction of any kind, not only on a retry of the same request.
    /// </summary>
    private async Task RequireExistsAndPushed()
    {
        RequireExists();
        await PushIfBehind();
    }

    private static void ValidateConfirmer(string confirmedBy, string textHash)
    {
        if (string.IsNullOrWhiteSpace(confirmedBy) || confirmedBy.Length > MaxConfirmerLength)
            throw new InputRejectedException("confirmedBy", $"Name who confirms (1 to {MaxConfirmerLength} characters).");
        InputRules.CleanText("confirmedBy", confirmedBy, multiLine: false).ThrowIfAny();
        if (string.IsNullOrWhiteSpace(textHash) || textHash.Length != 64)
            throw new InputRejectedException("textHash", "The SHA-256 (64 hex characters) of the exact text being confirmed is required.");
    }

    private static void RequireHashOf(CommitmentTerms terms, string language, string textHash, string field)
    {
        if (!string.Equals(CommitmentText.Hash(terms, language), textHash, StringComparison.OrdinalIgnoreCase))
            throw new InputRejectedException(field, $"The hash does not match the current text of the commitment in '{language}'; read the text again and confirm that.");
    }

    private static string ValidLanguage(string language) =>
        CommitmentText.Language(language)
        ?? throw new InputRejectedException("language", $"The text is confirmed in one of {string.Join(", ", CommitmentText.Languages)}.");

    private static bool SameDraft(CommitmentDraft a, CommitmentDraft b) =>
        a.ParticipantId == b.ParticipantId
        && a.NeighbourhoodCode == b.NeighbourhoodCode
        && a.Goals.SequenceEqual(b.Goals)
        && CommitmentText.Hash(a.Terms) == CommitmentText.Hash(b.Terms)
        && Equals(a.Condition, b.Condition)
        && a.IsTemplate == b.IsTemplate
        && a.TemplateId == b.TemplateId
        && a.SessionId == b.SessionId
        && a.ReportingInterval == b.ReportingInterval
        && Equals(a.TitleTranslations, b.TitleTranslations)
        && Equals(a.DescriptionTranslations, b.DescriptionTranslations);
}
