using CivicContracting.Accounts;
using CivicContracting.Commitments;
using CivicContracting.Moderation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Security;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicContracting.Web.Moderation;

/// <summary>A flag on a commitment's text or one of its reports: why the person thinks it is abusive (3 to 500 characters).</summary>
public sealed record FlagRequest(ModerationTarget? Target, string? Reason, string? ReportId = null);

/// <summary>The flag was received; the moderators look at it. (Who else flagged is for the moderators only.)</summary>
public sealed record FlagReceipt(string CommitmentId, ModerationTarget Target, string? ReportId, DateTimeOffset ReceivedAt);

public enum ModerationStep
{
    Hide = 0,
    Unhide = 1,
}

/// <summary>Hide or show again a commitment's text or one report, with the reason the public reads (3 to 300 characters).</summary>
public sealed record ModerationRequest(ModerationStep? Action, ModerationTarget? Target, string? PublicReason, string? ReportId = null);

/// <summary>Settle an item's flags without hiding anything.</summary>
public sealed record DismissalRequest(string? CommitmentId, ModerationTarget? Target, string? ReportId = null);

/// <summary>The open flags: how many items, and each with its flags, longest waiting first.</summary>
public sealed record ModerationFlagsView(int Total, IReadOnlyList<FlaggedItem> Items);

/// <summary>A draft's participant asks the support team for help (3 to 1,000 characters).</summary>
public sealed record HelpRequestBody(string? Message);

