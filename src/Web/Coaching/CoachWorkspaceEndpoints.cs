using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicContracting.Web.Coaching;

/// <summary>A coach's nudge: an optional message to the owner (at most 500 characters).</summary>
public sealed record NudgeRequest(string? Message = null);

/// <summary>A note of the support team.</summary>
public sealed record SupportNoteRequest(string Text);

/// <summary>A coach's profile as sent: the display name (default: the account's), areas (place codes) and kinds.</summary>
public sealed record CoachProfileRequest(IReadOnlyList<string>? Areas = null, IReadOnlyList<ParticipantKind>? Kinds = null, string? DisplayName = null);

/// <summary>Who coaches a participant: a coach's (or administrator's) account id; a note, required for a hand-over.</summary>
public sealed record CoachAssignmentRequest(string CoachId, string? Note = null);

/// <summary>
/// The coach's workspace through the API: nudges by hand, coach profiles, who coaches whom (with hand-overs and
/// suggestions) and the support team's notes. The notes are read and written only here: no commitment or participant
/// view, feed or export includes them.
/// </summary>
public static class CoachWorkspaceEndpoints
{

    public static void MapCoachWorkspace(this IEndpointRouteBuilder app)
    {
        var coach = app.MapGroup("/api/coach").WithTags("Coaching").RequireSignedIn();
        coach.MapGet("/coaches", Coaches)
            .WithName("ListCoaches")
            .WithSummary("The coaches with a profile (areas: place codes; kinds of participant), by name. The support team only.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        coach.MapGet("/coaches/{accountId}/profile", GetProfile)
            .WithName("GetCoachProfile")
            .WithSummary("A coach's profile. The support team only.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        coach.MapPut("/coaches/{accountId}/profile", PutProfile)
            .WithName("SetCoachProfile")
            .WithSummary("Sets a coach's profile: areas (neighbourhood, district or city codes) and kinds of participant they coach. A coach sets their own; administrators anyone's.")
            .AcceptsWriteJson<CoachProfileRequest>()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        var commitments = app.MapGroup("/api/commitments").WithTags("Coaching").RequireSignedIn();
        commitments.MapPost("/{id}/nudges", Nudge)
            .WithName("NudgeCommitment")
            .WithSummary("A coach asks the owner for a progress report now, with an optional message (at most 500 characters), told on the participant's feed. "
                + "Only a commitment that is reported on (confirmed or active, in force); 409 otherwise. Coaches and administrators only.")
            .AcceptsWriteJson<NudgeRequest>()
            .AcceptsOptionalJson<NudgeRequest>() // replaces the required body: no body is a nudge without a message
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        commitments.MapGet("/{id}/notes", CommitmentNotes)
            .WithName("GetCommitmentNotes")
            .WithSummary("The support team's notes on a commitment, newest first. The support team only; never part of the commitment's view.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        commitments.MapPost("/{id}/notes", AddCommitmentNote)
            .WithName("AddCommitmentNote")
            .WithSummary("Adds a note (1 to 2000 characters) to a commitment, visible only to the support team.")
            .AcceptsWriteJson<SupportNoteRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        var participants = app.MapGroup("/api/participants").WithTags("Coaching").RequireSignedIn();
        participants.MapGet("/{id}/coach", GetCoach)
            .WithName("GetParticipantCoach")
            .WithSummary("Who coaches a participant now, and every earlier assignment with its hand-over note. The support team only.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        participants.MapPut("/{id}/coach", PutCoach)
            .WithName("AssignParticipantCoach")
            .WithSummary("Assigns a coach (an account with the coach role, or an administrator) to a participant. The same coach again is a no-op; "
                + "another coach is a hand-over and needs a note of 3 to 1000 characters. Coaches and administrators only.")
            .AcceptsWriteJson<CoachAssignmentRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        participants.MapDelete("/{id}/coach", Unassign)
            .WithName("UnassignParticipantCoach")
            .WithSummary("Ends a participant's coaching (a no-op without a coach); the history keeps it with ?note= (up to 1000 characters). "
                + "Coaches and administrators only.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        participants.MapGet("/{id}/coach/suggestions", Suggestions)
            .WithName("SuggestParticipantCoach")
            .WithSummary("Coaches ranked for a participant: covering its neighbourhood (4) or district (3) or the city (1), its kind (2, or 1 for no preference), "
                + "already coaching in its neighbourhood (1); ties to the fewest current assignments. The support team only.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        participants.MapGet("/{id}/notes", ParticipantNotes)
            .WithName("GetParticipantNotes")
            .WithSummary("The support team's notes on a participant, newest first. The support team only.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        participants.MapPost("/{id}/notes", AddParticipantNote)
            .WithName("AddParticipantNote")
            .WithSummary("Adds a note (1 to 2000 characters) to a participant, visible only to the support team.")
            .AcceptsWriteJson<SupportNoteRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Ok<CommitmentView>> Nudge(string id, HttpContext context, Access access, NudgeCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), id);
        // No body at all is a nudge without a message.
        var body = context.Request.ContentLength is 0 || (context.Request.ContentLength is null && !context.Request.HasJsonContentType())
            ? new NudgeRequest()
            : await JsonBody.ReadAsync<NudgeRequest>(context);
        var view = await command.RunAsync(permit, body.Message);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(view);
    }

    public static async Task<Ok<IReadOnlyList<SupportNote>>> CommitmentNotes(string id, HttpContext context, Access access, IClusterClient orleans)
    {
        await access.RequireAsync(context, a => AccessRules.CheckSupportTeam(a, SupportTeamAct.ReadNotes));
        await Access.RequireCommitmentAsync(orleans, id);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await orleans.GetGrain<ISupportNotesGrain>(SupportNotes.CommitmentKey(id)).List());
    }

    public static async Task<Created<SupportNote>> AddCommitmentNote(string id, HttpContext context, Access access, SupportNoteCommand command)
    {
        var permit = await command.AuthoriseForCommitmentAsync(await access.ActorAsync(context), id);
        return await AddNoteAsync(context, command, permit, $"/api/commitments/{Uri.EscapeDataString(id)}/notes");
    }

    public static async Task<Ok<IReadOnlyList<SupportNote>>> ParticipantNotes(string id, HttpContext context, Access access, IClusterClient orleans)
    {
        await access.RequireAsync(context, a => AccessRules.CheckSupportTeam(a, SupportTeamAct.ReadNotes));
        await Access.RequireParticipantAsync(orleans, id);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await orleans.GetGrain<ISupportNotesGrain>(SupportNotes.ParticipantKey(id)).List());
    }

    public static async Task<Created<SupportNote>> AddParticipantNote(string id, HttpContext context, Access access, SupportNoteCommand command)
    {
        var permit = await command.AuthoriseForParticipantAsync(await access.ActorAsync(context), id);
        return await AddNoteAsync(context, command, permit, $"/api/participants/{Uri.EscapeDataString(id)}/notes");
    }

    public static async Task<Ok<IReadOnlyList<CoachProfile>>> Coaches(HttpContext context, Access access, IClusterClient orleans)
    {
        await access.RequireAsync(context, a => AccessRules.CheckSupportTeam(a, SupportTeamAct.ReadCoaches));
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await Assignments(orleans).GetProfiles());
    }

    public static async Task<Ok<CoachProfile>> GetProfile(string accountId, HttpContext context, Access access, IClusterClient orleans)
    {
        await access.RequireAsync(context, a => AccessRules.CheckSupportTeam(a, SupportTeamAct.ReadCoachProfile));
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await Assignments(orleans).GetProfile(accountId) ?? throw ApiProblems.NotFound("coach profile", accountId));
    }

    public static async Task<Ok<CoachProfile>> PutProfile(string accountId, HttpContext context, Access access, SetCoachProfileCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), accountId);
        var body = await JsonBody.ReadAsync<CoachProfileRequest>(context);
        return TypedResults.Ok(await command.RunAsync(permit, body.Areas, body.Kinds, body.DisplayName));
    }

