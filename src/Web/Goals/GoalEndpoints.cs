using CivicContracting.Aggregation;
using CivicContracting.Goals;
using CivicContracting.Validation;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Hosting;
using CivicContracting.Web.Json;
using CivicContracting.Web.Paging;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicContracting.Web.Goals;

/// <summary>Where a new goal applies; <c>placeCodes</c> may be left out for the whole city.</summary>
public sealed record NewGoalScope(PlaceLevel Level, IReadOnlyList<string>? PlaceCodes = null);

/// <summary>A goal as sent to the API: <see cref="GoalDefinition"/> plus an optional id chosen by the client.</summary>
public sealed record NewGoal(
    string Title,
    NewGoalScope Scope,
    string Description = "",
    string? Id = null,
    string? ParentGoalId = null,
    QuantitativeTarget? Target = null,
    RollUpRule RollUp = RollUpRule.WeightedMeanOfCommitments,
    bool Illustrative = false)
{
    public GoalDefinition ToDefinition() =>
        new(Title, Description, Scope is null ? null! : new GoalScope(Scope.Level, Scope.PlaceCodes ?? []), ParentGoalId, Target, RollUp, Illustrative);
}

public sealed record GoalSummary(
    string Id,
    string Title,
    string? ParentGoalId,
    PlaceLevel ScopeLevel,
    DateTimeOffset CreatedAt,
    EngagementSnapshot Engagement);

public sealed record GoalDetails(
    string Id,
    string Title,
    string Description,
    GoalScope Scope,
    string? ParentGoalId,
    QuantitativeTarget? Target,
    RollUpRule RollUp,
    bool Illustrative,
    IReadOnlyList<string> Lineage,
    DateTimeOffset CreatedAt,
    IReadOnlyList<GoalListing> Children,
    EngagementSnapshot Engagement);

/// <summary>Goals: ambitions with their objectives, each with its live engagement aggregate.</summary>
public static class GoalEndpoints
{
    public static void MapGoals(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/goals").WithTags("Goals");

        group.MapGet("/", List)
            .WithName("ListGoals")
            .WithSummary("Lists goals, oldest first, each with its live aggregate. Filter with ?parent={goalId} (objectives of an ambition) or ?root=true.")
            .ProducesValidationProblem();

        group.MapGet("/{id}", Get)
            .WithName("GetGoal")
            .WithSummary("A goal with its live aggregate (commitments by level and status, participants by kind, progress) and its objectives.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/commitments", ListCommitments)
            .WithName("ListGoalCommitments")
            .WithSummary("The commitments that count in a goal (directly or through its objectives), most recently changed first.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/history", History)
            .WithName("GetGoalHistory")
            .WithSummary("The goal's engagement over time, in buckets.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", Define)
            .WithName("DefineGoal")
            .WithSummary("Defines a goal, optionally as an objective of a parent goal. Repeating the same definition with the same id is a no-op.")
            .AcceptsWriteJson<NewGoal>()
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Ok<Paged<GoalSummary>>> List(IClusterClient orleans, string? parent, bool? root, int? page, int? pageSize)
    {
        var paging = PageRequest.From(page, pageSize);
        IEnumerable<GoalListing> listings = await orleans.GetGrain<IGoalDirectoryGrain>(0).List();
        if (parent is not null)
            listings = listings.Where(g => g.ParentGoalId == parent);
        if (root is { } onlyRoots)
            listings = listings.Where(g => (g.ParentGoalId is null) == onlyRoots);
        var ordered = listings.OrderBy(g => g.CreatedAt).ThenBy(g => g.Id, StringComparer.Ordinal).ToList();

        var pageOfListings = paging.Apply(ordered);
        var snapshots = await Task.WhenAll(pageOfListings.Items.Select(g => Aggregate(orleans, g.Id).GetSnapshot()));
        return TypedResults.Ok(pageOfListings.With<GoalSummary>([.. pageOfListings.Items.Zip(snapshots,
            (g, s) => new GoalSummary(g.Id, g.Title, g.ParentGoalId, g.ScopeLevel, g.CreatedAt, s))]));
    }

    public static async Task<Ok<GoalDetails>> Get(string id, IClusterClient orleans)
    {
        var info = await RequireGoal(orleans, id);
        var snapshot = Aggregate(orleans, id).GetSnapshot();
        var listings = orleans.GetGrain<IGoalDirectoryGrain>(0).List();
        var children = (await listings).Where(g => g.ParentGoalId == id)
            .OrderBy(g => g.CreatedAt).ThenBy(g => g.Id, StringComparer.Ordinal).ToList();
        var d = info.Definition;
        return TypedResults.Ok(new GoalDetails(info.Id, d.Title, d.Description, d.Scope, d.ParentGoalId, d.Target, d.RollUp,
            d.Illustrative, info.Lineage, info.CreatedAt, children, await snapshot));
    }

    public static async Task<Ok<Paged<CommitmentSummary>>> ListCommitments(string id, IClusterClient orleans, int? page, int? pageSize)
    {
        var paging = PageRequest.From(page, pageSize);
        await RequireGoal(orleans, id);
        return TypedResults.Ok(await ScopeCommitments.PageAsync(orleans, AggregateScope.Goal(id), paging));
    }

    public static async Task<Ok<IReadOnlyList<EngagementBucket>>> History(string id, IClusterClient orleans)
    {
        await RequireGoal(orleans, id);
        return TypedResults.Ok(await Aggregate(orleans, id).GetHistory());
    }

    public static async Task<Results<Created<GoalDetails>, Ok<GoalDetails>>> Define(HttpContext context, IClusterClient orleans, Access access)
    {
        // Goal management is the administrators' (the citizen panel's wording, the city's targets).
        await access.RequireAdministratorAsync(context);
        var body = await JsonBody.ReadAsync<NewGoal>(context);
        var definition = body.ToDefinition();
        var errors = InputRules.Goal(definition);
        ApiIds.Check(errors, "id", body.Id);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        if (definition.ParentGoalId is { } parentId && await orleans.GetGrain<IGoalGrain>(parentId).GetInfo() is null)
            throw ApiProblems.Invalid("parentGoalId", $"There is no goal '{parentId}'.");

        var id = body.Id ?? ApiIds.New("g");
        var grain = orleans.GetGrain<IGoalGrain>(id);
        var existed = body.Id is not null && await grain.GetInfo() is not null;
        await grain.Define(definition);
        var details = (await Get(id, orleans)).Value!;
        return existed
            ? TypedResults.Ok(details)
            : TypedResults.Created($"/api/goals/{Uri.EscapeDataString(id)}", details);
    }

    private static async Task<GoalInfo> RequireGoal(IClusterClient orleans, string id) =>
        (ApiIds.IsWellFormed(id) ? await orleans.GetGrain<IGoalGrain>(id).GetInfo() : null)
        ?? throw ApiProblems.NotFound("goal", id);

    private static IEngagementAggregateGrain Aggregate(IClusterClient orleans, string goalId) =>
        orleans.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(goalId));
}
