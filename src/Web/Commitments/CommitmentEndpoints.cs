using CivicContracting.Accounts;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Hosting;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Evidence;
using CivicContracting.Web.Hosting;
using CivicContracting.Web.Json;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Paging;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Progress;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicContracting.Web.Commitments;

/// <summary>
/// A commitment as sent to the API: <see cref="CommitmentDraft"/> plus an optional id chosen by the client. A
/// <c>condition</c> makes it conditional ("if N others in my neighbourhood join", "if commitment C is confirmed");
/// <c>isTemplate</c> (support team) makes it a template others take up per neighbourhood. <c>reportingInterval</c>
/// (e.g. "30.00:00:00", 7 to 365 days; default the platform's, 90 days): how often progress is expected. <c>sessionId</c>: the co-creation
/// session it was made at (or after), which must have started; it stays with the commitment (a revision sends it again).
/// </summary>
public sealed record NewCommitment(
    string ParticipantId,
    IReadOnlyList<GoalWeight> Goals,
    string NeighbourhoodCode,
    CommitmentTerms Terms,
    string? Id = null,
    CommitmentCondition? Condition = null,
    bool IsTemplate = false,
    TimeSpan? ReportingInterval = null,
    string? SessionId = null)
{
    public CommitmentDraft ToDraft() => new(ParticipantId, Goals, NeighbourhoodCode, Terms, Condition, IsTemplate, ReportingInterval: ReportingInterval, SessionId: SessionId);
}

/// <summary>A participant joining a commitment as co-signer ("me too").</summary>
public sealed record CoSignerRequest(string ParticipantId);

/// <summary>A template taken up: a copy of its goals and terms for another participant, counting in its own neighbourhood.</summary>
public sealed record TakeUpRequest(string ParticipantId, string NeighbourhoodCode, string? Id = null, CommitmentCondition? Condition = null);

/// <summary>The exact text a participant confirms, with the hash to send back in the confirmation.</summary>
public sealed record CommitmentTextView(string CommitmentId, int TermsVersion, CommitmentLevel Level, string Text, string TextHash);

/// <summary>
/// A formal confirmation as sent to the API. A signed-in person confirms under their public name (their participant's
/// pseudonym, or for an organisation their display name); <c>confirmedBy</c> is for the support team and the operator
/// token, naming who signed. <c>signedAt</c> (optional, the same callers) is when the commitment was signed, e.g. on
/// paper at a co-creation session; without it, the confirmation is dated now.
/// </summary>
public sealed record ConfirmationRequest(string TextHash, string? ConfirmedBy = null, DateTimeOffset? SignedAt = null);

/// <summary>An upgrade, confirmed in the same step. <c>confirmedBy</c> as for <see cref="ConfirmationRequest"/>.</summary>
public sealed record UpgradeRequest(CommitmentTerms Terms, string TextHash, string? ConfirmedBy = null);

public sealed record WithdrawalRequest(string Reason);

public sealed record ClosureRequest(CommitmentOutcome Outcome);

/// <summary>
/// A progress report as sent to the API. Send the same <c>reportId</c> again to retry safely; it is stored once. Without
/// a reportId, an <c>Idempotency-Key</c> header does the same (<see cref="Progress.IdempotencyKeys"/>). <c>evidenceUrl</c>:
/// an absolute http(s) link, or the url of evidence uploaded with POST /api/commitments/{id}/evidence.
/// </summary>
public sealed record ProgressRequest(
    string? ReportId = null,
    DateTimeOffset? ReportedAt = null,
    double? Value = null,
    string? CompletedMilestoneId = null,
    string? Note = null,
    string? EvidenceUrl = null);

/// <summary>Commitments: made as a draft, confirmed formally, upgraded along the spectrum, reported on, closed or withdrawn.</summary>
public static class CommitmentEndpoints
{
    private const int MaxConfirmerLength = 120;
    private const int MaxReasonLength = 2_000;

    public static void MapCommitments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/commitments").WithTags("Commitments");
        group.RedactForThePublic(); // what moderators hid reaches only the support team, from every endpoint of the group

