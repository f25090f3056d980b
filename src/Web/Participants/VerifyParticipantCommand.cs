using CivicContracting.Participants;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Participants;

/// <summary>
/// An administrator verifies an organisation (or withdraws the verification): the one way in for
/// PUT/DELETE /api/participants/{id}/verification and the support team's participant page. Until verified, an organisation
/// of a kind that needs it (Participants:KindsNeedingVerification) registered by a person is shown as "niet geverifieerd"
/// and counts by kind as a generic organisation; a verified one's name is protected against imitation. Administrators (in
/// a session) and the operator token: 401 not signed in, 403 anyone else, 404 no such participant, 400 for a resident.
/// </summary>
public sealed partial class VerifyParticipantCommand(IClusterClient orleans, ILogger<VerifyParticipantCommand> logger)
{
    /// <summary>The right to verify <see cref="Participant"/>, as read for the check.</summary>
    public sealed record Permit(Actor Actor, ParticipantProfile Participant);

    public async Task<Permit> AuthoriseAsync(Actor actor, string participantId)
    {
        Access.RequireAdministrator(actor);
        var profile = await Access.RequireParticipantAsync(orleans, participantId);
        if (profile.Kind == ParticipantKind.Resident)
            throw ApiProblems.Invalid("id", ApiText.ResidentNotVerified);
        return new Permit(actor, profile);
    }

    /// <summary>
    /// Sets the verification, then tells each of the participant's commitments, which push their new kind if it changed:
    /// O(the participant's commitments), never the city. Repeating it repeats the telling, so an interrupted run is completed.
    /// </summary>
    public async Task<ParticipantProfile> RunAsync(Permit permit, bool verified)
    {
        var profile = await orleans.GetGrain<IParticipantGrain>(permit.Participant.Id).SetVerified(verified);
        await ParticipantCommitments.RefreshAsync(orleans, profile);
        LogVerification(logger, permit.Actor.RecordedId, profile.Id, verified, profile.CommitmentIds.Count);
        return profile;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{ActorId} set the verification of participant {ParticipantId} to {Verified}; {Commitments} commitments told")]
    private static partial void LogVerification(ILogger logger, string actorId, string participantId, bool verified, int commitments);
}
