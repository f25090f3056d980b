using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Hosting;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicContracting.Web.Participants;

/// <summary>A registration as sent to the API: <see cref="ParticipantRegistration"/> plus an optional id chosen by the client.</summary>
public sealed record NewParticipant(
    ParticipantKind Kind,
    string Name,
    string NeighbourhoodCode,
    string? Id = null,
    string? Pseudonym = null,
    bool ShowNamePublicly = false,
    string? ContactEmail = null,
    string? ContactPhone = null)
{
    public ParticipantRegistration ToRegistration() =>
        new(Kind, Name, NeighbourhoodCode, Pseudonym, ShowNamePublicly, ContactEmail, ContactPhone);
}

/// <summary>Participants: residents, schools, businesses, organisations, the city and knowledge institutions.</summary>
public static class ParticipantEndpoints
{
    public static void MapParticipants(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/participants").WithTags("Participants");

        group.MapPost("/", Register)
            .WithName("RegisterParticipant")
            .WithSummary("Registers a participant. Name and contact data stay private; residents are shown under a pseudonym unless they opt in.")
            .AcceptsOperatorJson<NewParticipant>()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/{id}", GetProfile)
            .WithName("GetParticipant")
            .WithSummary("The public profile of a participant: kind, display name, neighbourhood and commitments. Never private data.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/private", GetPrivateDetails)
            .RequireOperator()
            .WithName("GetParticipantPrivateDetails")
            .WithSummary("Name and contact data of a participant (operators only).")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Created<ParticipantProfile>, Ok<ParticipantProfile>>> Register(HttpContext context, IClusterClient orleans)
    {
        var body = await JsonBody.ReadAsync<NewParticipant>(context);
        var registration = body.ToRegistration();
        var errors = InputRules.Registration(registration);
        ApiIds.Check(errors, "id", body.Id);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);

        var id = body.Id ?? ApiIds.New("p");
        var grain = orleans.GetGrain<IParticipantGrain>(id);
        var existed = body.Id is not null && await grain.GetProfile() is not null;
        var profile = await grain.Register(registration);
        return existed
            ? TypedResults.Ok(profile)
            : TypedResults.Created($"/api/participants/{Uri.EscapeDataString(id)}", profile);
    }

    public static async Task<Ok<ParticipantProfile>> GetProfile(string id, IClusterClient orleans)
    {
        var profile = ApiIds.IsWellFormed(id) ? await orleans.GetGrain<IParticipantGrain>(id).GetProfile() : null;
        return TypedResults.Ok(profile ?? throw ApiProblems.NotFound("participant", id));
    }

    public static async Task<Ok<ParticipantPrivateDetails>> GetPrivateDetails(string id, IClusterClient orleans)
    {
        var details = ApiIds.IsWellFormed(id) ? await orleans.GetGrain<IParticipantGrain>(id).GetPrivateDetails() : null;
        return TypedResults.Ok(details ?? throw ApiProblems.NotFound("participant", id));
    }
}
