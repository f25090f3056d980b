using System.Text.Json.Nodes;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Texts;
using Microsoft.OpenApi;

namespace CivicContracting.Web.Goals;

/// <summary>The query parameters <c>level</c>, <c>kind</c>, <c>status</c> and <c>neighbourhood</c> of a goal's list of commitments.</summary>
public static class CommitmentFilterParameters
{
    /// <summary>The filter the query asks for; an unknown value is a 400 naming each bad parameter and the values it takes.</summary>
    public static CommitmentFilter Parse(string? level, string? kind, string? status, string? neighbourhood)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var filter = new CommitmentFilter(
            Enum<CommitmentLevel>(level, "level", errors),
            Enum<ParticipantKind>(kind, "kind", errors),
            Enum<CommitmentStatus>(status, "status", errors),
            Neighbourhood(neighbourhood, errors));
        if (errors.Count > 0)
            throw ApiProblems.Invalid(errors);
        return filter;
    }

    /// <summary>Documents the four parameters (their values and meaning) in the operation.</summary>
    public static void Describe(OpenApiOperation operation)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            (parameter.Description, var values) = parameter.Name switch
            {
                "level" => ("Only commitments at this level of the commitment spectrum.", EnumNames.Of<CommitmentLevel>()),
                "kind" => ("Only commitments of participants of this kind.", EnumNames.Of<ParticipantKind>()),
                "status" => ("Only commitments in this status (drafts are listed too, as without a filter).", EnumNames.Of<CommitmentStatus>()),
                "neighbourhood" => ("Only commitments in this neighbourhood: its code (GET /api/places lists them).",
                    PlaceCatalog.Leuven.Neighbourhoods.Select(p => p.Code).ToList()),
                _ => (parameter.Description, null),
            };
            if (values is not null)
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))] };
        }
    }

    private static T? Enum<T>(string? text, string field, Dictionary<string, string[]> errors)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var value = EnumNames.Parse<T>(text.Trim());
        if (value is null)
            errors[field] = [ApiText.OneOf(string.Join(", ", EnumNames.Of<T>()))];
        return value;
    }

    private static string? Neighbourhood(string? code, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(code))
            return null;
        if (PlaceCatalog.Leuven.IsNeighbourhood(code.Trim()))
            return PlaceCatalog.Leuven.Get(code.Trim()).Code;
        errors["neighbourhood"] = [ApiText.OneOf(string.Join(", ", PlaceCatalog.Leuven.Neighbourhoods.Select(p => p.Code)))];
        return null;
    }
}
