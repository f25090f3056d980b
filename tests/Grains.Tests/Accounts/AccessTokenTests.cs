using CivicContracting.Accounts;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Accounts;

[Collection(ClusterCollection.Name)]
public sealed class AccessTokenTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_token_is_created_verified_by_the_hash_of_its_secret_listed_and_revoked()
    {
        var (account, _) = await AccountTestData.Registered(Grains);
        var (secret, request) = AccountTestData.Token("Progress from the school's counter", null, AccessTokenScopes.ProgressWrite, AccessTokenScopes.CommitmentsWrite);

        var info = await account.CreateAccessToken(request);
        Assert.Equal(AccountTestData.Json(info), AccountTestData.Json(await account.CreateAccessToken(request))); // a retry is a no-op
        var token = Grains.GetGrain<IAccessTokenGrain>(request.TokenId);

        var grant = await token.Verify(AccountRules.HashSecret(secret));
        Assert.NotNull(grant);
        Assert.Equal(account.GetPrimaryKeyString(), grant.AccountId);
        Assert.Equal([AccessTokenScopes.CommitmentsWrite, AccessTokenScopes.ProgressWrite], grant.Scopes);
        Assert.Null(await token.Verify(AccountRules.HashSecret(secret + "x")));
        Assert.Null(await Grains.GetGrain<IAccessTokenGrain>(TestData.NewId("t")).Verify(AccountRules.HashSecret(secret)));
        await Assert.ThrowsAsync<InputRejectedException>(() => token.Verify(secret)); // a secret is never accepted in place of its hash

        var listed = Assert.Single(await account.ListAccessTokens());
        Assert.Equal("Progress from the school's counter", listed.Name);
        Assert.NotNull(listed.LastUsedAt);
        Assert.Null(listed.RevokedAt);

        var revoked = await account.RevokeAccessToken(request.TokenId);
        Assert.NotNull(revoked.RevokedAt);
        Assert.Equal(revoked.RevokedAt, (await account.RevokeAccessToken(request.TokenId)).RevokedAt);
        Assert.Null(await token.Verify(AccountRules.HashSecret(secret)));
        Assert.NotNull(Assert.Single(await account.ListAccessTokens()).RevokedAt);
    }

    [Fact]
    public async Task A_token_stops_working_when_it_expires()
    {
        var (account, _) = await AccountTestData.Registered(Grains);
        var (secret, request) = AccountTestData.Token(lifetime: TimeSpan.FromDays(7));
        await account.CreateAccessToken(request);
        var token = Grains.GetGrain<IAccessTokenGrain>(request.TokenId);

        using (TestClock.Shift(TimeSpan.FromDays(6)))
            Assert.NotNull(await token.Verify(AccountRules.HashSecret(secret)));
        using (TestClock.Shift(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1)))
            Assert.Null(await token.Verify(AccountRules.HashSecret(secret)));
    }

    [Fact]
    public async Task Only_the_hash_of_a_secret_is_kept_and_no_read_or_export_shows_the_secret_or_its_hash()
    {
        var (account, _) = await AccountTestData.Registered(Grains);
        var (secret, request) = AccountTestData.Token();
        await account.CreateAccessToken(request);
        await Grains.GetGrain<IAccessTokenGrain>(request.TokenId).Verify(request.SecretHash);

        var everything = string.Join("\n",
            AccountTestData.Json(await account.Export()),
            AccountTestData.Json(await account.ListAccessTokens()),
            AccountTestData.Json(await Grains.GetGrain<IAccessTokenGrain>(request.TokenId).Get()),
            AccountTestData.Json(await account.Get()));

        Assert.Contains(request.TokenId, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(request.SecretHash, everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secretHash", everything, StringComparison.OrdinalIgnoreCase);
    }

    public static TheoryData<string, string[], double, bool> InvalidRequests() => new()
    {
        // field, scopes, lifetime in days, hash the secret
        { "scopes", [], 30, true },
        { "scopes[0]", ["admin:everything"], 30, true },
        { "scopes", [AccessTokenScopes.ReadPrivate, AccessTokenScopes.ReadPrivate], 30, true },
        { "expiresAt", [AccessTokenScopes.ReadPrivate], -1, true },
        { "expiresAt", [AccessTokenScopes.ReadPrivate], 400, true },
        { "secretHash", [AccessTokenScopes.ReadPrivate], 30, false },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task An_invalid_token_request_is_refused_naming_the_field_and_creates_nothing(string field, string[] scopes, double days, bool hashed)
    {
        var (account, _) = await AccountTestData.Registered(Grains);
        var (secret, request) = AccountTestData.Token();
        request = request with { Scopes = scopes, ExpiresAt = DateTimeOffset.UtcNow.AddDays(days), SecretHash = hashed ? request.SecretHash : secret };

        var error = await Assert.ThrowsAsync<InputRejectedException>(() => account.CreateAccessToken(request));

        Assert.Contains(field, error.Errors.Keys);
        Assert.Empty(await account.ListAccessTokens());
        Assert.Null(await Grains.GetGrain<IAccessTokenGrain>(request.TokenId).Get());
    }

    [Fact]
    public async Task A_token_id_belongs_to_one_account_which_alone_can_revoke_it()
    {
        var (owner, _) = await AccountTestData.Registered(Grains);
        var (other, _) = await AccountTestData.Registered(Grains);
        var (_, request) = AccountTestData.Token();
        await owner.CreateAccessToken(request);

        await Assert.ThrowsAsync<StateConflictException>(() => other.CreateAccessToken(request with { Name = "Mine now" }));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => other.RevokeAccessToken(request.TokenId));
        await Assert.ThrowsAsync<StateConflictException>(() => Grains.GetGrain<IAccessTokenGrain>(request.TokenId).Revoke(other.GetPrimaryKeyString()));

        Assert.Empty(await other.ListAccessTokens());
        var info = await Grains.GetGrain<IAccessTokenGrain>(request.TokenId).Get();
        Assert.Equal(owner.GetPrimaryKeyString(), info!.AccountId);
        Assert.Null(info.RevokedAt);
    }
}
