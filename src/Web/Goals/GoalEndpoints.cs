using CivicContracting.Aggregation;
using CivicContracting.Goals;
using CivicContracting.Texts;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Content;
using CivicContracting.Web.Json;
using CivicContracting.Web.Paging;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Texts;
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
    bool Illustrative = false,
    CitizenPanelWording? CitizenPanelWording = null,
    string? Language = null,
    TranslationsInput? Translations = null)
{
    /// <summary>The definition; a translation in an unknown language is an error in <paramref name="errors"/>.</summary>
    public GoalDefinition ToDefinition(InputRules.Errors? errors = null)
    {
        errors ??= new InputRules.Errors();
        return new(Title, Description, Scope is null ? null! : new GoalScope(Scope.Level, Scope.PlaceCodes ?? []), ParentGoalId, Target, RollUp, Illustrative,
            CitizenPanelWording, Language,
            ContentText.Parse(Translations?.Title, Title, Language, "title", errors),
            ContentText.Parse(Translations?.Description, Description, Language, "description", errors));
    }
}

/// <summary>
/// A revision of a goal (<c>PUT /api/goals/{id}</c>), shaped like <see cref="NewGoal"/>: title, description, the citizen
/// panel's wording, target and roll-up rule replace the goal's (what is left out is cleared: no wording, no target, the
/// default roll-up). <c>id</c>, <c>parentGoalId</c>, <c>scope</c> and <c>illustrative</c> may be sent back as read, but
/// cannot change. <c>note</c>: why, kept with the version.
/// </summary>
public sealed record GoalUpdate(
    string Title,
    string Description = "",
    CitizenPanelWording? CitizenPanelWording = null,
    QuantitativeTarget? Target = null,
    RollUpRule RollUp = RollUpRule.WeightedMeanOfCommitments,
    string? Note = null,
    string? Id = null,
    string? ParentGoalId = null,
    NewGoalScope? Scope = null,
    bool? Illustrative = null,
    string? Language = null,
    TranslationsInput? Translations = null)
{
    /// <summary>
    /// The revision; <paramref name="currentLanguage"/>: the original's language as stored, kept when <c>language</c> is
    /// left out. A translation in an unknown language is an error in <paramref name="errors"/>.
    /// </summary>
    public GoalRevision ToRevision(string revisedBy, string? currentLanguage = null, InputRules.Errors? errors = null)
    {
        errors ??= new InputRules.Errors();
        var language = Language ?? currentLanguage;
        return new(Title, Description, CitizenPanelWording, Target, RollUp, revisedBy, Note, Language,
            ContentText.Parse(Translations?.Title, Title, language, "title", errors),
            ContentText.Parse(Translations?.Description, Description, language, "description", errors));
    }
}

/// <summary>One version of a goal in <c>GET /api/goals/{id}/versions</c>.</summary>
public sealed record GoalVersionView(
    int Version,
    string Title,
    string Description,
    CitizenPanelWording? CitizenPanelWording,
    QuantitativeTarget? Target,
    RollUpRule RollUp,
    DateTimeOffset ValidFrom,
    DateTimeOffset? ValidUntil,
    string? By,
    string? Note,
    bool Current)
{
    public static GoalVersionView From(GoalVersion v) => new(v.Version, v.Definition.Title, v.Definition.Description,
        v.Definition.CitizenPanelWording, v.Definition.Target, v.Definition.RollUp, v.ValidFrom, v.ValidUntil, v.By, v.Note, v.ValidUntil is null);
}

/// <summary>A goal in a list; <see cref="Title"/> in the request's language where translated, else the original, in <see cref="TitleLanguage"/>.</summary>
public sealed record GoalSummary(
    string Id,
    string Title,
    string? ParentGoalId,
    PlaceLevel ScopeLevel,
    DateTimeOffset CreatedAt,
    EngagementSnapshot Engagement,
    string? TitleLanguage = null);