/// <summary>
/// Moderation: participants flag a commitment's text or one report; moderators (and administrators) read the open flags,
/// hide or show content with a public reason, and dismiss flags. Hiding changes only what the public reads (see
/// <see cref="PublicView"/>): the commitment keeps counting. Also a draft's request for help from the support team, and a
/// coach marking it given. The web tier orchestrates: a hide is written on the commitment, then resolves its flags in
/// the queue; the grains never call each other for it.
/// </summary>
public static class ModerationEndpoints
{
    public static void MapModeration(this IEndpointRouteBuilder app)
    {
        var commitments = app.MapGroup("/api/commitments").WithTags("Moderation");
        commitments.MapPost("/{id}/flags", Flag)
            .WithName("FlagContent")
            .WithSummary("Flags a commitment's text (target \"text\") or one of its reports (target \"report\" with reportId) as abusive, with a reason (3 to 500 "
                + "characters), for the moderators. Any signed-in person (a session, or an access token with commitments:write); flagging the same item again is a no-op.")
            .AcceptsWriteJson<FlagRequest>()
            .Produces<FlagReceipt>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        commitments.MapPost("/{id}/moderation", Moderate)
            .WithName("ModerateCommitment")
            .WithSummary("Hides (action \"hide\") or shows again (\"unhide\") a commitment's text or one report, with a public reason (3 to 300 characters) that "
                + "the public reads instead. The commitment keeps counting; the support team still reads everything. Hiding resolves the item's flags. Moderators and administrators.")
            .AcceptsWriteJson<ModerationRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        commitments.MapPost("/{id}/help-request", RequestHelp)
            .WithName("RequestHelp")
            .WithTags("Support")
            .WithSummary("Asks the support team for help on a draft, with a message (3 to 1,000 characters). Those who may edit the draft. Confirming or withdrawing the draft clears it.")
            .AcceptsWriteJson<HelpRequestBody>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        commitments.MapDelete("/{id}/help-request", HelpGiven)
            .RequireSignedIn()
            .WithName("MarkHelpGiven")
            .WithTags("Support")
            .WithSummary("Marks a draft's help request as given (clears it). Coaches and administrators; a no-op without a request.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var moderation = app.MapGroup("/api/moderation").WithTags("Moderation");
        moderation.MapGet("/flags", Flags)
            .RequireSignedIn()
            .WithName("GetOpenFlags")
            .WithSummary("The open flags, grouped per flagged item (a commitment's text or one report), longest waiting first, with each flag's account, reason and time. Moderators and administrators.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        moderation.MapPost("/flags/dismissal", Dismiss)
            .WithName("DismissFlags")
            .WithSummary("Settles an item's open flags without hiding anything (commitmentId, target, reportId for a report). Moderators and administrators.")
            .AcceptsWriteJson<DismissalRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Accepted<FlagReceipt>> Flag(string id, HttpContext context, Access access, FlagCommand command)
    {
        var actor = FlagCommand.Authorise(await access.ActorAsync(context));
        var body = await JsonBody.ReadAsync<FlagRequest>(context);
        var item = await command.RunAsync(actor, id, body.Target, body.ReportId, body.Reason);
        var mine = item.Flags.FirstOrDefault(f => f.AccountId == actor.Account!.Id);
        return TypedResults.Accepted((string?)null, new FlagReceipt(item.CommitmentId, item.Target, item.ReportId, mine?.At ?? item.LastFlaggedAt));
    }

    public static async Task<Ok<CommitmentView>> Moderate(string id, HttpContext context, Access access, ModerateCommand command)
    {
        var moderator = ModerateCommand.Authorise(await access.ActorAsync(context));
        var body = await JsonBody.ReadAsync<ModerationRequest>(context);
        return TypedResults.Ok(await command.RunAsync(moderator, id, body.Action, body.Target, body.ReportId, body.PublicReason));
    }

    public static async Task<Ok<ModerationFlagsView>> Flags(HttpContext context, IClusterClient orleans, Access access)
    {
        var actor = await access.RequireSignedInAsync(context);
        if (!AccessRules.ModeratesContent(actor))
            throw Access.Forbidden(ApiText.AccessReadFlagsModeratorsOnly);
        var open = await Queue(orleans).GetOpen();
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new ModerationFlagsView(open.Count, open));
    }

    public static async Task<Ok<ResolvedFlags>> Dismiss(HttpContext context, IClusterClient orleans, Access access)
    {
        var actor = await RequireModeratorAsync(context, access);
        var body = await JsonBody.ReadAsync<DismissalRequest>(context);
        var errors = TargetErrors(body.Target, body.ReportId);
        if (!ApiIds.IsWellFormed(body.CommitmentId))
            errors.Add("commitmentId", ApiText.DismissCommitmentId);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        var resolved = await DismissAsync(orleans, body.CommitmentId!, body.Target!.Value, body.ReportId, actor.RecordedId)
            ?? throw new ApiProblemException(StatusCodes.Status404NotFound, ApiText.TitleNotFound,
                $"There are no open flags on {Describe(body.Target.Value, body.ReportId)} of commitment '{body.CommitmentId}'.");
        return TypedResults.Ok(resolved);
    }

    public static async Task<Ok<CommitmentView>> RequestHelp(string id, HttpContext context, Access access, HelpRequestCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), id);
        var body = await JsonBody.ReadAsync<HelpRequestBody>(context);
        return TypedResults.Ok(await command.AskAsync(permit, body.Message));
    }

    public static async Task<Ok<CommitmentView>> HelpGiven(string id, HttpContext context, Access access, HelpRequestCommand command) =>
        TypedResults.Ok(await command.MarkGivenAsync(await access.ActorAsync(context), id));

    public static Task<ResolvedFlags?> DismissAsync(IClusterClient orleans, string commitmentId, ModerationTarget target, string? reportId, string by) =>
        Queue(orleans).Resolve(commitmentId, target, reportId, FlagResolution.Dismissed, by);


    public static string Describe(ModerationTarget target, string? reportId) => target == ModerationTarget.Text ? "the text" : $"report '{reportId}'";

    private static IModerationQueueGrain Queue(IClusterClient orleans) => ModerationCommands.Queue(orleans);

    private static async Task<Actor> RequireModeratorAsync(HttpContext context, Access access) =>
        ModerateCommand.Authorise(await access.ActorAsync(context));

    private static CivicContracting.Validation.InputRules.Errors TargetErrors(ModerationTarget? target, string? reportId) =>
        ModerationCommands.TargetErrors(target, reportId);
}
