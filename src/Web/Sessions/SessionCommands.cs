using CivicContracting.Accounts;
using CivicContracting.Goals;
using CivicContracting.Sessions;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Sessions;

/// <summary>
/// Recording a co-creation session: the one way in for POST /api/sessions and the site's session form. Coaches and
/// administrators only (401/403 before the input is read), then <see cref="SessionCommands.CheckAsync"/>, then the grain.
/// The same id and details again is a no-op; the same id with other details a conflict (409).
/// </summary>
public sealed class RecordSessionCommand(IClusterClient orleans, SiteData site, TimeProvider clock)
{
    /// <summary>The session as stored, and whether this call recorded it (false: the same id and details were sent before).</summary>
    public sealed record Result(CoCreationSessionView Session, bool Created);

    /// <summary>401 if not signed in, 403 for anyone but coaches and administrators (a token needs <c>commitments:write</c>).</summary>
    public static Actor Authorise(Actor actor) => SessionCommands.Authorise(actor);

    /// <summary>Every broken rule of the details and of the id chosen by the caller (if any), by field.</summary>
    public async Task<InputRules.Errors> CheckAsync(CoCreationSessionDetails details, string? id)
    {
        var errors = await SessionCommands.CheckAsync(orleans, site, SessionCommands.Normalise(details), clock.GetUtcNow());
        ApiIds.Check(errors, "id", id);
        return errors;
    }

    /// <summary>Records the session under <paramref name="id"/>, or a new id when none is given.</summary>
    /// <summary><paramref name="more"/>: errors the caller found in parts of its input the details do not carry (e.g. a translation in an unknown language).</summary>
    public async Task<Result> RunAsync(Actor actor, CoCreationSessionDetails details, string? id, InputRules.Errors? more = null)
    {
        Authorise(actor);
        details = SessionCommands.Normalise(details);
        var errors = await CheckAsync(details, id);
        if (more is not null)
            errors.Merge(more, "");
        errors.ThrowIfAny();
        var sessionId = id ?? ApiIds.New("s");
        var grain = orleans.GetGrain<ICoCreationSessionGrain>(sessionId);
        var existed = id is not null && await grain.Get() is not null;
        return new Result(await grain.Record(details), !existed);
    }
}

/// <summary>
/// Replacing the details of a recorded co-creation session: the one way in for PUT /api/sessions/{id} and the site's
/// session form (<c>?edit={id}</c>). The same rules as recording one; the grain refuses a start after a linked
/// commitment was made (400 naming <c>startsAt</c>).
/// </summary>
public sealed class UpdateSessionCommand(IClusterClient orleans, SiteData site, TimeProvider clock)
{
    /// <summary>The right to change <see cref="Session"/> (as read for the check).</summary>
    public sealed record Permit(Actor Actor, CoCreationSessionView Session);

    /// <summary>401 if not signed in, 403 for anyone but coaches and administrators, then 404 if there is no such session.</summary>
    public async Task<Permit> AuthoriseAsync(Actor actor, string sessionId)
    {
        SessionCommands.Authorise(actor);
        var session = (ApiIds.IsWellFormed(sessionId) ? await orleans.GetGrain<ICoCreationSessionGrain>(sessionId).Get() : null)
            ?? throw ApiProblems.NotFound("co-creation session", sessionId);
        return new Permit(actor, session);
    }

    /// <summary>Every broken rule of the details, by field.</summary>
    public Task<InputRules.Errors> CheckAsync(CoCreationSessionDetails details) =>
        SessionCommands.CheckAsync(orleans, site, SessionCommands.Normalise(details), clock.GetUtcNow());

    /// <summary><paramref name="more"/>: errors the caller found in parts of its input the details do not carry (the API's body id).</summary>
    public async Task<CoCreationSessionView> RunAsync(Permit permit, CoCreationSessionDetails details, InputRules.Errors? more = null)
    {
        details = SessionCommands.Normalise(details);
        var errors = await CheckAsync(details);
        if (more is not null)
            errors.Merge(more, "");
        errors.ThrowIfAny();
        return await orleans.GetGrain<ICoCreationSessionGrain>(permit.Session.Id).Update(details);
    }
}

/// <summary>What recording and changing a co-creation session share: who may, how the details are tidied, and the rules.</summary>
public static class SessionCommands
{
    public static Actor Authorise(Actor actor)
    {
        Access.RequireSignedIn(actor);
        if (!actor.IsCoachOrAdministrator)
            throw Access.Forbidden(ApiText.AccessSessionsSupportTeamOnly);
        if (!actor.HasScope(AccessTokenScopes.CommitmentsWrite))
            throw Access.Forbidden(ApiText.AccessSessionsLacksScope(AccessTokenScopes.CommitmentsWrite));
        return actor;
    }

    /// <summary>
    /// The details as every entrance stores them: title, venue and notes without surrounding spaces, blank notes as none
    /// (the form did this and the API did not, so the same session sent both ways was stored differently).
    /// </summary>
    public static CoCreationSessionDetails Normalise(CoCreationSessionDetails details) =>
        details is null ? null! : details with
        {
            Title = details.Title?.Trim()!,
            Venue = details.Venue?.Trim()!,
            Notes = string.IsNullOrWhiteSpace(details.Notes) ? null : details.Notes.Trim(),
        };

    /// <summary>
    /// <see cref="CoCreationSessionRules.Details"/>, and each goal named must exist (<c>goalIds[i]</c>), checked when the
    /// goal ids themselves are well formed, whatever the other fields say, so that a form shows every error at once.
    /// </summary>
    public static async Task<InputRules.Errors> CheckAsync(IClusterClient orleans, SiteData site, CoCreationSessionDetails details, DateTimeOffset now)
    {
        var errors = CoCreationSessionRules.Details(details, now);
        var ids = details?.GoalIds ?? [];
        if (ids.Count == 0 || errors.ByField.Keys.Any(field => field.StartsWith("goalIds", StringComparison.Ordinal)))
            return errors;
        // The host's list knows nearly every goal; one defined since its last load is asked of its grain.
        var known = await Task.WhenAll(ids.Select(async id => site.Goal(id) is not null || await orleans.GetGrain<IGoalGrain>(id).GetInfo() is not null));
        for (var i = 0; i < ids.Count; i++)
        {
            if (!known[i])
                errors.Add($"goalIds[{i}]", ApiText.NoGoal(ids[i]));
        }
        return errors;
    }
}
