using CivicContracting.Accounts;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Accounts;

/// <summary>
/// Who raises a result claim's verification tier. Verifying is the support team's work: coaches and administrators (and
/// the full operator token), with commitments:write on an access token. A peer confirmation is made for a participant the
/// caller acts for (its own person, or an organisation they own or are a member of; administrators and the operator token
/// for any), and never for the commitment's own participant; a coach's role gives no right to confirm as someone else.
/// </summary>
public static partial class AccessRules
{
    /// <summary>Null when the caller may verify claims (the support team's tier), else why not.</summary>
    public static string? CheckVerification(Actor actor)
    {
        if (actor.Kind == ActorKind.BootstrapOperator)
            return BootstrapOnly;
        if (!actor.IsCoachOrAdministrator)
            return ApiText.AccessVerifySupportTeamOnly;
        if (!actor.HasScope(AccessTokenScopes.CommitmentsWrite))
            return ApiText.AccessTokenLacksScope(AccessTokenScopes.CommitmentsWrite);
        return null;
    }

    /// <summary>
    /// Null when the caller may confirm a claim as <paramref name="peerParticipantId"/>, else why not. (That the peer is not
    /// the commitment's own participant is a rule of the claim, checked with the input: 400.)
    /// </summary>
    public static string? CheckPeerConfirmation(Actor actor, string peerParticipantId)
    {
        if (actor.Kind == ActorKind.BootstrapOperator)
            return BootstrapOnly;
        if (!actor.IsOperator)
        {
            if (actor.Account is null)
                return ApiText.SignInFirst;
            if (!actor.HasScope(AccessTokenScopes.CommitmentsWrite))
                return ApiText.AccessTokenLacksScope(AccessTokenScopes.CommitmentsWrite);
            if (!actor.HasRole(PlatformRole.Administrator) && actor.RoleFor(peerParticipantId) is null)
                return ApiText.AccessPeerNotActingFor(peerParticipantId);
        }
        return null;
    }
}
