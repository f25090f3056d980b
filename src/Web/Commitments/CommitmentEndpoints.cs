using CivicContracting.Accounts;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Hosting;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Content;
using CivicContracting.Web.Evidence;
using CivicContracting.Web.Json;
using CivicContracting.Web.Paging;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Progress;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Security;
using CivicContracting.Web.Texts;
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
    string? SessionId = null,
    string? Language = null,
    TranslationsInput? Translations = null)
{
    public CommitmentDraft ToDraft() => new(ParticipantId, Goals, NeighbourhoodCode, Terms, Condition, IsTemplate, ReportingInterval: ReportingInterval, SessionId: SessionId, Language: Language);

    /// <summary>
    /// The draft, written in <see cref="Language"/> when given, else in the language the request asks for (unknown when
    /// none); a template's <see cref="Translations"/> (<c>{"title": {"fr": "…"}}</c>, as goals have) beside its terms, a
    /// translation into an unknown language an error in <paramref name="errors"/> (that only templates have them is the draft's rule).
    /// </summary>
    public CommitmentDraft ToDraft(HttpRequest request, InputRules.Errors errors)
    {
        var draft = ToDraft() with { Language = Language ?? SiteCultureProvider.RequestedLanguage(request) };
        if (Translations is null)
            return draft;
        var original = CivicContracting.Texts.Languages.Code(draft.Language);
        return draft with
        {
            TitleTranslations = ContentText.Parse(Translations.Title, Terms?.Title ?? "", original, "title", errors),
            DescriptionTranslations = ContentText.Parse(Translations.Description, Terms?.Description ?? "", original, "description", errors),
        };
    }
}

/// <summary>A participant joining a commitment as co-signer ("me too").</summary>
public sealed record CoSignerRequest(string ParticipantId);

/// <summary>A template taken up: a copy of its goals and terms for another participant, counting in its own neighbourhood.</summary>
/// <c>language</c>: the language to take it up in (the request's when left out); the copy gets the template's text in it where the city translated it.
public sealed record TakeUpRequest(string ParticipantId, string NeighbourhoodCode, string? Id = null, CommitmentCondition? Condition = null, string? Language = null);

/// <summary>
/// The exact text a participant confirms, with the hash to send back in the confirmation. <c>Language</c>: the text's
/// language (null for the legacy English text of confirmations recorded before languages, asked for as
/// <c>?language=legacy</c>). <c>IsConfirmedText</c>: this is the very text the current confirmation's hash was made of.
/// </summary>
public sealed record CommitmentTextView(string CommitmentId, int TermsVersion, CommitmentLevel Level, string Text, string TextHash,
    string? Language = null, bool IsConfirmedText = false);

/// <summary>
/// A formal confirmation as sent to the API. A signed-in person confirms under their public name (their participant's
/// pseudonym, or for an organisation their display name); <c>confirmedBy</c> is for the support team and the operator
/// token, naming who signed. <c>signedAt</c> (optional, the same callers) is when the commitment was signed, e.g. on
/// paper at a co-creation session; without it, the confirmation is dated now. <c>language</c>: the language of the text
/// whose hash is sent (nl, fr or en; default the request's language, as for GET …/text).
/// </summary>
public sealed record ConfirmationRequest(string TextHash, string? ConfirmedBy = null, DateTimeOffset? SignedAt = null, string? Language = null);

/// <summary>An upgrade, confirmed in the same step. <c>confirmedBy</c> as for <see cref="ConfirmationRequest"/>.</summary>
public sealed record UpgradeRequest(CommitmentTerms Terms, string TextHash, string? ConfirmedBy = null, string? Language = null);

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
    string? EvidenceUrl = null,
    string? Language = null);

/// <summary>Commitments: made as a draft, confirmed formally, upgraded along the spectrum, reported on, closed or withdrawn.</summary>
public static class CommitmentEndpoints
{

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
            .WithSummary("The exact text of the current terms and its SHA-256, to show before confirming: ?language=nl, fr or en (default: the language the current terms were confirmed in, else the request's). "
                + "?language=legacy gives the English text of confirmations recorded before languages; isConfirmedText says whether this is the text the confirmation's hash was made of.")
            .ProducesValidationProblem()
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

