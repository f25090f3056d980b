using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Hosting;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicContracting.Web.Commitments;

/// <summary>A commitment as sent to the API: <see cref="CommitmentDraft"/> plus an optional id chosen by the client.</summary>
public sealed record NewCommitment(
    string ParticipantId,
    IReadOnlyList<GoalWeight> Goals,
    string NeighbourhoodCode,
    CommitmentTerms Terms,
    string? Id = null)
{
    public CommitmentDraft ToDraft() => new(ParticipantId, Goals, NeighbourhoodCode, Terms);
}

/// <summary>The exact text a participant confirms, with the hash to send back in the confirmation.</summary>
public sealed record CommitmentTextView(string CommitmentId, int TermsVersion, CommitmentLevel Level, string Text, string TextHash);

/// <summary>
/// A formal confirmation as sent to the API. <c>signedAt</c> (optional) is when the commitment was signed, e.g. on
/// paper at a co-creation session, for a confirmation the support team enters later; without it, the confirmation is
/// dated now.
/// </summary>
public sealed record ConfirmationRequest(string ConfirmedBy, string TextHash, DateTimeOffset? SignedAt = null);

public sealed record UpgradeRequest(CommitmentTerms Terms, string ConfirmedBy, string TextHash);

public sealed record WithdrawalRequest(string Reason);

public sealed record ClosureRequest(CommitmentOutcome Outcome);

