using System.Globalization;
using CivicContracting.Participants;
using CivicContracting.Sessions;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Content;
using CivicContracting.Web.Json;
using CivicContracting.Web.Paging;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicContracting.Web.Sessions;

/// <summary>
/// A co-creation session as sent to the API: <see cref="CoCreationSessionDetails"/> plus an optional id chosen by the
/// client. <c>attendance</c> counts people by participant kind (<c>{"resident": 23, "school": 2}</c>); <c>notes</c> are
/// for the support team and never shown to the public.
/// </summary>
public sealed record NewCoCreationSession(
    CoCreationSessionKind Kind,
    string Title,
    DateTimeOffset StartsAt,
    string NeighbourhoodCode,
    string Venue,
    IReadOnlyList<string> GoalIds,
    IReadOnlyDictionary<ParticipantKind, int>? Attendance = null,
    string? Notes = null,
    string? Id = null,
    string? Language = null,
    TranslationsInput? Translations = null)
{
    /// <summary>The details; a translation in an unknown language is an error in <paramref name="errors"/>.</summary>
    public CoCreationSessionDetails ToDetails(InputRules.Errors? errors = null) =>
        new(Kind, Title, StartsAt, NeighbourhoodCode, Venue, GoalIds, Attendance ?? new Dictionary<ParticipantKind, int>(), Notes,
            Language, ContentText.Parse(Translations?.Title, Title, Language, "title", errors ?? new InputRules.Errors()));
}

/// <summary>
/// Co-creation sessions (workshops, neighbourhood meetings, citizen-panel sessions): recorded by the support team, read by
/// everyone with what came out of them — the commitments made at or after them that link to them.
/// </summary>
public static class SessionEndpoints
{
    public static void MapSessions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sessions").WithTags("Co-creation sessions");

        group.MapGet("/", List)
            .WithName("ListSessions")
            .WithSummary("Lists co-creation sessions, newest first (by start): kind, title, start, neighbourhood, goals and how many attended.")
            .ProducesValidationProblem();

        group.MapGet("/{id}", Get)
            .WithName("GetSession")
            .WithSummary("A co-creation session and what came out of it: its goals, attendance by participant kind, and the commitments made at "
                + "or after it that link to it, with counts by level and participants by kind. The support team's notes (and drafts) only for coaches and administrators.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", Record)
            .WithName("RecordSession")
            .WithSummary("Records a co-creation session (coaches and administrators). Repeating the same session with the same id is a no-op.")
            .AcceptsWriteJson<NewCoCreationSession>()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPut("/{id}", Update)
            .WithName("UpdateSession")
            .WithSummary("Replaces the details of a recorded co-creation session (coaches and administrators). Its start may not move past a linked commitment's making.")
            .AcceptsWriteJson<NewCoCreationSession>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Ok<Paged<CoCreationSessionSummary>>> List(IClusterClient orleans, int? page, int? pageSize)
    {
        var paging = PageRequest.From(page, pageSize);
        var listed = await orleans.GetGrain<ICoCreationSessionDirectoryGrain>(0).List(paging.Skip, paging.PageSize);
        return TypedResults.Ok(paging.Of<CoCreationSessionSummary>([.. listed.Items.Select(SessionReads.Summary)], listed.TotalItems));
    }

    public static async Task<Ok<CoCreationSessionResponse>> Get(string id, HttpContext context, IClusterClient orleans, CommitmentViews views, Access access)
    {
        var session = await RequireSession(orleans, id);
        var actor = await access.ActorAsync(context);
        return TypedResults.Ok(await SessionReads.DescribeAsync(orleans, views, session, SessionReads.MaySeePrivate(actor)));
    }

    public static async Task<Results<Created<CoCreationSessionResponse>, Ok<CoCreationSessionResponse>>> Record(
        HttpContext context, IClusterClient orleans, CommitmentViews views, Access access, RecordSessionCommand command)
    {
        var actor = RecordSessionCommand.Authorise(await access.ActorAsync(context));
        var body = await JsonBody.ReadAsync<NewCoCreationSession>(context);
        var translationErrors = new InputRules.Errors();
        var (view, created) = await command.RunAsync(actor, body.ToDetails(translationErrors), body.Id, translationErrors);
        var response = await SessionReads.DescribeAsync(orleans, views, view, includePrivate: true);
        return created
            ? TypedResults.Created($"/api/sessions/{Uri.EscapeDataString(view.Id)}", response)
            : TypedResults.Ok(response);
    }

    public static async Task<Ok<CoCreationSessionResponse>> Update(
        string id, HttpContext context, IClusterClient orleans, CommitmentViews views, Access access, UpdateSessionCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), id);
        var body = await JsonBody.ReadAsync<NewCoCreationSession>(context);
        var more = new InputRules.Errors();
        if (body.Id is not null && body.Id != id)
            more.Add("id", ApiText.IdInPath);
        var view = await command.RunAsync(permit, body.ToDetails(more), more);
        return TypedResults.Ok(await SessionReads.DescribeAsync(orleans, views, view, includePrivate: true));
    }

    /// <summary>
    /// The session a new commitment names (<c>sessionId</c>) must exist and have started by <paramref name="now"/>; checked
    /// by the API so that the answer names the field (the commitment grain checks it again when it links).
    /// </summary>
    public static async Task CheckSessionForCommitmentAsync(IClusterClient orleans, string? sessionId, DateTimeOffset now, InputRules.Errors errors)
    {
        if (sessionId is null || !ApiIds.IsWellFormed(sessionId))
            return; // no session, or a malformed id the input rules name already
        var session = await orleans.GetGrain<ICoCreationSessionGrain>(sessionId).Get();
        if (session is null)
            errors.Add("sessionId", ApiText.NoSession(sessionId));
        else if (session.Details.StartsAt > now)
            errors.Add("sessionId", ApiText.SessionLaterThanCommitment(sessionId, session.Details.StartsAt.ToString("O", CultureInfo.InvariantCulture)));
    }

    private static async Task<CoCreationSessionView> RequireSession(IClusterClient orleans, string id) =>
        (ApiIds.IsWellFormed(id) ? await orleans.GetGrain<ICoCreationSessionGrain>(id).Get() : null)
        ?? throw ApiProblems.NotFound("co-creation session", id);
}
