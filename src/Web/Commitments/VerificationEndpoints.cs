using CivicContracting.Commitments;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicContracting.Web.Commitments;

/// <summary>A peer's confirmation of a claim: for which participant (one the caller acts for, not the commitment's own), optionally with a note.</summary>
public sealed record PeerConfirmationRequest(string ParticipantId, string? Note = null);

/// <summary>The support team's verification of a claim: how it was verified (3 to 500 characters).</summary>
public sealed record VerificationRequest(string Note);

/// <summary>
/// Verification tiers of result claims (a progress report with a value or a completed action): self-declared, confirmed
/// by a peer, verified by the support team. Tiers only go up; a repeat is a no-op. The commitment's view shows each raised
/// claim (<c>verifications</c>), the newest claim's tier (<c>claimTier</c>) and the progress that counts only verified
/// claims (<c>verifiedProgress</c>); goals and places show it rolled up (<c>engagement.verifiedProgress</c>,
/// <c>engagement.verifiedShare</c>).
/// </summary>
public static class VerificationEndpoints
{
    public static void MapVerification(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/commitments").WithTags("Commitments");

        group.MapPost("/{id}/reports/{reportId}/peer-confirmation", ConfirmClaim)
            .WithName("ConfirmClaim")
            .WithSummary("A participant the caller acts for (not the commitment's own) confirms a result claim: a report with a value or a completed action. "
                + "The claim becomes peerConfirmed (a verified one stays verified); repeating is a no-op. Scope commitments:write.")
            .AcceptsWriteJson<PeerConfirmationRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id}/reports/{reportId}/verification", VerifyClaim)
            .WithName("VerifyClaim")
            .WithSummary("The support team (coaches and administrators) verifies a result claim, with a note of how (3 to 500 characters). "
                + "The claim becomes verified and counts in verifiedProgress; repeating is a no-op. Scope commitments:write.")
            .AcceptsWriteJson<VerificationRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Ok<CommitmentView>> ConfirmClaim(string id, string reportId, HttpContext context, Access access, PeerConfirmClaimCommand command)
    {
        var actor = Access.RequireSignedIn(await access.ActorAsync(context));
        var body = await JsonBody.ReadAsync<PeerConfirmationRequest>(context);
        return TypedResults.Ok(await command.RunAsync(actor, id, reportId, body.ParticipantId, body.Note));
    }

    public static async Task<Ok<CommitmentView>> VerifyClaim(string id, string reportId, HttpContext context, Access access, VerifyClaimCommand command)
    {
        var verifier = VerifyClaimCommand.Authorise(await access.ActorAsync(context));
        var body = await JsonBody.ReadAsync<VerificationRequest>(context);
        return TypedResults.Ok(await command.RunAsync(verifier, id, reportId, body.Note));
    }
}