    public static async Task<Ok<ParticipantCoaching>> GetCoach(string id, HttpContext context, Access access, IClusterClient orleans)
    {
        await access.RequireAsync(context, a => AccessRules.CheckSupportTeam(a, SupportTeamAct.ReadAssignment));
        await Access.RequireParticipantAsync(orleans, id);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await Assignments(orleans).GetAssignment(id));
    }

    public static async Task<Ok<ParticipantCoaching>> PutCoach(string id, HttpContext context, Access access, AssignCoachCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), id);
        var body = await JsonBody.ReadAsync<CoachAssignmentRequest>(context);
        return TypedResults.Ok(await command.RunAsync(permit, body.CoachId, body.Note));
    }

    public static async Task<Ok<ParticipantCoaching>> Unassign(string id, string? note, HttpContext context, Access access, UnassignCoachCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), id);
        return TypedResults.Ok(await command.RunAsync(permit, note));
    }

    public static async Task<Ok<IReadOnlyList<CoachSuggestion>>> Suggestions(string id, HttpContext context, Access access, IClusterClient orleans)
    {
        await access.RequireAsync(context, a => AccessRules.CheckSupportTeam(a, SupportTeamAct.ReadSuggestions));
        var participant = await Access.RequireParticipantAsync(orleans, id);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await Assignments(orleans).Suggest(id, participant.NeighbourhoodCode, participant.Kind));
    }

    private static ICoachAssignmentGrain Assignments(IClusterClient orleans) => CoachAccounts.Assignments(orleans);

    private static async Task<Created<SupportNote>> AddNoteAsync(HttpContext context, SupportNoteCommand command, SupportNoteCommand.Permit permit, string location)
    {
        var body = await JsonBody.ReadAsync<SupportNoteRequest>(context);
        var note = await command.RunAsync(permit, body.Text);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created(location, note);
    }
}
