using CivicContracting.Goals;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Goals;

/// <summary>
/// Defining a goal: the one way in for POST /api/goals and the site's new-goal page. Goal management is the
/// administrators' (the citizen panel's wording, the city's targets): 401/403 first, then the goal's rules and its parent
/// (400 naming the field), then the grain; the host's list of goals learns the new one at once.
/// </summary>
public sealed class DefineGoalCommand(IClusterClient orleans, SiteData site)
{
    /// <summary>The goal as stored, and whether this call defined it (false: the same id and definition were sent before).</summary>
    public sealed record Result(GoalInfo Info, bool Created);

    /// <summary>401 if not signed in, 403 for anyone but administrators (in a session) and the operator token.</summary>
    public static Actor Authorise(Actor actor) => Access.RequireAdministrator(actor);

    /// <summary>Every broken rule of the definition and its id, by field, including a parent goal that does not exist.</summary>
    public async Task<InputRules.Errors> CheckAsync(GoalDefinition definition, string? id)
    {
        var errors = InputRules.Goal(definition);
        ApiIds.Check(errors, "id", id);
        if (string.Equals(id, GoalEndpoints.ReservedId, StringComparison.OrdinalIgnoreCase))
            errors.Add("id", ApiText.ReservedGoalId(GoalEndpoints.ReservedId));
        if (errors.IsValid && definition.ParentGoalId is { } parentId
            && site.Goal(parentId) is null && await orleans.GetGrain<IGoalGrain>(parentId).GetInfo() is null)
            errors.Add("parentGoalId", ApiText.NoGoal(parentId));
        return errors;
    }

    /// <summary><paramref name="more"/>: errors the caller found in parts of its input the definition does not carry (e.g. a translation in an unknown language).</summary>
    public async Task<Result> RunAsync(Actor actor, GoalDefinition definition, string? id, InputRules.Errors? more = null)
    {
        Authorise(actor);
        var errors = await CheckAsync(definition, id);
        if (more is not null)
            errors.Merge(more, "");
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        var goalId = id ?? ApiIds.New("g");
        var grain = orleans.GetGrain<IGoalGrain>(goalId);
        var existed = id is not null && await grain.GetInfo() is not null;
        var info = await grain.DefineAs(definition, GoalEndpoints.EditorName(actor));
        site.PutGoal(info);
        return new Result(info, !existed);
    }
}

/// <summary>
/// Revising a goal's wording, target or roll-up, as a new version: the one way in for PUT /api/goals/{id} and the site's
/// goal editor. Administrators only; what a revision may not change (scope, parent) is the API's to refuse, as the editor
/// does not send it.
/// </summary>
public sealed class ReviseGoalCommand(IClusterClient orleans, SiteData site)
{
    /// <summary>The right to revise <see cref="Goal"/> (as read for the check).</summary>
    public sealed record Permit(Actor Actor, GoalInfo Goal);

    /// <summary>401/403 for anyone but administrators and the operator token, then 404 if there is no such goal.</summary>
    public async Task<Permit> AuthoriseAsync(Actor actor, string goalId)
    {
        Access.RequireAdministrator(actor);
        var goal = (ApiIds.IsWellFormed(goalId) ? await orleans.GetGrain<IGoalGrain>(goalId).GetInfo() : null)
            ?? throw ApiProblems.NotFound("goal", goalId);
        return new Permit(actor, goal);
    }

    /// <summary><paramref name="more"/>: errors the caller found in parts of its input the revision does not carry.</summary>
    public async Task<GoalInfo> RunAsync(Permit permit, GoalRevision revision, InputRules.Errors? more = null)
    {
        var errors = InputRules.GoalRevision(revision);
        if (more is not null)
            errors.Merge(more, "");
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        var info = await orleans.GetGrain<IGoalGrain>(permit.Goal.Id).Revise(revision);
        site.PutGoal(info);
        return info;
    }
}
