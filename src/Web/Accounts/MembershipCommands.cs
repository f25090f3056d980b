using CivicContracting.Accounts;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Accounts;

/// <summary>The organisation a membership command is about.</summary>
public static class Organisations
{
    /// <summary>The organisation's profile: 404 problem if there is no such participant, 400 naming organisationId for a resident.</summary>
    public static async Task<ParticipantProfile> RequireAsync(IClusterClient orleans, string organisationId)
    {
        var profile = await Access.RequireParticipantAsync(orleans, organisationId);
        if (profile.Kind == ParticipantKind.Resident)
            throw ApiProblems.Invalid("organisationId", ApiText.ResidentNoMembers);
        return profile;
    }
}

/// <summary>
/// Adding a person (named by their login name) to an organisation as owner or member, or changing their role: the one way
/// in for POST /api/participants/{organisationId}/members and the account page's members form. Owners, administrators and
/// the operator token: 401 not signed in, 404 no such organisation, 403 without the right to manage its members — before
/// the input is read; then 400 naming the field (a login name nobody signs in with, too), then the grain.
/// </summary>
public sealed class SetMemberCommand(IClusterClient orleans)
{
    /// <summary>The right to manage the members of <see cref="OrganisationId"/>.</summary>
    public sealed record Permit(Actor Actor, string OrganisationId);

    public async Task<Permit> AuthoriseAsync(Actor actor, string organisationId)
    {
        Access.RequireSignedIn(actor);
        var organisation = await Organisations.RequireAsync(orleans, organisationId);
        Access.Require(actor, a => AccessRules.Check(a, organisation.Id, ParticipantRight.ManageMembers));
        return new Permit(actor, organisation.Id);
    }

    public static InputRules.Errors Check(Permit permit, string? loginName, OrganisationRole role)
    {
        var errors = AccountRules.Membership(permit.OrganisationId, role);
        if (string.IsNullOrWhiteSpace(loginName))
            errors.Add("loginName", ApiText.NameMemberByLogin);
        return errors;
    }

    /// <summary>The member's account as it is now; they follow the organisation from now on.</summary>
    public async Task<AccountView> RunAsync(Permit permit, string? loginName, OrganisationRole role)
    {
        var errors = Check(permit, loginName, role);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        var accountId = await orleans.GetGrain<ILoginGrain>(LoginKeys.Local(loginName!)).GetAccountId()
            ?? throw ApiProblems.Invalid("loginName", ApiText.NoAccountWithLogin);
        var member = await orleans.GetGrain<IAccountGrain>(accountId).SetMembership(permit.OrganisationId, role);
        await OwnParticipants.FollowAsync(orleans, accountId, permit.OrganisationId);
        return member;
    }
}

/// <summary>
/// Removing a member from an organisation: the one way in for DELETE /api/participants/{organisationId}/members/{accountId}.
/// A member may leave; removing someone else is for owners, administrators and the operator token. 401 not signed in,
/// 404 no such organisation or account, 403 without the right.
/// </summary>
public sealed class RemoveMemberCommand(IClusterClient orleans)
{
    public async Task<AccountView> RunAsync(Actor actor, string organisationId, string accountId)
    {
        Access.RequireSignedIn(actor);
        var organisation = await Organisations.RequireAsync(orleans, organisationId);
        if (actor.Account?.Id != accountId)
            Access.Require(actor, a => AccessRules.Check(a, organisation.Id, ParticipantRight.ManageMembers));
        var account = ApiIds.IsWellFormed(accountId) ? orleans.GetGrain<IAccountGrain>(accountId) : null;
        if (account is null || await account.Get() is null)
            throw ApiProblems.NotFound("account", accountId);
        return await account.RemoveMembership(organisation.Id);
    }
}