    public static async Task<Results<Created<CommitmentView>, Ok<CommitmentView>>> Create(HttpContext context, Access access, CreateCommitmentCommand command)
    {
        var body = await JsonBody.ReadAsync<NewCommitment>(context);
        var errors = new InputRules.Errors();
        var draft = body.ToDraft(context.Request, errors);
        errors.ThrowIfAny();
        var (view, created) = await command.RunAsync(await access.ActorAsync(context), draft, body.Id);
        return created
            ? TypedResults.Created($"/api/commitments/{Uri.EscapeDataString(view.Id)}", view)
            : TypedResults.Ok(view);
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

    public static async Task<Ok<CommitmentTextView>> GetText(string id, string? language, HttpContext context, IClusterClient orleans, Access access)
    {
        var errors = new InputRules.Errors();
        var textLanguage = string.Equals(language?.Trim(), LegacyText, StringComparison.OrdinalIgnoreCase) ? null : Confirmations.Language(errors, language);
        errors.ThrowIfAny();
        var view = await PublicView.ForTextAsync(context, access, await Access.RequireCommitmentAsync(orleans, id));
        // Without a language, terms already confirmed are shown as confirmed (what a verifier wants); a draft in the request's.
        if (string.IsNullOrWhiteSpace(language) && view.Confirmation is { } current && current.TermsVersion == view.TermsVersion)
            textLanguage = current.Language;
        var text = CommitmentText.RenderAsRecorded(view.Terms, textLanguage);
        var hash = CommitmentText.HashAsRecorded(view.Terms, textLanguage);
        var confirmed = view.Confirmation is { } confirmation && confirmation.TermsVersion == view.TermsVersion
            && confirmation.Language == textLanguage && string.Equals(confirmation.TextHash, hash, StringComparison.OrdinalIgnoreCase);
        return TypedResults.Ok(new CommitmentTextView(view.Id, view.TermsVersion, view.Terms.Level, text, hash, textLanguage, confirmed));
    }

    /// <summary>The <c>?language=</c> of the English text confirmed before languages (a confirmation without a language).</summary>
    public const string LegacyText = "legacy";

    public static async Task<Ok<CommitmentView>> Confirm(string id, HttpContext context, Access access, ConfirmCommitmentCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), id);
        var body = await JsonBody.ReadAsync<ConfirmationRequest>(context);
        return TypedResults.Ok(await command.RunAsync(permit, new ConfirmationInput(body.TextHash, body.ConfirmedBy, body.SignedAt, body.Language)));
    }

    public static async Task<Ok<CommitmentView>> Upgrade(string id, HttpContext context, Access access, UpgradeCommitmentCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), id);
        var body = await JsonBody.ReadAsync<UpgradeRequest>(context);
        return TypedResults.Ok(await command.RunAsync(permit, body.Terms, body.TextHash, body.ConfirmedBy, body.Language));
    }

    /// <summary>
    /// Translation only (<see cref="ReportProgressCommand"/> does the work): the actor is resolved and authorised before
    /// the body is read, so a caller without the right learns nothing from the validation of its input.
    /// </summary>
    public static async Task<Ok<CommitmentView>> ReportProgress(string id, HttpContext context, Access access, ReportProgressCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), id);
        var key = IdempotencyKeys.Read(context);
        var body = await JsonBody.ReadAsync<ProgressRequest>(context);
        var input = new ProgressInput(body.ReportId, body.ReportedAt, body.Value, body.CompletedMilestoneId, body.Note, body.EvidenceUrl, key,
            body.Language ?? SiteCultureProvider.RequestedLanguage(context.Request));
        return TypedResults.Ok(await command.RunAsync(permit, command.Prepare(permit, input), context.RequestAborted));
    }

    public static async Task<Ok<CommitmentView>> Withdraw(string id, HttpContext context, Access access, WithdrawCommitmentCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), id);
        var body = await JsonBody.ReadAsync<WithdrawalRequest>(context);
        return TypedResults.Ok(await command.RunAsync(permit, body.Reason));
    }

    public static async Task<Ok<CommitmentView>> Revise(string id, HttpContext context, Access access, ReviseCommitmentCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), id);
        var body = await JsonBody.ReadAsync<NewCommitment>(context);
        var errors = new InputRules.Errors();
        var draft = body.ToDraft(context.Request, errors);
        errors.ThrowIfAny();
        return TypedResults.Ok(await command.RunAsync(permit, draft, body.Id));
    }

    public static async Task<Ok<CommitmentView>> Join(string id, HttpContext context, Access access, CoSignCommand command)
    {
        var body = await JsonBody.ReadAsync<CoSignerRequest>(context);
        return TypedResults.Ok(await command.RunAsync(await access.ActorAsync(context), id, body.ParticipantId, join: true));
    }

    public static async Task<Ok<CommitmentView>> Leave(string id, string participantId, HttpContext context, Access access, CoSignCommand command) =>
        TypedResults.Ok(await command.RunAsync(await access.ActorAsync(context), id, participantId, join: false));

    public static async Task<Results<Created<CommitmentView>, Ok<CommitmentView>>> TakeUp(string id, HttpContext context, Access access, TakeUpTemplateCommand command)
    {
        var body = await JsonBody.ReadAsync<TakeUpRequest>(context);
        var (view, created) = await command.RunAsync(await access.ActorAsync(context), id, body.ParticipantId, body.NeighbourhoodCode, body.Condition, body.Id,
            body.Language ?? SiteCultureProvider.RequestedLanguage(context.Request));
        return created ? TypedResults.Created($"/api/commitments/{Uri.EscapeDataString(view.Id)}", view) : TypedResults.Ok(view);
    }

    public static async Task<Ok<CommitmentView>> Close(string id, HttpContext context, Access access, CloseCommitmentCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), id);
        var body = await JsonBody.ReadAsync<ClosureRequest>(context);
        return TypedResults.Ok(await command.RunAsync(permit, body.Outcome));
    }
}
