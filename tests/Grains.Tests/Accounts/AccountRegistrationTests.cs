using CivicContracting.Accounts;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Accounts;

[Collection(ClusterCollection.Name)]
public sealed class AccountRegistrationTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_local_account_is_registered_under_its_normalised_login_and_repeating_the_registration_is_a_no_op()
    {
        var login = AccountTestData.NewLoginName();
        var registration = AccountTestData.Local("  " + login + " ");
        var account = Grains.GetGrain<IAccountGrain>(TestData.NewId("a"));

        var view = await account.Register(registration);
        var again = await account.Register(registration);

        Assert.Equal(login.ToLowerInvariant(), view.LoginName);
        Assert.True(view.HasPassword);
        Assert.Equal([PlatformRole.Participant], view.Roles);
        Assert.Equal(view.RegisteredAt, again.RegisteredAt);
        Assert.Equal(account.GetPrimaryKeyString(), await Grains.GetGrain<ILoginGrain>(LoginKeys.Local(login.ToUpperInvariant())).GetAccountId());
        var credentials = await account.GetForSignIn();
        Assert.Equal(registration.Local!.PasswordHash, credentials!.PasswordHash);
        Assert.False(credentials.Lockout.IsLockedOut);
        // The same id with other details is a conflict, and changes nothing.
        await Assert.ThrowsAsync<StateConflictException>(() => account.Register(registration with { DisplayName = "Someone else" }));
        Assert.Equal("Jan Peeters", (await account.Get())!.DisplayName);
    }

    [Fact]
    public async Task A_login_taken_by_one_account_is_refused_to_another_whatever_its_case()
    {
        var login = AccountTestData.NewLoginName();
        var first = Grains.GetGrain<IAccountGrain>(TestData.NewId("a"));
        await first.Register(AccountTestData.Local(login));
        var second = Grains.GetGrain<IAccountGrain>(TestData.NewId("a"));

        await Assert.ThrowsAsync<StateConflictException>(() => second.Register(AccountTestData.Local(login.ToUpperInvariant(), displayName: "Intruder")));

        Assert.Null(await second.Get());
        Assert.Null(await second.GetForSignIn());
        Assert.Equal(first.GetPrimaryKeyString(), await Grains.GetGrain<ILoginGrain>(LoginKeys.Local(login)).GetAccountId());
    }

    [Fact]
    public async Task Of_many_registrations_racing_for_one_login_exactly_one_gets_it()
    {
        var login = AccountTestData.NewLoginName();
        var accounts = Enumerable.Range(0, 12).Select(_ => Grains.GetGrain<IAccountGrain>(TestData.NewId("a"))).ToList();

        var attempts = accounts.Select(async a =>
        {
            try
            {
                await a.Register(AccountTestData.Local(login));
                return true;
            }
            catch (StateConflictException)
            {
                return false;
            }
        });
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(accounts.Where((_, i) => results[i]));
        Assert.Equal(winner.GetPrimaryKeyString(), await Grains.GetGrain<ILoginGrain>(LoginKeys.Local(login)).GetAccountId());
        foreach (var loser in accounts.Where((_, i) => !results[i]))
            Assert.Null(await loser.Get());
    }

    [Fact]
    public async Task An_OpenID_Connect_account_has_no_password_and_its_issuer_and_subject_are_one_login()
    {
        var subject = Guid.NewGuid().ToString("N");
        var external = new ExternalLogin("https://login.leuven.be/realms/civic", subject);
        var account = Grains.GetGrain<IAccountGrain>(TestData.NewId("a"));

        var view = await account.Register(new AccountRegistration("An Janssens", External: external));

        Assert.False(view.HasPassword);
        Assert.Null(view.LoginName);
        Assert.Equal(external, view.External);
        Assert.Null((await account.GetForSignIn())!.PasswordHash);
        Assert.Equal(account.GetPrimaryKeyString(), await Grains.GetGrain<ILoginGrain>(LoginKeys.External(external.Issuer, subject)).GetAccountId());
        await Assert.ThrowsAsync<StateConflictException>(() =>
            Grains.GetGrain<IAccountGrain>(TestData.NewId("a")).Register(new AccountRegistration("Other", External: external)));
        // Another issuer with the same subject is another person.
        await Grains.GetGrain<IAccountGrain>(TestData.NewId("a")).Register(new AccountRegistration("Other", External: external with { Issuer = "https://other.example.org" }));
        await Assert.ThrowsAsync<StateConflictException>(() => account.SetPasswordHash(AccountTestData.PasswordHash()));
    }

    public static TheoryData<string, AccountRegistration> InvalidRegistrations() => new()
    {
        { "", new AccountRegistration("No login") },
        { "", new AccountRegistration("Both", Local: new LocalLogin("someone", "hash"), External: new ExternalLogin("https://idp.example.org", "s")) },
        { "displayName", new AccountRegistration(" ", Local: new LocalLogin("someone", "hash")) },
        { "email", new AccountRegistration("Jan", "not-an-address", Local: new LocalLogin("someone", "hash")) },
        { "local.loginName", new AccountRegistration("Jan", Local: new LocalLogin("a b c", "hash")) },
        { "local.loginName", new AccountRegistration("Jan", Local: new LocalLogin("ab", "hash")) },
        { "local.passwordHash", new AccountRegistration("Jan", Local: new LocalLogin("someone", "")) },
        { "external.issuer", new AccountRegistration("Jan", External: new ExternalLogin("login.leuven.be", "s")) },
        { "external.subject", new AccountRegistration("Jan", External: new ExternalLogin("https://idp.example.org", "")) },
    };

    [Theory]
    [MemberData(nameof(InvalidRegistrations))]
    public async Task An_invalid_registration_is_refused_naming_the_field_and_claims_no_login(string field, AccountRegistration registration)
    {
        var account = Grains.GetGrain<IAccountGrain>(TestData.NewId("a"));

        var error = await Assert.ThrowsAsync<InputRejectedException>(() => account.Register(registration));

        Assert.Contains(field, error.Errors.Keys);
        Assert.Null(await account.Get());
        if (registration.Local is { LoginName.Length: > 0 } local)
            Assert.Null(await Grains.GetGrain<ILoginGrain>(LoginKeys.Local(local.LoginName)).GetAccountId());
    }

    [Fact]
    public async Task Roles_are_granted_and_revoked_but_every_account_keeps_the_participant_role()
    {
        var (account, _) = await AccountTestData.Registered(Grains);

        await account.GrantRole(PlatformRole.Moderator);
        var view = await account.GrantRole(PlatformRole.Coach);
        Assert.Equal([PlatformRole.Participant, PlatformRole.Coach, PlatformRole.Moderator], view.Roles);
        Assert.Equal(view.Roles, (await account.GetForSignIn())!.Roles);
        Assert.Equal(view.Roles, (await account.GrantRole(PlatformRole.Coach)).Roles);

        view = await account.RevokeRole(PlatformRole.Moderator);
        Assert.Equal([PlatformRole.Participant, PlatformRole.Coach], view.Roles);
        var error = await Assert.ThrowsAsync<InputRejectedException>(() => account.RevokeRole(PlatformRole.Participant));
        Assert.Equal("role", Assert.Single(error.Errors.Keys));
        await Assert.ThrowsAsync<InputRejectedException>(() => account.GrantRole((PlatformRole)42));
        Assert.Equal([PlatformRole.Participant, PlatformRole.Coach], (await account.Get())!.Roles);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Grains.GetGrain<IAccountGrain>(TestData.NewId("a")).GrantRole(PlatformRole.Administrator));
    }

    [Fact]
    public async Task A_password_hash_can_be_replaced_and_the_new_one_is_what_a_sign_in_checks()
    {
        var (account, registration) = await AccountTestData.Registered(Grains);
        var newHash = AccountTestData.PasswordHash();

        await account.SetPasswordHash(newHash);

        Assert.Equal(newHash, (await account.GetForSignIn())!.PasswordHash);
        Assert.NotEqual(registration.Local!.PasswordHash, newHash);
        await Assert.ThrowsAsync<InputRejectedException>(() => account.SetPasswordHash("has spaces in it"));
        Assert.Equal(newHash, (await account.GetForSignIn())!.PasswordHash);
    }
}
