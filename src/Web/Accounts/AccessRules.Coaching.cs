using CivicContracting.Accounts;

namespace CivicContracting.Web.Accounts;

/// <summary>The coach's workspace: nudges, assignments, coach profiles and the support team's notes.</summary>
public static partial class AccessRules
{
    /// <summary>Nudge an owner, assign or hand over a participant: coaches and administrators (a token needs <c>commitments:write</c>).</summary>
    public static string? CheckCoaching(Actor actor, string what)
    {
        if (actor.Kind == ActorKind.BootstrapOperator)
            return BootstrapOnly;
        if (!actor.IsCoachOrAdministrator)
            return $"Only coaches (the support team) and administrators may {what}.";
        if (!actor.HasScope(AccessTokenScopes.CommitmentsWrite))
            return $"This access token lacks the scope '{AccessTokenScopes.CommitmentsWrite}' that it takes to {what}.";
        return null;
    }

    /// <summary>
    /// Read the support team's notes, the coaches and the assignments: the support team (coaches, moderators, administrators;
    /// a token needs <c>read:private</c>). Write a note: the same people (a token needs <c>commitments:write</c>).
    /// </summary>
    public static string? CheckSupportTeam(Actor actor, string what, bool write)
    {
        if (actor.Kind == ActorKind.BootstrapOperator)
            return BootstrapOnly;
        if (!actor.IsSupportTeam)
            return $"Only the support team (coaches, moderators) and administrators may {what}.";
        var scope = write ? AccessTokenScopes.CommitmentsWrite : AccessTokenScopes.ReadPrivate;
        if (!actor.HasScope(scope))
            return $"This access token lacks the scope '{scope}' that it takes to {what}.";
        return null;
    }

    /// <summary>A coach sets their own profile; administrators anyone's.</summary>
    public static string? CheckCoachProfile(Actor actor, string accountId)
    {
        if (CheckCoaching(actor, "set a coach's profile") is { } refusal)
            return refusal;
        if (actor.IsPlatformAdministrator || string.Equals(actor.Account?.Id, accountId, StringComparison.Ordinal))
            return null;
        return "A coach sets only their own profile; administrators set anyone's.";
    }
}
