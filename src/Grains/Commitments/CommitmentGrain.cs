using CivicContracting.Aggregation;
using CivicContracting.Goals;
using CivicContracting.Hosting;
using CivicContracting.Observability;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Validation;
using Microsoft.Extensions.Logging;

namespace CivicContracting.Commitments;

/// <summary>
/// One commitment: its terms, confirmation, lifecycle and progress history. Every change is written to its own
/// state first and then pushed, as an absolute versioned <see cref="Contribution"/>, to its contribution shard;
/// the call returns once the shard has made it durable, so an acknowledged change is never lost.
/// </summary>
public sealed class CommitmentGrain(
    [PersistentState("commitment", GrainStorage.Name)] IPersistentState<CommitmentState> state,
    TimeProvider clock,
    ILogger<CommitmentGrain> logger) : Grain, ICommitmentGrain
{
    public const int MaxReports = 5_000;

    /// <summary>The most reports of one <see cref="ReportProgressBatch"/> call (one write of the commitment's state).</summary>
    public const int MaxReportsPerBatch = 1_000;
    private const int MaxConfirmerLength = 120;
    private const int MaxReasonLength = 2_000;
    private const int MaxPushAttempts = 3;

    private string Id => this.GetPrimaryKeyString();

    private CommitmentState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A push that failed (or was cut off by a crash) before the caller got its answer is completed here.
        if (S.Draft is not null && S.PushedVersion < S.Version)
            await Push();
    }

    public async Task<CommitmentView> Create(CommitmentDraft draft)
    {
        InputRules.Draft(draft).ThrowIfAny();
        if (S.Draft is { } existing)
        {
            if (!SameDraft(existing, draft))
                throw new StateConflictException($"Commitment '{Id}' already exists with other content.");
            await PushIfBehind();
            return ToView();
        }

        var participant = await GrainFactory.GetGrain<IParticipantGrain>(draft.ParticipantId).GetProfile()
            ?? throw new InputRejectedException("participantId", $"Participant '{draft.ParticipantId}' does not exist.");

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

        var now = clock.GetUtcNow();
        S.Draft = draft;
        S.ParticipantKind = participant.Kind;
        S.Scopes = [.. scopes.Select(s => new ScopeWeight(s.Key, s.Value))];
        S.Terms = draft.Terms;
        S.TermsVersion = 1;
        S.Status = CommitmentStatus.Draft;
        S.CreatedAt = now;
        await Commit(now);
        await GrainFactory.GetGrain<IParticipantGrain>(draft.ParticipantId).AddCommitment(Id);
        return ToView();
    }

    public async Task<CommitmentView> Confirm(string confirmedBy, string textHash, DateTimeOffset? signedAt = null)
    {
        await RequireExistsAndPushed();
        ValidateConfirmer(confirmedBy, textHash);
        var now = clock.GetUtcNow();
        InputRules.SignedAt(signedAt, now).ThrowIfAny();
        textHash = textHash.ToLowerInvariant();
        if (S.Status != CommitmentStatus.Draft)
        {
            if (S.Confirmation is { } done && done.TextHash == textHash && done.ConfirmedBy == confirmedBy)
            {
                // The same confirmation, repeated: without a signing date, or with the one it was stored with.
                if (signedAt is { } at && at != done.ConfirmedAt)
                    throw new StateConflictException($"Commitment '{Id}' was already confirmed as signed at {done.ConfirmedAt:O}, not at {at.ToUniversalTime():O}.");
                await PushIfBehind();
                return ToView();
            }
            throw new StateConflictException($"Commitment '{Id}' is {S.Status.ToString().ToLowerInvariant()}; only a draft can be confirmed.");
        }
        RequireHashOf(S.Terms!, textHash, "textHash");

        // Signed earlier (e.g. on paper at a co-creation session) and entered now: the confirmation, and the stain's
        // time of first engagement, carry the signing time; the write itself is dated now.
        var confirmedAt = signedAt?.ToUniversalTime() ?? now;
        S.Confirmation = new Confirmation(confirmedBy, confirmedAt, textHash, S.TermsVersion);
        S.FirstConfirmedAt ??= confirmedAt;
        S.Status = CommitmentStatus.Confirmed;
        await Commit(now);
        return ToView();
    }

    public async Task<CommitmentView> Upgrade(CommitmentTerms newTerms, string confirmedBy, string textHash)
    {
        await RequireExistsAndPushed();
        var errors = new InputRules.Errors();
        errors.Merge(InputRules.Terms(newTerms), "terms");
        errors.ThrowIfAny();
        ValidateConfirmer(confirmedBy, textHash);
        textHash = textHash.ToLowerInvariant();

        if (S.Confirmation is { } current && current.TextHash == textHash && CommitmentText.Hash(S.Terms!) == textHash && S.TermsVersion > 1)
        {
            await PushIfBehind();
            return ToView(); // The same upgrade, repeated.
        }
        if (S.Status is not (CommitmentStatus.Confirmed or CommitmentStatus.Active))
            throw new StateConflictException($"Commitment '{Id}' is {S.Status.ToString().ToLowerInvariant()}; only a confirmed or active commitment can be upgraded.");
        if (newTerms.Level <= S.Terms!.Level)
            throw new InputRejectedException("terms.level", $"An upgrade moves up the spectrum: from {S.Terms.Level.ToString().ToLowerInvariant()} to a stronger level.");
        RequireHashOf(newTerms, textHash, "textHash");

        var now = clock.GetUtcNow();
        S.EarlierVersions.Add(new TermsVersion(S.TermsVersion, S.Terms, S.TermsValidFrom ?? S.CreatedAt, S.Confirmation));
        S.Terms = newTerms;
        S.TermsVersion++;
        S.TermsValidFrom = now;
        S.Confirmation = new Confirmation(confirmedBy, now, textHash, S.TermsVersion);
        // Values measured against the old terms mean nothing against the new target; actions done stay done if still listed.
        S.CurrentValue = null;
        S.CurrentValueAt = null;
        var listed = (newTerms.Milestones ?? []).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        S.CompletedMilestones.RemoveAll(id => !listed.Contains(id));
        await Commit(now);
        return ToView();
    }

    public async Task<CommitmentView> ReportProgress(ProgressReport report)
    {
        await RequireExistsAndPushed();
        InputRules.Report(report, S.Terms).ThrowIfAny();
        if (S.Reports.FirstOrDefault(r => r.ReportId == report.ReportId) is { } earlier)
        {
            if (earlier != report)
                throw new StateConflictException($"Report id '{report.ReportId}' was already used for another report.");
            await PushIfBehind();
            return ToView(); // A retry or duplicate: stored once.
        }
        if (S.Status is not (CommitmentStatus.Confirmed or CommitmentStatus.Active))
            throw new StateConflictException($"Commitment '{Id}' is {S.Status.ToString().ToLowerInvariant()}; progress is reported on confirmed or active commitments.");
        var now = clock.GetUtcNow();
        if (report.ReportedAt > now.AddDays(1))
            throw new InputRejectedException("reportedAt", "A report cannot be dated in the future.");
        if (S.Reports.Count >= MaxReports)
            throw new StateConflictException($"Commitment '{Id}' has reached the limit of {MaxReports} progress reports.");

        Apply(report);
        S.Status = CommitmentStatus.Active;
        await Commit(now);
        CivicMetrics.ProgressReportAccepted();
        return ToView();
    }

    public async Task<ProgressBatchResult> ReportProgressBatch(IReadOnlyList<ProgressReport> reports)
    {
        await RequireExistsAndPushed();
        if (reports is null || reports.Count is 0 or > MaxReportsPerBatch)
            throw new InputRejectedException("", $"Send 1 to {MaxReportsPerBatch} reports.");
        var errors = new InputRules.Errors();
        for (var i = 0; i < reports.Count; i++)
            errors.Merge(InputRules.Report(reports[i], S.Terms), $"[{i}]");
        errors.ThrowIfAny();

        // Checked whole before anything changes: a retry of a stored report is counted, another report under a used id refused.
        var now = clock.GetUtcNow();
        var known = S.Reports.ToDictionary(r => r.ReportId, StringComparer.Ordinal);
        var fresh = new List<ProgressReport>(reports.Count);
        var alreadyStored = 0;
        for (var i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            if (known.TryGetValue(report.ReportId, out var earlier))
            {
                if (earlier != report)
                    throw new StateConflictException($"Report id '{report.ReportId}' was already used for another report.");
                alreadyStored++;
                continue;
            }
            if (report.ReportedAt > now.AddDays(1))
                throw new InputRejectedException($"[{i}].reportedAt", "A report cannot be dated in the future.");
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
        if (S.Reports.Count + fresh.Count > MaxReports)
            throw new StateConflictException($"Commitment '{Id}' would pass its limit of {MaxReports} progress reports ({S.Reports.Count} stored, {fresh.Count} new).");

        foreach (var report in fresh)
            Apply(report);
        S.Status = CommitmentStatus.Active;
        await Commit(now);
        for (var i = 0; i < fresh.Count; i++)
            CivicMetrics.ProgressReportAccepted();
        return new ProgressBatchResult(ToView(), fresh.Count, alreadyStored);
    }

    /// <summary>Adds a checked report: the newest measurement wins, whatever order reports arrive in; the history stays ordered by date.</summary>
    private void Apply(ProgressReport report)
    {
        if (report.Value is { } value && (S.CurrentValueAt is null || report.ReportedAt >= S.CurrentValueAt))
        {
            S.CurrentValue = value;
            S.CurrentValueAt = report.ReportedAt;
        }
        if (report.CompletedMilestoneId is { } milestone && !S.CompletedMilestones.Contains(milestone))
            S.CompletedMilestones.Add(milestone);
        var at = S.Reports.FindLastIndex(r => r.ReportedAt <= report.ReportedAt) + 1;
        S.Reports.Insert(at, report);
    }

    public async Task<CommitmentView> Withdraw(string reason)
    {
        await RequireExistsAndPushed();
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
            throw new InputRejectedException("reason", $"Say briefly why (1 to {MaxReasonLength} characters).");
        if (S.Status == CommitmentStatus.Withdrawn)
        {
            await PushIfBehind();
            return ToView();
        }
        if (S.Status is CommitmentStatus.Achieved or CommitmentStatus.Missed)
            throw new StateConflictException($"Commitment '{Id}' is already closed as {S.Status.ToString().ToLowerInvariant()}.");
        S.Status = CommitmentStatus.Withdrawn;
        S.WithdrawalReason = reason;
        await Commit(clock.GetUtcNow());
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
        S.Status = target;
        await Commit(clock.GetUtcNow());
        return ToView();
    }

    public async Task<CommitmentView?> Get()
    {
        if (S.Draft is null)
            return null;
        await PushIfBehind();
        return ToView();
    }

    public async Task<Contribution?> GetContribution()
    {
        if (S.Draft is null)
            return null;
        await PushIfBehind();
        return ToContribution();
    }

    private async Task Commit(DateTimeOffset now)
    {
        S.Version++;
        S.UpdatedAt = now;
        await state.WriteStateAsync();
        await Push();
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
        var progress = ProgressRules.Normalised(S.Terms!, S.CurrentValue, S.CompletedMilestones.Count);
        var onTrack = S.Status switch
        {
            CommitmentStatus.Achieved => S.Terms!.Level != CommitmentLevel.Pledge,
            CommitmentStatus.Confirmed or CommitmentStatus.Active =>
                ProgressRules.IsOnTrack(S.Terms!, progress, S.Confirmation?.ConfirmedAt ?? S.CreatedAt, now, S.CompletedMilestones),
            _ => false,
        };
        return new Contribution(Id, S.Version, S.Draft!.ParticipantId, S.ParticipantKind, S.Terms!.Level, S.Status,
            progress, onTrack, S.FirstConfirmedAt, S.Scopes, S.UpdatedAt);
    }

    private CommitmentView ToView() => new(
        Id,
        S.Draft!.ParticipantId,
        S.Draft.Goals,
        S.Draft.NeighbourhoodCode,
        S.Terms!,
        S.TermsVersion,
        S.Status,
        S.Confirmation,
        ProgressRules.Normalised(S.Terms!, S.CurrentValue, S.CompletedMilestones.Count),
        S.CurrentValue,
        [.. S.CompletedMilestones],
        [.. S.Reports],
        [.. S.EarlierVersions],
        S.CreatedAt,
        S.UpdatedAt,
        S.Version,
        S.WithdrawalReason);

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
        if (string.IsNullOrWhiteSpace(textHash) || textHash.Length != 64)
            throw new InputRejectedException("textHash", "The SHA-256 (64 hex characters) of the exact text being confirmed is required.");
    }

    private static void RequireHashOf(CommitmentTerms terms, string textHash, string field)
    {
        if (!string.Equals(CommitmentText.Hash(terms), textHash, StringComparison.OrdinalIgnoreCase))
            throw new InputRejectedException(field, "The hash does not match the current text of the commitment; read the text again and confirm that.");
    }

    private static bool SameDraft(CommitmentDraft a, CommitmentDraft b) =>
        a.ParticipantId == b.ParticipantId
        && a.NeighbourhoodCode == b.NeighbourhoodCode
        && a.Goals.SequenceEqual(b.Goals)
        && CommitmentText.Hash(a.Terms) == CommitmentText.Hash(b.Terms);
}

[GenerateSerializer, Alias("cc.CommitmentState.v1")]
public sealed class CommitmentState
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

    /// <summary>The newest version known to be durable in the shard; persisted with the next write, so a restart may re-push once.</summary>
    [Id(18)] public long PushedVersion { get; set; }
}
