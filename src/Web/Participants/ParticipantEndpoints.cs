using CivicContracting.Accounts;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using CivicContracting.Web.Texts;

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
            .AcceptsWriteJson<NewParticipant>()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/{id}", GetProfile)
            .WithName("GetParticipant")
            .WithSummary("The public profile of a participant: kind, display name, neighbourhood and commitments. Never private data.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/private", GetPrivateDetails)
            .RequireSignedIn()
            .WithName("GetParticipantPrivateDetails")
            .WithSummary("Name and contact data of a participant: for the person themselves, the organisation's members, the support team and administrators.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var verification = group.MapGroup("/{id}/verification").RequireSignedIn();
        verification.MapPut("/", Verify)
            .WithName("VerifyParticipant")
            .WithSummary("Verifies an organisation (administrators and the operator token): it is no longer shown as unverified, counts under its own kind and its name is protected.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        verification.MapDelete("/", Unverify)
            .WithName("UnverifyParticipant")
            .WithSummary("Withdraws an organisation's verification (administrators and the operator token): shown as unverified, counted as a generic organisation.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Ok<ParticipantProfile>> Verify(string id, HttpContext context, Access access, VerifyParticipantCommand command) =>
        TypedResults.Ok(await command.RunAsync(await command.AuthoriseAsync(await access.ActorAsync(context), id), verified: true));

    public static async Task<Ok<ParticipantProfile>> Unverify(string id, HttpContext context, Access access, VerifyParticipantCommand command) =>
        TypedResults.Ok(await command.RunAsync(await command.AuthoriseAsync(await access.ActorAsync(context), id), verified: false));

    public static async Task<Results<Created<ParticipantProfile>, Ok<ParticipantProfile>>> Register(HttpContext context, IClusterClient orleans, Access access, AddOrganisationCommand addOrganisation)
    {
        var body = await JsonBody.ReadAsync<NewParticipant>(context);
        var registration = body.ToRegistration();
        var errors = InputRules.Registration(registration);
        ApiIds.Check(errors, "id", body.Id);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);

        // The support team and administrators register participants on anyone's behalf (e.g. from a paper form);
        // a person registers an organisation they then own, and their own resident participant at /api/me/participant.
        var actor = await access.ActorAsync(context);
        if (!actor.IsCoachOrAdministrator)
        {
            if (actor.Account is null)
                throw Access.Forbidden(actor.Kind == ActorKind.BootstrapOperator ? AccessRules.BootstrapOnly : ApiText.SignInFirst);
            if (!actor.HasScope(AccessTokenScopes.CommitmentsWrite))
                throw Access.Forbidden(ApiText.AccessRegisterLacksScope(AccessTokenScopes.CommitmentsWrite));
            if (registration.Kind == ParticipantKind.Resident)
                throw Access.Forbidden(ApiText.AccessResidentRegistersSelf);
            var (_, organisation) = await addOrganisation.RunAsync(actor,
                new OrganisationSignUp(registration.Kind, registration.Name, registration.NeighbourhoodCode, registration.ContactEmail, registration.ContactPhone), body.Id);
            return TypedResults.Created($"/api/participants/{Uri.EscapeDataString(organisation.Id)}", organisation);
        }

        var id = body.Id ?? ApiIds.New("p");
        var grain = orleans.GetGrain<IParticipantGrain>(id);
        var existed = body.Id is not null && await grain.GetProfile() is not null;
        // Administrators and the operator token register for the platform (verified at once); a coach as a person would.
        var profile = actor.IsPlatformAdministrator ? await grain.Register(registration) : await grain.RegisterUnverified(registration);
        return existed
            ? TypedResults.Ok(profile)
            : TypedResults.Created($"/api/participants/{Uri.EscapeDataString(id)}", profile);
    }

    public static async Task<Ok<ParticipantProfile>> GetProfile(string id, IClusterClient orleans)
    {
        var profile = ApiIds.IsWellFormed(id) ? await orleans.GetGrain<IParticipantGrain>(id).GetProfile() : null;
        return TypedResults.Ok(profile ?? throw ApiProblems.NotFound("participant", id));
    }

    public static async Task<Ok<ParticipantPrivateDetails>> GetPrivateDetails(string id, HttpContext context, IClusterClient orleans, Access access)
    {
        if (ApiIds.IsWellFormed(id))
            await access.RequireForParticipantAsync(context, id, ParticipantRight.ReadPrivate);
        var details = ApiIds.IsWellFormed(id) ? await orleans.GetGrain<IParticipantGrain>(id).GetPrivateDetails() : null;
        return TypedResults.Ok(details ?? throw ApiProblems.NotFound("participant", id));
    }
}