/// <summary>
/// A goal. <see cref="Title"/> and <see cref="Description"/> are in the request's language where the city translated them,
/// else in the original: <see cref="TitleLanguage"/> and <see cref="DescriptionLanguage"/> say which; <see cref="Translations"/>
/// holds every text by language, the original (in <see cref="OriginalLanguage"/>) included.
/// </summary>
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
    EngagementSnapshot Engagement,
    CitizenPanelWording? CitizenPanelWording = null,
    int Version = 1,
    DateTimeOffset? RevisedAt = null,
    string? RevisedBy = null,
    UncommittedGap? UncommittedGap = null,
    string? TitleLanguage = null,
    string? DescriptionLanguage = null,
    string? OriginalLanguage = null,
    TranslationsView? Translations = null);

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
            .WithSummary("The commitments that count in a goal (directly or through its objectives), most recently changed first. "
                + "Filter them as the goal's page does with ?level=, ?kind= (the participant's), ?status= and ?neighbourhood= (a neighbourhood's code); "
                + "an unknown value is refused with 400 naming the parameter.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                CommitmentFilterParameters.Describe(operation);
                return Task.CompletedTask;
            });

        group.MapGet("/{id}/history", History)
            .WithName("GetGoalHistory")
            .WithSummary("The goal's engagement over time, in buckets.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/versions", Versions)
            .WithName("ListGoalVersions")
            .WithSummary("Every version of the goal, oldest first (the last is the current one): its texts, target and roll-up rule, from when to when, by whom and why.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", Define)
            .WithName("DefineGoal")
            .WithSummary("Defines a goal, optionally as an objective of a parent goal. Repeating the same definition with the same id is a no-op.")
            .AcceptsWriteJson<NewGoal>()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPut("/{id}", Revise)
            .WithName("ReviseGoal")
            .WithSummary("Revises a goal's title, description, citizen panel's wording, target and roll-up rule (administrators, the operator token); the earlier version stays readable. A revision that changes nothing is a no-op.")
            .AcceptsWriteJson<GoalUpdate>()
            .ProducesProblem(StatusCodes.Status404NotFound);
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
            (g, s) =>
            {
                var title = g.TitleIn(ContentText.Reading);
                return new GoalSummary(g.Id, title.Text, g.ParentGoalId, g.ScopeLevel, g.CreatedAt, s, title.Language);
            })]));
    }

    public static async Task<Ok<GoalDetails>> Get(string id, IClusterClient orleans, GoalGapReader gaps, CancellationToken cancellationToken)
    {
        var info = await RequireGoal(orleans, id);
        return TypedResults.Ok(await DetailsAsync(info, orleans, gaps, cancellationToken));
    }

    private static async Task<GoalDetails> DetailsAsync(GoalInfo info, IClusterClient orleans, GoalGapReader gaps, CancellationToken cancellationToken)
    {
        var id = info.Id;
        var snapshot = Aggregate(orleans, id).GetSnapshot();
        var listings = orleans.GetGrain<IGoalDirectoryGrain>(0).List();
        var gap = gaps.GetAsync(info, cancellationToken);
        var children = (await listings).Where(g => g.ParentGoalId == id)
            .OrderBy(g => g.CreatedAt).ThenBy(g => g.Id, StringComparer.Ordinal).ToList();
        var d = info.Definition;
        var (title, description) = (d.TitleIn(ContentText.Reading), d.DescriptionIn(ContentText.Reading));
        var translations = new TranslationsView(
            ContentText.Map(d.Title, d.Language, d.TitleTranslations), ContentText.Map(d.Description, d.Language, d.DescriptionTranslations));
        return new GoalDetails(info.Id, title.Text, description.Text, d.Scope, d.ParentGoalId, d.Target, d.RollUp,
            d.Illustrative, info.Lineage, info.CreatedAt, children, await snapshot,
            d.CitizenPanelWording, info.Version, info.RevisedAt, info.RevisedBy, await gap,
            title.Language, description.Language, ContentLanguage.OriginalOf(d.Language), translations);
    }

    public static async Task<Ok<IReadOnlyList<GoalVersionView>>> Versions(string id, IClusterClient orleans)
    {
        await RequireGoal(orleans, id);
        var versions = await orleans.GetGrain<IGoalGrain>(id).GetVersions();
        return TypedResults.Ok<IReadOnlyList<GoalVersionView>>([.. versions.Select(GoalVersionView.From)]);
    }

    public static async Task<Ok<Paged<CommitmentSummary>>> ListCommitments(string id, IClusterClient orleans, ScopeCommitments commitments,
        int? page, int? pageSize, string? level, string? kind, string? status, string? neighbourhood, CancellationToken cancellationToken)
    {
        var filter = CommitmentFilterParameters.Parse(level, kind, status, neighbourhood);
        var paging = PageRequest.From(page, pageSize);
        await RequireGoal(orleans, id);
        return TypedResults.Ok(await commitments.PageAsync(AggregateScope.Goal(id), paging, cancellationToken, filter));
    }

    public static async Task<Ok<IReadOnlyList<EngagementBucket>>> History(string id, IClusterClient orleans)
    {
        await RequireGoal(orleans, id);
        return TypedResults.Ok(await Aggregate(orleans, id).GetHistory());
    }

    public static async Task<Results<Created<GoalDetails>, Ok<GoalDetails>>> Define(HttpContext context, IClusterClient orleans, Access access, GoalGapReader gaps, DefineGoalCommand command)
    {
        var actor = DefineGoalCommand.Authorise(await access.ActorAsync(context));
        var body = await JsonBody.ReadAsync<NewGoal>(context);
        var translationErrors = new InputRules.Errors();
        var (info, created) = await command.RunAsync(actor, body.ToDefinition(translationErrors), body.Id, translationErrors);
        var details = await DetailsAsync(info, orleans, gaps, context.RequestAborted);
        return created
            ? TypedResults.Created($"/api/goals/{Uri.EscapeDataString(info.Id)}", details)
            : TypedResults.Ok(details);
    }

    public static async Task<Ok<GoalDetails>> Revise(string id, HttpContext context, IClusterClient orleans, Access access, GoalGapReader gaps, ReviseGoalCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), id);
        var body = await JsonBody.ReadAsync<GoalUpdate>(context);
        var fixedParts = new InputRules.Errors();
        CheckFixedParts(fixedParts, permit.Goal, body);
        var info = await command.RunAsync(permit, body.ToRevision(EditorName(permit.Actor), permit.Goal.Definition.Language, fixedParts), fixedParts);
        return TypedResults.Ok(await DetailsAsync(info, orleans, gaps, context.RequestAborted));
    }

    /// <summary>The id the site's page for a new goal takes (<c>/goals/new</c>): no goal may have it.</summary>
    public const string ReservedId = "new";

    /// <summary>Who a goal's version is credited to: the administrator's display name, or the platform for the operator token.</summary>
    public static string EditorName(Actor actor)
    {
        var name = actor.Account?.DisplayName?.Trim();
        if (string.IsNullOrEmpty(name))
            return OperatorEditor;
        return name.Length > InputRules.MaxNameLength ? name[..InputRules.MaxNameLength] : name;
    }

    /// <summary>The name versions made with the operator token are credited to.</summary>
    public const string OperatorEditor = "operator";

    /// <summary>A revision may send back the parts that do not change, as read; it may not change them.</summary>
    private static void CheckFixedParts(InputRules.Errors errors, GoalInfo current, GoalUpdate body)
    {
        var d = current.Definition;
        if (body.Id is not null && !string.Equals(body.Id, current.Id, StringComparison.Ordinal))
            errors.Add("id", ApiText.GoalIdFixed(current.Id));
        if (body.ParentGoalId is not null && !string.Equals(body.ParentGoalId, d.ParentGoalId, StringComparison.Ordinal))
            errors.Add("parentGoalId", d.ParentGoalId is null ? ApiText.GoalHasNoParent : ApiText.GoalParentFixed(d.ParentGoalId));
        if (body.Scope is { } scope && (scope.Level != d.Scope.Level
            || !(scope.PlaceCodes ?? []).Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(d.Scope.PlaceCodes.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase)))
            errors.Add("scope", ApiText.GoalScopeFixed);
        if (body.Illustrative is { } illustrative && illustrative != d.Illustrative)
            errors.Add("illustrative", ApiText.GoalIllustrativeFixed);
    }

    private static async Task<GoalInfo> RequireGoal(IClusterClient orleans, string id) =>
        (ApiIds.IsWellFormed(id) ? await orleans.GetGrain<IGoalGrain>(id).GetInfo() : null)
        ?? throw ApiProblems.NotFound("goal", id);

    private static IEngagementAggregateGrain Aggregate(IClusterClient orleans, string goalId) =>
        orleans.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(goalId));
}
