using CivicContracting.Accounts;
using CivicContracting.Coaching;
using CivicContracting.Following;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Tests.Progress;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>
/// The account commands without HTTP (the people and organisations are made through the API; the commands are called
/// with an actor as their callers resolve one): each refuses whoever may not act with the status the API answers (401,
/// 403, 404) and changes nothing; a valid call changes the state; invalid input is refused naming its fields.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class AccountCommandTests(WebAppFixture app)
{
    private T Command<T>() where T : notnull => app.Services.GetRequiredService<T>();

    private IClusterClient Orleans => app.Services.GetRequiredService<IClusterClient>();

    [Fact]
    public async Task Adding_ones_resident_participant_is_for_a_person_once_in_a_real_neighbourhood()
    {
        using var person = await People.SignUpAsync(app.BaseAddress);
        var actor = await ActorOfAsync(person.AccountId);
        var command = Command<AddResidentCommand>();
        var valid = new ResidentSignUp("24062W04", " Fietser van de Vaart ");

        await RefusedAsync(401, () => command.RunAsync(Actor.Anonymous, valid));
        await RefusedAsync(403, () => command.RunAsync(Actor.Operator, valid));
        Assert.Contains("neighbourhoodCode", await FieldsRefusedAsync(() => command.RunAsync(actor, valid with { NeighbourhoodCode = "24062W99" })));
        Assert.Contains("pseudonym", await FieldsRefusedAsync(() => command.RunAsync(actor, valid with { Pseudonym = new string('x', InputRules.MaxNameLength + 1) })));
        Assert.Null((await AccountAsync(person.AccountId)).ParticipantId);

        var added = await command.RunAsync(actor, valid);

        Assert.Equal(AccountService.ResidentIdFor(person.AccountId), added.ParticipantId);
        var profile = await Orleans.GetGrain<IParticipantGrain>(added.ParticipantId!).GetProfile();
        Assert.Equal(("Fietser van de Vaart", ParticipantKind.Resident), (profile!.DisplayName, profile.Kind));
        Assert.Contains((await Orleans.GetGrain<IFollowerGrain>(person.AccountId).GetFollowing()).Topics, t => t.Topic.Id == added.ParticipantId);
        // One per account: a second is a conflict with the state, whatever the input.
        var linked = await ActorOfAsync(person.AccountId);
        await RefusedAsync(409, () => command.RunAsync(linked, valid with { NeighbourhoodCode = "24062W05" }));
        Assert.Equal("24062W04", (await Orleans.GetGrain<IParticipantGrain>(added.ParticipantId!).GetProfile())!.NeighbourhoodCode);
    }

    [Fact]
    public async Task Registering_an_organisation_needs_a_person_with_the_commitments_scope_and_valid_fields()
    {
        using var person = await People.SignUpAsync(app.BaseAddress);
        var actor = await ActorOfAsync(person.AccountId);
        var command = Command<AddOrganisationCommand>();
        var valid = new OrganisationSignUp(ParticipantKind.School, " Sint-Jozefschool ", "24062W02", "school@example.org");

        await RefusedAsync(401, () => command.RunAsync(Actor.Anonymous, valid));
        await RefusedAsync(403, () => command.RunAsync(Actor.Operator, valid));
        await RefusedAsync(403, () => command.RunAsync(Actor.BootstrapOperator, valid));
        await RefusedAsync(403, () => command.RunAsync(actor with { Kind = ActorKind.AccessToken, Scopes = new HashSet<string>([AccessTokenScopes.ProgressWrite]) }, valid));
        var refused = await FieldsRefusedAsync(() => command.RunAsync(actor, new OrganisationSignUp(ParticipantKind.Resident, " ", "nowhere", " school@example.org ")));
        Assert.Equal(["contactEmail", "kind", "name", "neighbourhoodCode"], refused.Order(StringComparer.Ordinal));
        Assert.Contains("id", await FieldsRefusedAsync(() => command.RunAsync(actor, valid, "not an id!")));
        Assert.Empty((await AccountAsync(person.AccountId)).Memberships);

        var (account, organisation) = await command.RunAsync(actor, valid);

        Assert.Equal(("Sint-Jozefschool", ParticipantKind.School), (organisation.DisplayName, organisation.Kind));
        Assert.Equal(OrganisationRole.Owner, Assert.Single(account.Memberships, m => m.OrganisationId == organisation.Id).Role);
        Assert.Equal(OrganisationRole.Owner, (await ActorOfAsync(person.AccountId)).RoleFor(organisation.Id));
        // A token with the scope registers one too.
        var token = (await ActorOfAsync(person.AccountId)) with { Kind = ActorKind.AccessToken, Scopes = new HashSet<string>([AccessTokenScopes.CommitmentsWrite]) };
        await command.RunAsync(token, valid with { Name = "Tweede school" });
        Assert.Equal(2, (await AccountAsync(person.AccountId)).Memberships.Count);
    }

    [Fact]
    public async Task Access_tokens_are_created_and_revoked_from_a_session_only()
    {
        using var person = await People.SignUpAsync(app.BaseAddress);
        var session = await ActorOfAsync(person.AccountId);
        var token = session with { Kind = ActorKind.AccessToken, Scopes = new HashSet<string>(AccessTokenScopes.All) };
        var create = Command<CreateAccessTokenCommand>();
        var revoke = Command<RevokeAccessTokenCommand>();
        var valid = new AccessTokenCreation("telpaal", [AccessTokenScopes.ProgressWrite], 30);

        await RefusedAsync(401, () => create.RunAsync(Actor.Anonymous, valid));
        await RefusedAsync(403, () => create.RunAsync(Actor.Operator, valid));
        await RefusedAsync(403, () => create.RunAsync(token, valid));
        Assert.Contains("expiresInDays", await FieldsRefusedAsync(() => create.RunAsync(session, valid with { ExpiresInDays = 0 })));
        Assert.Contains("expiresInDays", await FieldsRefusedAsync(() => create.RunAsync(session, valid with { ExpiresInDays = CreateAccessTokenCommand.MaxDays + 1 })));
        var refused = await FieldsRefusedAsync(() => create.RunAsync(session, new AccessTokenCreation(" ", ["everything"])));
        Assert.Contains("name", refused);
        Assert.Contains(refused, f => f.StartsWith("scopes", StringComparison.Ordinal));
        Assert.Empty(await TokensAsync(person.AccountId));

        var created = await create.RunAsync(session, valid);

        var listed = Assert.Single(await TokensAsync(person.AccountId));
        Assert.Equal((created.Info.TokenId, "telpaal", null), (listed.TokenId, listed.Name, listed.RevokedAt));
        Assert.InRange(listed.ExpiresAt, DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(31));
        Assert.DoesNotContain(created.Token, listed.ToString(), StringComparison.Ordinal);

        await RefusedAsync(401, () => revoke.RunAsync(Actor.Anonymous, listed.TokenId));
        await RefusedAsync(403, () => revoke.RunAsync(Actor.Operator, listed.TokenId));
        await RefusedAsync(403, () => revoke.RunAsync(token, listed.TokenId));
        await RefusedAsync(404, () => revoke.RunAsync(session, "t-no-such-token"));
        await RefusedAsync(404, () => revoke.RunAsync(session, "not an id!"));
        // Another person's token is not found, not revoked.
        using var otherPerson = await People.SignUpAsync(app.BaseAddress);
        var other = await ActorOfAsync(otherPerson.AccountId);
        await RefusedAsync(404, () => revoke.RunAsync(other, listed.TokenId));
        Assert.Null(Assert.Single(await TokensAsync(person.AccountId)).RevokedAt);

        var revoked = await revoke.RunAsync(session, listed.TokenId);

        Assert.NotNull(revoked.RevokedAt);
        Assert.Equal(revoked.RevokedAt, Assert.Single(await TokensAsync(person.AccountId)).RevokedAt);
    }

    [Fact]
    public async Task Members_are_set_by_owners_and_removed_by_owners_or_themselves()
    {
        var world = await SharedProgressWorld.GetAsync(app);
        using var newcomer = await People.SignUpAsync(app.BaseAddress, ProgressWorld.Neighbourhood);
        using var strangerPerson = await People.SignUpAsync(app.BaseAddress);
        var owner = await ActorOfAsync(world.Owner.AccountId);
        var stranger = await ActorOfAsync(strangerPerson.AccountId);
        var set = Command<SetMemberCommand>();
        var remove = Command<RemoveMemberCommand>();

        await RefusedAsync(401, () => set.AuthoriseAsync(Actor.Anonymous, world.OrganisationId));
        await RefusedAsync(403, () => set.AuthoriseAsync(stranger, world.OrganisationId));
        await RefusedAsync(403, () => set.AuthoriseAsync(owner with { Kind = ActorKind.AccessToken, Scopes = new HashSet<string>([AccessTokenScopes.ProgressWrite]) }, world.OrganisationId));
        await RefusedAsync(404, () => set.AuthoriseAsync(owner, "p-no-such-organisation"));
        // A resident is a person, not an organisation with members: even its own person cannot add any.
        var resident = await ActorOfAsync(newcomer.AccountId);
        Assert.Contains("organisationId", await FieldsRefusedAsync(() => set.AuthoriseAsync(resident, newcomer.ParticipantId!)));
        var permit = await set.AuthoriseAsync(owner, world.OrganisationId);
        Assert.Contains("loginName", await FieldsRefusedAsync(() => set.RunAsync(permit, " ", OrganisationRole.Member)));
        Assert.Contains("loginName", await FieldsRefusedAsync(() => set.RunAsync(permit, $"nobody-{Guid.NewGuid():N}@example.org", OrganisationRole.Member)));
        Assert.Contains("role", await FieldsRefusedAsync(() => set.RunAsync(permit, newcomer.LoginName, (OrganisationRole)7)));
        Assert.Empty((await AccountAsync(newcomer.AccountId)).Memberships);

        var member = await set.RunAsync(permit, newcomer.LoginName, OrganisationRole.Member);

        Assert.Equal(OrganisationRole.Member, Assert.Single(member.Memberships).Role);
        Assert.Contains((await Orleans.GetGrain<IFollowerGrain>(newcomer.AccountId).GetFollowing()).Topics, t => t.Topic.Id == world.OrganisationId);
        // A member manages no members: neither adds nor removes another.
        var memberActor = await ActorOfAsync(newcomer.AccountId);
        await RefusedAsync(403, () => set.AuthoriseAsync(memberActor, world.OrganisationId));
        await RefusedAsync(403, () => remove.RunAsync(memberActor, world.OrganisationId, world.Owner.AccountId));
        await RefusedAsync(403, () => remove.RunAsync(stranger, world.OrganisationId, newcomer.AccountId));
        await RefusedAsync(401, () => remove.RunAsync(Actor.Anonymous, world.OrganisationId, newcomer.AccountId));
        await RefusedAsync(404, () => remove.RunAsync(owner, world.OrganisationId, "a-no-such-account"));
        await RefusedAsync(404, () => remove.RunAsync(owner, "p-no-such-organisation", newcomer.AccountId));
        Assert.Single((await AccountAsync(newcomer.AccountId)).Memberships);
        Assert.Single((await AccountAsync(world.Owner.AccountId)).Memberships);

        // A member may leave; the owner may take someone out.
        Assert.Empty((await remove.RunAsync(memberActor, world.OrganisationId, newcomer.AccountId)).Memberships);
        await set.RunAsync(permit, newcomer.LoginName, OrganisationRole.Owner);
        Assert.Equal(OrganisationRole.Owner, Assert.Single((await AccountAsync(newcomer.AccountId)).Memberships).Role);
        await remove.RunAsync(owner, world.OrganisationId, newcomer.AccountId);
        Assert.Empty((await AccountAsync(newcomer.AccountId)).Memberships);
    }

    [Fact]
    public async Task Platform_roles_are_granted_and_revoked_by_administrators_only()
    {
        using var target = await People.SignUpAsync(app.BaseAddress);
        using var person = await People.SignUpAsync(app.BaseAddress);
        var resident = await ActorOfAsync(person.AccountId);
        var grant = Command<GrantRoleCommand>();
        var revoke = Command<RevokeRoleCommand>();
        var coaching = Orleans.GetGrain<ICoachAssignmentGrain>(CoachAssignments.Key);

        await RefusedAsync(401, () => grant.AuthoriseAsync(Actor.Anonymous, target.AccountId));
        await RefusedAsync(403, () => grant.AuthoriseAsync(resident, target.AccountId));
        await RefusedAsync(403, () => revoke.AuthoriseAsync(resident, target.AccountId));
        await RefusedAsync(404, () => grant.AuthoriseAsync(Actor.Operator, "a-no-such-account"));
        await RefusedAsync(404, () => revoke.AuthoriseAsync(Actor.Operator, "not an id!"));
        // An administrator's access token is no administrator: roles are changed from a session.
        await Orleans.GetGrain<IAccountGrain>(person.AccountId).GrantRole(PlatformRole.Administrator);
        var administrator = await ActorOfAsync(person.AccountId);
        await RefusedAsync(403, () => grant.AuthoriseAsync(administrator with { Kind = ActorKind.AccessToken, Scopes = new HashSet<string>(AccessTokenScopes.All) }, target.AccountId));
        var permit = await grant.AuthoriseAsync(administrator, target.AccountId);
        Assert.Contains("role", await FieldsRefusedAsync(() => grant.RunAsync(permit, (PlatformRole)42)));
        Assert.Equal([PlatformRole.Participant], (await AccountAsync(target.AccountId)).Roles);
        Assert.Null(await coaching.GetProfile(target.AccountId));

        var granted = await grant.RunAsync(permit, PlatformRole.Coach);

        Assert.Contains(PlatformRole.Coach, granted.Roles);
        Assert.NotNull(await coaching.GetProfile(target.AccountId)); // listed at once, to assign participants to

        var revoked = await revoke.RunAsync(await revoke.AuthoriseAsync(Actor.Operator, target.AccountId), PlatformRole.Coach);

        Assert.DoesNotContain(PlatformRole.Coach, revoked.Roles);
        Assert.Equal([PlatformRole.Participant], (await AccountAsync(target.AccountId)).Roles);
        Assert.Null(await coaching.GetProfile(target.AccountId));
    }

    [Fact]
    public async Task Deleting_ones_account_is_for_the_person_in_a_session()
    {
        using var person = await People.SignUpAsync(app.BaseAddress, "24062W13");
        var session = await ActorOfAsync(person.AccountId);
        var command = Command<DeleteAccountCommand>();

        await RefusedAsync(401, () => command.RunAsync(Actor.Anonymous));
        await RefusedAsync(403, () => command.RunAsync(Actor.Operator));
        await RefusedAsync(403, () => command.RunAsync(session with { Kind = ActorKind.AccessToken, Scopes = new HashSet<string>(AccessTokenScopes.All) }));
        Assert.NotNull(await Orleans.GetGrain<IAccountGrain>(person.AccountId).Get());

        var deletion = await command.RunAsync(session);

        Assert.Equal(person.ParticipantId, deletion.AnonymisedParticipantId);
        Assert.Null(await Orleans.GetGrain<IAccountGrain>(person.AccountId).Get());
    }

    private static async Task RefusedAsync(int status, Func<Task> act)
    {
        var refused = await Assert.ThrowsAsync<ApiProblemException>(act);
        Assert.Equal(status, refused.Status);
    }

    /// <summary>The fields a 400 names: the commands answer bad input as the API does (problem or rejected input).</summary>
    private static async Task<IReadOnlyCollection<string>> FieldsRefusedAsync(Func<Task> act)
    {
        var refused = await Record.ExceptionAsync(act);
        return refused switch
        {
            ApiProblemException { Status: 400 } problem => [.. problem.Errors.Keys],
            InputRejectedException rejected => [.. rejected.Errors.Keys],
            _ => throw new Xunit.Sdk.XunitException($"Expected a 400 naming fields, got {refused?.GetType().Name ?? "success"}: {refused?.Message}"),
        };
    }

    private async Task<AccountView> AccountAsync(string accountId) =>
        await Orleans.GetGrain<IAccountGrain>(accountId).Get() ?? throw new InvalidOperationException($"No account {accountId}.");

    private Task<IReadOnlyList<AccessTokenInfo>> TokensAsync(string accountId) => Orleans.GetGrain<IAccountGrain>(accountId).ListAccessTokens();

    private async Task<Actor> ActorOfAsync(string accountId) => new(ActorKind.Session, await AccountAsync(accountId), null);
}
