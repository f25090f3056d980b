using CivicContracting.Accounts;
using CivicContracting.Coaching;
using CivicContracting.Validation;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;

namespace CivicContracting.Web.Accounts;

/// <summary>The right to change the platform roles of <see cref="AccountId"/>, as <see cref="PlatformRoles.AuthoriseAsync"/> granted it.</summary>
public sealed record RolePermit(Actor Actor, string AccountId);

/// <summary>Who may change platform roles: administrators (in a session) and the operator token.</summary>
public static class PlatformRoles
{
    /// <summary>401 not signed in, 403 for anyone else, then 404 if there is no such account — before the role is read.</summary>
    public static async Task<RolePermit> AuthoriseAsync(IClusterClient orleans, Actor actor, string accountId)
    {
        Access.RequireAdministrator(actor);
        var exists = ApiIds.IsWellFormed(accountId) && await orleans.GetGrain<IAccountGrain>(accountId).Get() is not null;
        return exists ? new RolePermit(actor, accountId) : throw ApiProblems.NotFound("account", accountId);
    }

    public static InputRules.Errors Check(PlatformRole role) => AccountRules.Role(role);
}

/// <summary>Granting a platform role (coach, moderator, administrator): the one way in for POST /api/accounts/{accountId}/roles.</summary>
public sealed class GrantRoleCommand(IClusterClient orleans)
{
    public Task<RolePermit> AuthoriseAsync(Actor actor, string accountId) => PlatformRoles.AuthoriseAsync(orleans, actor, accountId);

    public async Task<AccountView> RunAsync(RolePermit permit, PlatformRole role)
    {
        PlatformRoles.Check(role).ThrowIfAny();
        var account = await orleans.GetGrain<IAccountGrain>(permit.AccountId).GrantRole(role);
        // A new coach is listed at once, to assign participants to and hand over to.
        if (role == PlatformRole.Coach)
            await orleans.GetGrain<ICoachAssignmentGrain>(CoachAssignments.Key).EnsureProfile(account.Id, account.DisplayName);
        return account;
    }
}

/// <summary>Revoking a platform role: the one way in for DELETE /api/accounts/{accountId}/roles/{role}.</summary>
public sealed class RevokeRoleCommand(IClusterClient orleans)
{
    public Task<RolePermit> AuthoriseAsync(Actor actor, string accountId) => PlatformRoles.AuthoriseAsync(orleans, actor, accountId);

    public async Task<AccountView> RunAsync(RolePermit permit, PlatformRole role)
    {
        PlatformRoles.Check(role).ThrowIfAny();
        var account = await orleans.GetGrain<IAccountGrain>(permit.AccountId).RevokeRole(role);
        // A former coach coaches nobody: their participants show among those without a coach, with why in the history.
        if (role == PlatformRole.Coach)
        {
            await orleans.GetGrain<ICoachAssignmentGrain>(CoachAssignments.Key)
                .RetireCoach(account.Id, permit.Actor.RecordedId, "De coachrol is ingetrokken.");
        }
        return account;
    }
}