/// <summary>A progress report as sent to the API. Send the same <c>reportId</c> again to retry safely; it is stored once.</summary>
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

        group.MapPost("/", Create)
            .WithName("CreateCommitment")
            .WithSummary("Makes a commitment as a draft: a pledge, an action commitment (with milestones) or a result commitment (with a target).")
            .AcceptsOperatorJson<NewCommitment>()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/{id}", Get)
            .WithName("GetCommitment")
            .WithSummary("A commitment with its current terms, confirmation, progress, report history and earlier versions.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/text", GetText)
            .WithName("GetCommitmentText")
            .WithSummary("The exact text of the current terms and its SHA-256, to show before confirming.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/confirmation", Confirm)
            .WithName("ConfirmCommitment")
            .WithSummary("Records the formal confirmation of a draft: who confirmed, the hash of the exact text confirmed and, optionally, signedAt: when the commitment was signed, e.g. on paper at a co-creation session (default now).")
            .AcceptsOperatorJson<ConfirmationRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id}/upgrade", Upgrade)
            .WithName("UpgradeCommitment")
            .WithSummary("Moves a confirmed commitment to a stronger level, confirmed in the same step; the earlier terms stay readable.")
            .AcceptsOperatorJson<UpgradeRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id}/progress", ReportProgress)
            .WithName("ReportProgress")
            .WithSummary("Reports progress: a measured value (result), a completed milestone (action) or a note. reportId makes retries idempotent.")
            .AcceptsOperatorJson<ProgressRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id}/withdrawal", Withdraw)
            .WithName("WithdrawCommitment")
            .WithSummary("Withdraws a commitment, with a reason. It stays readable but no longer counts as engagement.")
            .AcceptsOperatorJson<WithdrawalRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id}/closure", Close)
            .WithName("CloseCommitment")
            .WithSummary("Closes a confirmed or active commitment as achieved or missed.")
            .AcceptsOperatorJson<ClosureRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Created<CommitmentView>, Ok<CommitmentView>>> Create(HttpContext context, IClusterClient orleans)
    {
        var body = await JsonBody.ReadAsync<NewCommitment>(context);
        var draft = body.ToDraft();
        var errors = InputRules.Draft(draft);
        ApiIds.Check(errors, "id", body.Id);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);

        // The participant and every goal must exist; checked here so that the answer names the field.
        if (await orleans.GetGrain<IParticipantGrain>(draft.ParticipantId).GetProfile() is null)
            errors.Add("participantId", $"There is no participant '{draft.ParticipantId}'.");
        var goals = await Task.WhenAll(draft.Goals.Select(g => orleans.GetGrain<IGoalGrain>(g.GoalId).GetInfo()));
        for (var i = 0; i < goals.Length; i++)
        {
            if (goals[i] is null)
                errors.Add($"goals[{i}].goalId", $"There is no goal '{draft.Goals[i].GoalId}'.");
        }
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
        TypedResults.Ok(await RequireCommitment(orleans, id));

    public static async Task<Ok<CommitmentTextView>> GetText(string id, IClusterClient orleans)
    {
        var view = await RequireCommitment(orleans, id);
        return TypedResults.Ok(new CommitmentTextView(view.Id, view.TermsVersion, view.Terms.Level,
            CommitmentText.Render(view.Terms), CommitmentText.Hash(view.Terms)));
    }

    public static async Task<Ok<CommitmentView>> Confirm(string id, HttpContext context, IClusterClient orleans, TimeProvider clock)
    {
        var view = await RequireCommitment(orleans, id);
        var body = await JsonBody.ReadAsync<ConfirmationRequest>(context);
        var errors = InputRules.SignedAt(body.SignedAt, clock.GetUtcNow());
        CheckConfirmer(errors, body.ConfirmedBy, body.TextHash);
        if (errors.IsValid && view.Status == CommitmentStatus.Draft && !HashMatches(view.Terms, body.TextHash))
            errors.Add("textHash", $"Does not match the current text (version {view.TermsVersion}); read GET /api/commitments/{id}/text and confirm that.");
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        return TypedResults.Ok(await orleans.GetGrain<ICommitmentGrain>(id).Confirm(body.ConfirmedBy.Trim(), body.TextHash.Trim(), body.SignedAt));
    }

    public static async Task<Ok<CommitmentView>> Upgrade(string id, HttpContext context, IClusterClient orleans)
    {
        var view = await RequireCommitment(orleans, id);
        var body = await JsonBody.ReadAsync<UpgradeRequest>(context);
        var errors = new InputRules.Errors();
        errors.Merge(InputRules.Terms(body.Terms), "terms");
        CheckConfirmer(errors, body.ConfirmedBy, body.TextHash);
        if (errors.IsValid)
        {
            if (body.Terms.Level <= view.Terms.Level && !HashMatches(view.Terms, body.TextHash))
                errors.Add("terms.level", $"An upgrade moves up the spectrum: from {ApiJson.CamelCase(view.Terms.Level.ToString())} to a stronger level.");
            else if (!HashMatches(body.Terms, body.TextHash))
                errors.Add("textHash", "Does not match the text of the new terms; render them (GET …/text shows the format) and confirm their SHA-256.");
        }
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        return TypedResults.Ok(await orleans.GetGrain<ICommitmentGrain>(id).Upgrade(body.Terms, body.ConfirmedBy.Trim(), body.TextHash.Trim()));
    }

    public static async Task<Ok<CommitmentView>> ReportProgress(string id, HttpContext context, IClusterClient orleans, TimeProvider clock)
    {
        // The hot path: one grain call. Rules that need the commitment's terms (a value only on a result commitment,
        // a known action, no future date) are checked by the grain, which answers unknown ids with 404 and broken
        // rules with 400 naming the field; reading the whole commitment first would cost a second call per report.
        var body = await JsonBody.ReadAsync<ProgressRequest>(context);
        var report = new ProgressReport(body.ReportId ?? ApiIds.New("r"), body.ReportedAt ?? clock.GetUtcNow(),
            body.Value, body.CompletedMilestoneId, body.Note, body.EvidenceUrl);
        var errors = InputRules.Report(report);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        return TypedResults.Ok(await orleans.GetGrain<ICommitmentGrain>(id).ReportProgress(report));
    }

    public static async Task<Ok<CommitmentView>> Withdraw(string id, HttpContext context, IClusterClient orleans)
    {
        await RequireCommitment(orleans, id);
        var body = await JsonBody.ReadAsync<WithdrawalRequest>(context);
        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > MaxReasonLength)
            throw ApiProblems.Invalid("reason", $"Say briefly why (1 to {MaxReasonLength} characters).");
        return TypedResults.Ok(await orleans.GetGrain<ICommitmentGrain>(id).Withdraw(body.Reason));
    }

    public static async Task<Ok<CommitmentView>> Close(string id, HttpContext context, IClusterClient orleans)
    {
        await RequireCommitment(orleans, id);
        var body = await JsonBody.ReadAsync<ClosureRequest>(context);
        return TypedResults.Ok(await orleans.GetGrain<ICommitmentGrain>(id).Close(body.Outcome));
    }

    private static async Task<CommitmentView> RequireCommitment(IClusterClient orleans, string id) =>
        (ApiIds.IsWellFormed(id) ? await orleans.GetGrain<ICommitmentGrain>(id).Get() : null)
        ?? throw ApiProblems.NotFound("commitment", id);

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