        group.MapPost("/", Create)
            .WithName("CreateCommitment")
            .WithSummary("Makes a commitment as a draft: a pledge, an action commitment (with milestones) or a result commitment (with a target).")
            .AcceptsWriteJson<NewCommitment>()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPut("/{id}", Revise)
            .WithName("ReviseDraft")
            .WithSummary("Revises a draft before it is confirmed: its goals, neighbourhood and terms (participant and condition stay). A confirmed commitment is upgraded instead.")
            .AcceptsWriteJson<NewCommitment>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/{id}", Get)
            .WithName("GetCommitment")
            .WithSummary("A commitment with its current terms, confirmation, progress, its newest reports (reports, at most 20; reportCount in all) and earlier versions. "
                + "The whole report history: GET /api/commitments/{id}/reports.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/reports", GetReports)
            .WithName("GetCommitmentReports")
            .WithSummary("The commitment's progress history, newest first (by report date), a page at a time: ?page=1&pageSize=20 (1 to 100). "
                + "What moderators hid is redacted for the public, as in GET /api/commitments/{id}.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/text", GetText)
            .WithName("GetCommitmentText")
            .WithSummary("The exact text of the current terms and its SHA-256, to show before confirming.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/confirmation", Confirm)
            .WithName("ConfirmCommitment")
            .WithSummary("Records the formal confirmation of a draft: who confirmed, the hash of the exact text confirmed and, optionally, signedAt: when the commitment was signed, e.g. on paper at a co-creation session (default now).")
            .AcceptsWriteJson<ConfirmationRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id}/upgrade", Upgrade)
            .WithName("UpgradeCommitment")
            .WithSummary("Moves a confirmed commitment to a stronger level, confirmed in the same step; the earlier terms stay readable.")
            .AcceptsWriteJson<UpgradeRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id}/progress", ReportProgress)
            .WithName("ReportProgress")
            .WithSummary("Reports progress: a measured value (result), a completed milestone (action) or a note, optionally with evidenceUrl: an http(s) link or "
                + "the url of uploaded evidence (POST /api/commitments/{id}/evidence). Idempotent: a report with the same reportId is stored once; without a reportId, "
                + "an Idempotency-Key header names the report (its id is derived from the caller and the key), so a retry with the same key never reports twice.")
            .AcceptsWriteJson<ProgressRequest>()
            .WithMetadata(new IdempotencyKeyHeader("Without a reportId: names the report, so that a retry with the same key (from the same caller) is stored once. A new key for each new report."))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id}/withdrawal", Withdraw)
            .WithName("WithdrawCommitment")
            .WithSummary("Withdraws a commitment, with a reason. It stays readable but no longer counts as engagement.")
            .AcceptsWriteJson<WithdrawalRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id}/co-signers", Join)
            .WithName("JoinCommitment")
            .WithSummary("Joins a confirmed commitment as co-signer (\"me too\") for a participant the caller acts for; joining again is a no-op. Co-signers from the commitment's neighbourhood count towards a threshold condition.")
            .AcceptsWriteJson<CoSignerRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapDelete("/{id}/co-signers/{participantId}", Leave)
            .RequireSignedIn()
            .WithName("LeaveCommitment")
            .WithSummary("Removes a co-signer the caller acts for.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/copies", TakeUp)
            .WithName("TakeUpTemplate")
            .WithSummary("Takes up a template commitment: a draft copy of its goals and terms for a participant the caller acts for, in the neighbourhood given, where it counts once confirmed.")
            .AcceptsWriteJson<TakeUpRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id}/closure", Close)
            .WithName("CloseCommitment")
            .WithSummary("Closes a confirmed or active commitment as achieved or missed.")
            .AcceptsWriteJson<ClosureRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Created<CommitmentView>, Ok<CommitmentView>>> Create(HttpContext context, IClusterClient orleans, Access access, CivicClock clock)
    {
        var body = await JsonBody.ReadAsync<NewCommitment>(context);
        var draft = body.ToDraft();
        var errors = CommitmentRules.Draft(draft, clock.GetUtcNow(), body.Id);
        ApiIds.Check(errors, "id", body.Id);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        var actor = await access.RequireForParticipantAsync(context, draft.ParticipantId, ParticipantRight.Draft);
        // Templates are offered by the support team and the city's administrators, for others to take up.
        if (draft.IsTemplate && !actor.IsCoachOrAdministrator)
            throw Access.Forbidden("Only the support team and administrators offer template commitments. Nothing was stored.");

        // The participant and every goal must exist; checked here so that the answer names the field.
        if (await orleans.GetGrain<IParticipantGrain>(draft.ParticipantId).GetProfile() is null)
            errors.Add("participantId", $"There is no participant '{draft.ParticipantId}'.");
        var goals = await Task.WhenAll(draft.Goals.Select(g => orleans.GetGrain<IGoalGrain>(g.GoalId).GetInfo()));
        for (var i = 0; i < goals.Length; i++)
        {
            if (goals[i] is null)
                errors.Add($"goals[{i}].goalId", $"There is no goal '{draft.Goals[i].GoalId}'.");
        }
        await Sessions.SessionEndpoints.CheckSessionForCommitmentAsync(orleans, draft.SessionId, clock.GetUtcNow(), errors);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);

        var id = body.Id ?? ApiIds.New("c");
        var grain = orleans.GetGrain<ICommitmentGrain>(id);
        var existed = body.Id is not null && await grain.Get() is not null;
        var view = await grain.Create(draft);
        return existed
            ? TypedResults.Ok(view)
            : TypedResults.Created($"/api/commitments/{Uri.EscapeDataString(id)}", view);
    }

    public static async Task<Ok<CommitmentView>> Get(string id, IClusterClient orleans) =>
        TypedResults.Ok(await Access.RequireCommitmentAsync(orleans, id));

    public static async Task<Ok<Paged<ProgressReport>>> GetReports(string id, int? page, int? pageSize, HttpContext context, IClusterClient orleans, Access access)
    {
        var paging = PageRequest.From(page, pageSize);
        var view = await Access.RequireCommitmentAsync(orleans, id);
        var history = await orleans.GetGrain<ICommitmentGrain>(view.Id).GetReports(paging.Page, paging.PageSize);
        var reports = PublicView.HidesReports(view)
            ? PublicView.ReportsFor(await access.ActorAsync(context), view, history.Reports)
            : history.Reports;
        return TypedResults.Ok(paging.Of(reports, history.TotalReports));
    }

    public static async Task<Ok<CommitmentTextView>> GetText(string id, HttpContext context, IClusterClient orleans, Access access)
    {
        var view = await PublicView.ForTextAsync(context, access, await Access.RequireCommitmentAsync(orleans, id));
        return TypedResults.Ok(new CommitmentTextView(view.Id, view.TermsVersion, view.Terms.Level,
            CommitmentText.Render(view.Terms), CommitmentText.Hash(view.Terms)));
    }

    public static async Task<Ok<CommitmentView>> Confirm(string id, HttpContext context, IClusterClient orleans, CivicClock clock, Access access)
    {
        var (actor, view) = await access.RequireForCommitmentAsync(context, id, ParticipantRight.Confirm);
        var body = await JsonBody.ReadAsync<ConfirmationRequest>(context);
        if (body.SignedAt is not null)
            await access.RequireForParticipantAsync(context, view.ParticipantId, ParticipantRight.Backdate);
        var confirmedBy = await Confirmer(orleans, actor, view.ParticipantId, body.ConfirmedBy);
        var errors = InputRules.SignedAt(body.SignedAt, clock.GetUtcNow());
        CheckConfirmer(errors, confirmedBy, body.TextHash);
        if (errors.IsValid && view.Status == CommitmentStatus.Draft && !HashMatches(view.Terms, body.TextHash))
            errors.Add("textHash", $"Does not match the current text (version {view.TermsVersion}); read GET /api/commitments/{id}/text and confirm that.");
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        return TypedResults.Ok(await orleans.GetGrain<ICommitmentGrain>(id).Confirm(confirmedBy!.Trim(), body.TextHash.Trim(), body.SignedAt));
    }

    public static async Task<Ok<CommitmentView>> Upgrade(string id, HttpContext context, IClusterClient orleans, Access access)
    {
        var (actor, view) = await access.RequireForCommitmentAsync(context, id, ParticipantRight.Upgrade);
        var body = await JsonBody.ReadAsync<UpgradeRequest>(context);
        var confirmedBy = await Confirmer(orleans, actor, view.ParticipantId, body.ConfirmedBy);
        var errors = new InputRules.Errors();
        errors.Merge(CommitmentRules.Terms(body.Terms), "terms");
        CheckConfirmer(errors, confirmedBy, body.TextHash);
        if (errors.IsValid)
        {
            if (body.Terms.Level <= view.Terms.Level && !HashMatches(view.Terms, body.TextHash))
                errors.Add("terms.level", $"An upgrade moves up the spectrum: from {ApiJson.CamelCase(view.Terms.Level.ToString())} to a stronger level.");
            else if (!HashMatches(body.Terms, body.TextHash))
                errors.Add("textHash", "Does not match the text of the new terms; render them (GET …/text shows the format) and confirm their SHA-256.");
        }
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        return TypedResults.Ok(await orleans.GetGrain<ICommitmentGrain>(id).Upgrade(body.Terms, confirmedBy!.Trim(), body.TextHash.Trim()));
    }

    public static async Task<Ok<CommitmentView>> ReportProgress(string id, HttpContext context, IClusterClient orleans, CivicClock clock, Access access, IEvidenceStore evidence)
    {
        // The hot path of automated feeds: with the operator token, one grain call. Rules that need the commitment's
        // terms (a value only on a result commitment, a known action, no future date) are checked by the grain, which
        // answers unknown ids with 404 and broken rules with 400 naming the field. A person's report costs a second
        // call: the commitment is read to check that they report for its participant. A report with an id (its own or
        // derived from the Idempotency-Key) but no date is compared with the stored one first (IdempotentReports), and
        // a relative evidenceUrl is checked against the evidence store.
        var actor = await access.ActorAsync(context);
        CommitmentView? known = null;
        if (!actor.IsOperator)
            (_, known) = await access.RequireForCommitmentAsync(context, id, ParticipantRight.Report);
        var key = IdempotencyKeys.Read(context);
        var body = await JsonBody.ReadAsync<ProgressRequest>(context);
        // Without a reportId, the Idempotency-Key names the report: a retry with the same key finds it stored.
        var reportId = body.ReportId ?? (key is null ? ApiIds.New("r") : IdempotencyKeys.ReportId(actor, key, $"progress:{id}"));
        var report = new ProgressReport(reportId, body.ReportedAt ?? clock.GetUtcNow(),
            body.Value, body.CompletedMilestoneId, body.Note, body.EvidenceUrl);
        var errors = CommitmentRules.Report(report);
        if (errors.IsValid && InputRules.IsEvidencePath(report.EvidenceUrl) && !await evidence.ExistsAsync(report.EvidenceUrl![InputRules.EvidencePathPrefix.Length..], context.RequestAborted))
            errors.Add("evidenceUrl", "No evidence was uploaded under this url; upload the file first (POST /api/commitments/{id}/evidence) and give the url it answers.");
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        var grain = orleans.GetGrain<ICommitmentGrain>(id);
        if (body.ReportedAt is not null || (body.ReportId is null && key is null))
            return TypedResults.Ok(await grain.ReportProgress(report));
        // A retry of a report dated on arrival differs from the stored one in its date alone: recognised as the same.
        var (view, _) = await IdempotentReports.SendAsync(grain, report, dateGiven: false, known);
        return TypedResults.Ok(view);
    }

    public static async Task<Ok<CommitmentView>> Withdraw(string id, HttpContext context, IClusterClient orleans, Access access)
    {
        await access.RequireForCommitmentAsync(context, id, ParticipantRight.Withdraw);
        var body = await JsonBody.ReadAsync<WithdrawalRequest>(context);
        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > MaxReasonLength)
            throw ApiProblems.Invalid("reason", $"Say briefly why (1 to {MaxReasonLength} characters).");
        return TypedResults.Ok(await orleans.GetGrain<ICommitmentGrain>(id).Withdraw(body.Reason));
    }

    public static async Task<Ok<CommitmentView>> Revise(string id, HttpContext context, IClusterClient orleans, Access access, CivicClock clock)
    {
        var (_, view) = await access.RequireForCommitmentAsync(context, id, ParticipantRight.Draft);
        var body = await JsonBody.ReadAsync<NewCommitment>(context);
        var draft = body.ToDraft();
        var errors = CommitmentRules.Draft(draft, clock.GetUtcNow(), id);
        if (body.Id is not null && body.Id != id)
            errors.Add("id", "The id is the one in the path.");
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        return TypedResults.Ok(await orleans.GetGrain<ICommitmentGrain>(view.Id).Revise(draft));
    }

    public static async Task<Ok<CommitmentView>> Join(string id, HttpContext context, IClusterClient orleans, Access access)
    {
        var commitment = await Access.RequireCommitmentAsync(orleans, id);
        var body = await JsonBody.ReadAsync<CoSignerRequest>(context);
        InputRules.CoSigner(body.ParticipantId).ThrowIfAny();
        await access.RequireForParticipantAsync(context, body.ParticipantId, ParticipantRight.Confirm);
        return TypedResults.Ok(await orleans.GetGrain<ICommitmentGrain>(commitment.Id).Join(body.ParticipantId));
    }

    public static async Task<Ok<CommitmentView>> Leave(string id, string participantId, HttpContext context, IClusterClient orleans, Access access)
    {
        var commitment = await Access.RequireCommitmentAsync(orleans, id);
        InputRules.CoSigner(participantId).ThrowIfAny();
        await access.RequireForParticipantAsync(context, participantId, ParticipantRight.Confirm);
        return TypedResults.Ok(await orleans.GetGrain<ICommitmentGrain>(commitment.Id).Leave(participantId));
    }

    public static async Task<Results<Created<CommitmentView>, Ok<CommitmentView>>> TakeUp(string id, HttpContext context, IClusterClient orleans, Access access, CivicClock clock)
    {
        var template = await Access.RequireCommitmentAsync(orleans, id);
        var body = await JsonBody.ReadAsync<TakeUpRequest>(context);
        var takeUp = new TemplateTakeUp(template.Id, body.ParticipantId, body.NeighbourhoodCode, body.Condition);
        var errors = CommitmentRules.TakeUp(takeUp, clock.GetUtcNow(), body.Id);
        ApiIds.Check(errors, "id", body.Id);
        if (!template.IsTemplate)
            errors.Add("id", $"Commitment '{template.Id}' is not a template; join it as co-signer instead.");
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        await access.RequireForParticipantAsync(context, body.ParticipantId, ParticipantRight.Draft);
        var copyId = body.Id ?? ApiIds.New("c");
        var grain = orleans.GetGrain<ICommitmentGrain>(copyId);
        var existed = body.Id is not null && await grain.Get() is not null;
        var view = await grain.TakeUp(takeUp);
        return existed ? TypedResults.Ok(view) : TypedResults.Created($"/api/commitments/{Uri.EscapeDataString(copyId)}", view);
    }

    public static async Task<Ok<CommitmentView>> Close(string id, HttpContext context, IClusterClient orleans, Access access)
    {
        await access.RequireForCommitmentAsync(context, id, ParticipantRight.Close);
        var body = await JsonBody.ReadAsync<ClosureRequest>(context);
        return TypedResults.Ok(await orleans.GetGrain<ICommitmentGrain>(id).Close(body.Outcome));
    }


    /// <summary>
    /// Who the confirmation names: a person confirms under their public name — their participant's display name (a
    /// pseudonym unless they chose otherwise) for their own commitments, their account's display name for an
    /// organisation's. The support team and the operator token name the signer (e.g. of a paper form) in confirmedBy.
    /// </summary>
    public static async Task<string?> Confirmer(IClusterClient orleans, Actor actor, string participantId, string? given)
    {
        if (actor.IsCoachOrAdministrator)
        {
            if (!string.IsNullOrWhiteSpace(given) || actor.Account is null)
                return given;
        }
        if (actor.Account is null)
            return given;
        if (actor.Account.ParticipantId == participantId)
            return (await orleans.GetGrain<IParticipantGrain>(participantId).GetProfile())?.DisplayName ?? actor.Account.DisplayName;
        return actor.Account.DisplayName;
    }

    private static void CheckConfirmer(InputRules.Errors errors, string? confirmedBy, string? textHash)
    {
        if (string.IsNullOrWhiteSpace(confirmedBy) || confirmedBy.Trim().Length > MaxConfirmerLength)
            errors.Add("confirmedBy", $"Name who confirms (1 to {MaxConfirmerLength} characters).");
        if (string.IsNullOrWhiteSpace(textHash) || textHash.Trim().Length != 64 || !textHash.Trim().All(char.IsAsciiHexDigit))
            errors.Add("textHash", "The SHA-256 (64 hex characters) of the exact text being confirmed; GET /api/commitments/{id}/text gives it.");
    }

    private static bool HashMatches(CommitmentTerms terms, string textHash) =>
        string.Equals(CommitmentText.Hash(terms), textHash.Trim(), StringComparison.OrdinalIgnoreCase);
}
