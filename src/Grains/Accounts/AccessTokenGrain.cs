using System.Security.Cryptography;
using CivicContracting.Hosting;
using CivicContracting.Validation;

namespace CivicContracting.Accounts;

/// <summary>
/// A personal access token: the SHA-256 of its secret (never the secret), owner, name, scopes and dates. Calls no other
/// grain; its owning account calls it (issue, revoke, erase) and the web tier verifies presented secrets here.
/// </summary>
public sealed class AccessTokenGrain(
    [PersistentState("accessToken", GrainStorage.Name)] IPersistentState<AccessTokenState> state,
    TimeProvider clock) : Grain, IAccessTokenGrain
{
    /// <summary>Verifications are frequent: the time of last use is written at most this often (it is kept in memory meanwhile).</summary>
    private static readonly TimeSpan LastUsedWriteInterval = TimeSpan.FromMinutes(1);

    private DateTimeOffset? _lastUsedInMemory;

    private AccessTokenState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    public async Task<AccessTokenInfo> Issue(AccessTokenIssue issue)
    {
        AccountRules.Issue(issue).ThrowIfAny();
        var scopes = issue.Scopes.Order(StringComparer.Ordinal).ToList();
        var hash = issue.SecretHash.ToLowerInvariant();
        if (S.Erased)
            throw new StateConflictException($"Access token '{Id}' was erased; use a new id.");
        if (S.AccountId is not null)
        {
            var same = S.AccountId == issue.AccountId && S.Name == issue.Name && S.Scopes.SequenceEqual(scopes, StringComparer.Ordinal)
                && S.SecretHash == hash && S.ExpiresAt == issue.ExpiresAt;
            return same ? ToInfo() : throw new StateConflictException($"Access token '{Id}' already exists with other details.");
        }

        S.AccountId = issue.AccountId;
        S.Name = issue.Name;
        S.Scopes = scopes;
        S.SecretHash = hash;
        S.ExpiresAt = issue.ExpiresAt;
        S.CreatedAt = clock.GetUtcNow();
        await state.WriteStateAsync();
        return ToInfo();
    }

    public Task<AccessTokenInfo?> Get() => Task.FromResult(S.AccountId is null ? null : ToInfo());

    public async Task<AccessTokenGrant?> Verify(string secretHash)
    {
        if (!AccountRules.IsSecretHash(secretHash))
            throw new InputRejectedException("secretHash", "Must be the SHA-256 of the secret: 64 hexadecimal characters.");
        if (S.AccountId is null || S.SecretHash is null)
            return null;
        // Compare before looking at revocation or expiry, so the time taken does not tell a guesser which it was.
        var matches = CryptographicOperations.FixedTimeEquals(Convert.FromHexString(S.SecretHash), Convert.FromHexString(secretHash));
        var now = clock.GetUtcNow();
        if (!matches || S.RevokedAt is not null || now >= S.ExpiresAt)
            return null;

        _lastUsedInMemory = now;
        if (S.LastUsedAt is not { } written || now - written >= LastUsedWriteInterval)
        {
            S.LastUsedAt = now;
            await state.WriteStateAsync();
        }
        return new AccessTokenGrant(Id, S.AccountId, [.. S.Scopes], S.ExpiresAt);
    }

    public async Task<AccessTokenInfo> Revoke(string accountId)
    {
        RequireOwner(accountId);
        if (S.RevokedAt is null)
        {
            S.RevokedAt = clock.GetUtcNow();
            await state.WriteStateAsync();
        }
        return ToInfo();
    }

    public async Task Erase(string accountId)
    {
        AccountRules.Id("accountId", accountId).ThrowIfAny();
        if (S.Erased || S.AccountId is null)
            return;
        if (S.AccountId != accountId)
            throw new StateConflictException($"Access token '{Id}' belongs to another account.");
        state.State = new AccessTokenState { Erased = true };
        _lastUsedInMemory = null;
        await state.WriteStateAsync();
    }

    private void RequireOwner(string accountId)
    {
        AccountRules.Id("accountId", accountId).ThrowIfAny();
        if (S.AccountId is null)
            throw new KeyNotFoundException($"Access token '{Id}' does not exist.");
        if (S.AccountId != accountId)
            throw new StateConflictException($"Access token '{Id}' belongs to another account.");
    }

    private AccessTokenInfo ToInfo()
    {
        return new AccessTokenInfo(Id, S.AccountId!, S.Name!, [.. S.Scopes], S.CreatedAt, S.ExpiresAt, _lastUsedInMemory ?? S.LastUsedAt, S.RevokedAt);
    }
}
