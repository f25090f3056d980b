using CivicContracting.Accounts;

namespace CivicContracting.Web.Accounts;

/// <summary>Moderation and help requests: who flags, who hides and settles flags, who marks help given.</summary>
public static partial class AccessRules
{
    /// <summary>Moderators and administrators (and the full operator token): they read the flags and the content hidden from the public.</summary>
    public static bool ModeratesContent(Actor actor) => actor.IsPlatformAdministrator || actor.HasRole(PlatformRole.Moderator);

    /// <summary>Moderators and administrators (and the full operator token) hide and show content and settle flags; an access token needs commitments:write.</summary>
    public static bool CanModerate(Actor actor) =>
        ModeratesContent(actor) && actor.HasScope(AccessTokenScopes.CommitmentsWrite);

    /// <summary>Any signed-in person flags content (in a session, or with an access token with commitments:write); never the operator token, which is nobody's account.</summary>
    public static bool CanFlag(Actor actor) => actor.Account is not null && actor.HasScope(AccessTokenScopes.CommitmentsWrite);

    /// <summary>Coaches and administrators mark a draft's help request as given; an access token needs commitments:write.</summary>
    public static bool CanMarkHelpGiven(Actor actor) => actor.IsCoachOrAdministrator && actor.HasScope(AccessTokenScopes.CommitmentsWrite);
}
