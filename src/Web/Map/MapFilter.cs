using CivicContracting.Participants;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;

namespace CivicContracting.Web.Map;

/// <summary>The map's filters: one goal (with its objectives) and one kind of participant; empty means all.</summary>
public readonly record struct MapFilter(string? Goal, ParticipantKind? Kind)
{
    public bool IsEmpty => Goal is null && Kind is null;

    /// <summary>Checks the query values against the known goals and kinds; an unknown one is a 400 that names the valid ones.</summary>
    public static async Task<MapFilter> ParseAsync(CommitmentViews views, string? goal, string? kind)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        goal = string.IsNullOrWhiteSpace(goal) ? null : goal.Trim();
        kind = string.IsNullOrWhiteSpace(kind) ? null : kind.Trim();
        if (goal is not null && await views.GoalAsync(goal) is null)
            errors["goal"] = [$"There is no goal '{goal}'."];
        ParticipantKind? parsedKind = null;
        if (kind is not null)
        {
            parsedKind = EnumNames.Parse<ParticipantKind>(kind);
            if (parsedKind is null)
                errors["kind"] = [$"'{kind}' is not a participant kind; use one of {string.Join(", ", EnumNames.Of<ParticipantKind>())}."];
        }
        if (errors.Count > 0)
            throw ApiProblems.Invalid(errors);
        return new MapFilter(goal, parsedKind);
    }
}
