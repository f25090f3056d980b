using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Evidence;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Progress;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Commitments;

/// <summary>
/// A progress report as its entrance read it, before it is named and dated: <c>ReportId</c> null means "a new id" (or the
/// one <c>IdempotencyKey</c> derives), <c>ReportedAt</c> null means "now".
/// </summary>
public sealed record ProgressInput(
    string? ReportId,
    DateTimeOffset? ReportedAt,
    double? Value,
    string? CompletedMilestoneId,
    string? Note,
    string? EvidenceUrl,
    string? IdempotencyKey = null,
    string? Language = null);

/// <summary>
/// Reporting progress on one commitment: the one way in for the API (POST /api/commitments/{id}/progress) and the
/// site's report form, in the steps every command takes — who is acting (<see cref="Actor"/>, resolved by the caller),
/// authorisation (<see cref="AuthoriseAsync"/>), validation (<see cref="CheckAsync"/>: <see cref="CommitmentRules.Report"/>,
/// the rules CSV imports and metric feeds use too, plus uploaded evidence that must exist), the grain call and its
/// result (<see cref="RunAsync"/>). Callers only translate their input (JSON, a form, an Idempotency-Key header) and
/// the answer (problem+json, form errors). Refusals are exceptions the API answers as problem+json: 401/403/404
/// (<see cref="Problems.ApiProblemException"/>), 400 (<see cref="InputRejectedException"/>), 409
/// (<see cref="StateConflictException"/>).
/// </summary>
public sealed class ReportProgressCommand(IClusterClient orleans, Access access, CivicClock clock, IEvidenceStore evidence, WriteBudgets budgets)
{
    /// <summary>
    /// The right to report on <see cref="CommitmentId"/>, as <see cref="AuthoriseAsync"/> granted it. <see cref="Commitment"/>
    /// is the commitment as read for the check; null for the operator token, whose reports skip that read.
    /// </summary>
    public sealed record Permit(Actor Actor, string CommitmentId, CommitmentView? Commitment);

    /// <summary>A report named and dated, with whether its entrance gave the date and the id.</summary>
    public sealed record Prepared(ProgressReport Report, bool DateGiven, bool IdGiven);

    /// <summary>
    /// Who may report: the operator token on any commitment (the hot path of automated feeds: one grain call per report);
    /// anyone else needs <see cref="ParticipantRight.Report"/> on the commitment's participant, which costs reading the
    /// commitment (404 if there is none, 401 if not signed in, 403 otherwise). Checked before the input is read.
    /// </summary>
    public async Task<Permit> AuthoriseAsync(Actor actor, string commitmentId)
    {
        if (actor.IsOperator)
        {
            // The hot path reads nothing, so the id's shape is checked here: a blank or malformed id names no grain (an
            // Orleans key of whitespace made a 500), as the lookup of every other caller answers.
            if (!ApiIds.IsWellFormed(commitmentId))
                throw ApiProblems.NotFound("commitment", commitmentId);
            return new Permit(actor, commitmentId, null);
        }
        var commitment = await access.RequireForCommitmentAsync(actor, commitmentId, ParticipantRight.Report);
        return new Permit(actor, commitment.Id, commitment);
    }

    /// <summary>
    /// Names and dates the report: the given id, else one derived from the Idempotency-Key (a retry with the same key
    /// finds it stored), else a new one; the given date, else now.
    /// </summary>
    public Prepared Prepare(Permit permit, ProgressInput input)
    {
        var reportId = input.ReportId
            ?? (input.IdempotencyKey is null ? ApiIds.New("r") : IdempotencyKeys.ReportId(permit.Actor, input.IdempotencyKey, $"progress:{permit.CommitmentId}"));
        var report = new ProgressReport(reportId, input.ReportedAt ?? clock.GetUtcNow(), input.Value, input.CompletedMilestoneId, input.Note, input.EvidenceUrl,
            CivicContracting.Texts.Languages.Code(input.Language) ?? input.Language);
        return new Prepared(report, input.ReportedAt is not null, input.ReportId is not null || input.IdempotencyKey is not null);
    }

    /// <summary>
    /// Every broken rule of the report, by field: those of <see cref="CommitmentRules.Report"/> (the commitment's terms too
    /// when the permit read it; the grain checks them in any case) and uploaded evidence that must exist.
    /// </summary>
    public async Task<InputRules.Errors> CheckAsync(Permit permit, Prepared prepared, CancellationToken cancellationToken)
    {
        var report = prepared.Report;
        var errors = CommitmentRules.Report(report, permit.Commitment?.Terms, clock.GetUtcNow());
        if (report.Language is not null)
            errors.Merge(CivicContracting.Accounts.AccountRules.Language(report.Language), "");
        if (errors.IsValid && InputRules.IsEvidencePath(report.EvidenceUrl)
            && !await evidence.ExistsAsync(report.EvidenceUrl![InputRules.EvidencePathPrefix.Length..], cancellationToken))
            errors.Add("evidenceUrl", ApiText.EvidenceNotUploaded);
        return errors;
    }

    /// <summary>
    /// Checks the report (400 naming every bad field) and stores it: once, however often it is sent. A report with an id
    /// but no date of its own is compared with the stored one first, as a retry of it differs in its date alone.
    /// </summary>
    public async Task<CommitmentView> RunAsync(Permit permit, Prepared prepared, CancellationToken cancellationToken)
    {
        (await CheckAsync(permit, prepared, cancellationToken)).ThrowIfAny();
        await budgets.SpendAsync(permit.Actor, CivicContracting.Accounts.BudgetedWrite.ProgressReport);
        var grain = orleans.GetGrain<ICommitmentGrain>(permit.CommitmentId);
        if (prepared.DateGiven || !prepared.IdGiven)
            return await grain.ReportProgress(prepared.Report);
        var (view, _) = await IdempotentReports.SendAsync(grain, prepared.Report, dateGiven: false, permit.Commitment);
        return view;
    }
}
