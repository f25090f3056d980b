using CivicContracting.Accounts;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Accounts;

/// <summary>The coach's workspace: nudges, assignments, coach profiles and the support team's notes.</summary>
public static partial class AccessRules
{
    /// <summary>Nudge an owner, assign or hand over a participant: coaches and administrators (a token needs <c>commitments:write</c>).</summary>
    public static string? CheckCoaching(Actor actor, CoachingAct act)
    {
        if (actor.Kind == ActorKind.BootstrapOperator)
            return BootstrapOnly;
        if (!actor.IsCoachOrAdministrator)
        {
            return act switch
            {
                CoachingAct.Nudge => ApiText.AccessCoachesOnlyNudge,
                CoachingAct.SetProfile => ApiText.AccessCoachesOnlySetProfile,
                CoachingAct.Assign => ApiText.AccessCoachesOnlyAssign,
                _ => ApiText.AccessCoachesOnlyEnd,
            };
        }
        if (!actor.HasScope(AccessTokenScopes.CommitmentsWrite))
            return ApiText.AccessTokenLacksScope(AccessTokenScopes.CommitmentsWrite);
        return null;
    }

    /// <summary>
    /// Read the support team's notes, the coaches and the assignments: the support team (coaches, moderators, administrators;
    /// a token needs <c>read:private</c>). Write a note: the same people (a token needs <c>commitments:write</c>).
    /// </summary>
    public static string? CheckSupportTeam(Actor actor, SupportTeamAct act)
    {
        if (actor.Kind == ActorKind.BootstrapOperator)
            return BootstrapOnly;
        if (!actor.IsSupportTeam)
        {
            return act switch
            {
                SupportTeamAct.ReadNotes => ApiText.AccessSupportTeamOnlyReadNotes,
                SupportTeamAct.WriteNotes => ApiText.AccessSupportTeamOnlyWriteNotes,
                SupportTeamAct.ReadCoaches => ApiText.AccessSupportTeamOnlyReadCoaches,
                SupportTeamAct.ReadCoachProfile => ApiText.AccessSupportTeamOnlyReadCoachProfile,
                SupportTeamAct.ReadAssignment => ApiText.AccessSupportTeamOnlyReadAssignment,
                _ => ApiText.AccessSupportTeamOnlyReadSuggestions,
            };
        }
        var scope = act == SupportTeamAct.WriteNotes ? AccessTokenScopes.CommitmentsWrite : AccessTokenScopes.ReadPrivate;
        if (!actor.HasScope(scope))
            return ApiText.AccessTokenLacksScope(scope);
        return null;
    }

    /// <summary>A coach sets their own profile; administrators anyone's.</summary>
    public static string? CheckCoachProfile(Actor actor, string accountId)
    {
        if (CheckCoaching(actor, CoachingAct.SetProfile) is { } refusal)
            return refusal;
        if (actor.IsPlatformAdministrator || string.Equals(actor.Account?.Id, accountId, StringComparison.Ordinal))
            return null;
        return ApiText.AccessCoachProfileOwnOnly;
    }
}

/// <summary>What a coach or administrator does in the coach's workspace (each refusal is its own sentence).</summary>
public enum CoachingAct
{
    Nudge = 0,
    SetProfile = 1,
    Assign = 2,
    End = 3,
}

/// <summary>What the support team reads or writes (each refusal is its own sentence).</summary>
public enum SupportTeamAct
{
    ReadNotes = 0,
    WriteNotes = 1,
    ReadCoaches = 2,
    ReadCoachProfile = 3,
    ReadAssignment = 4,
    ReadSuggestions = 5,
}
