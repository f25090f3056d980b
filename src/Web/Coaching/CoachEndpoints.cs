using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Places;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Coaching;

/// <summary>The coach queue as the API gives it: how many commitments wait, and those that match the filters, longest waiting first.</summary>
public sealed record CoachQueueView(int Total, IReadOnlyList<CoachQueueEntry> Items);

/// <summary>
/// The support team's work list: commitments whose progress report is due (no report within their reporting interval, a
/// deadline close or passed), put there by the commitments' reminders and taken out by their next report or closure.
/// Coaches and administrators only (a session or a personal access token of theirs, or the operator token).
/// </summary>
public static class CoachEndpoints
{
    public static void MapCoaching(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/coach").WithTags("Coaching")
            .MapGet("/queue", Queue)
            .RequireSignedIn()
            .WithName("GetCoachQueue")
            .WithSummary("Commitments whose report is due, longest waiting first: why (reportOverdue, deadlineSoon, deadlinePassed), since when, whose, "
                + "where and how often the owner was reminded. ?neighbourhood=<code> and ?reason=<reason> filter. Coaches and administrators only.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        app.MapCoachWorkspace();
    }

    public static async Task<Ok<CoachQueueView>> Queue(HttpContext context, Access access, IClusterClient orleans, string? neighbourhood, string? reason)
    {
        var actor = await access.RequireSignedInAsync(context);
        if (!actor.IsCoachOrAdministrator)
            throw Access.Forbidden(ApiText.AccessCoachQueueOnly);
        if (neighbourhood is not null && !PlaceCatalog.Leuven.IsNeighbourhood(neighbourhood))
            throw ApiProblems.Invalid("neighbourhood", RuleText.UnknownNeighbourhoodCode(neighbourhood));
        ReportingDueReason? wanted = reason is null ? null : EnumNames.Require<ReportingDueReason>(reason, "reason");

        var entries = await CoachQueue.ReadAllAsync(orleans);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new CoachQueueView(entries.Count,
            [.. entries.Where(e => (neighbourhood is null || e.NeighbourhoodCode == neighbourhood) && (wanted is null || e.Reason == wanted))]));
    }
}
