using CivicContracting.Accounts;
using CivicContracting.Validation;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Accounts;

/// <summary>
/// A person creates a named, scoped personal access token: the one way in for POST /api/me/tokens and the tokens page.
/// Tokens are managed from a signed-in session only (401 otherwise, 403 for a token or the operator token), so a leaked
/// token cannot mint more; then 400 naming the field; the secret is in the result once and never stored.
/// </summary>
public sealed class CreateAccessTokenCommand(IClusterClient orleans, TimeProvider clock)
{
    public const int DefaultDays = 90;
    public const int MaxDays = 366;
    // Wider than MaxDays: the expiry is made here from expiresInDays, whose own rule (ApiText.TokenDays) is the one a person meets.
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(MaxDays + 1);

    public static Actor Authorise(Actor actor) => Access.RequireAccount(actor, sessionOnly: true);

    /// <summary>Every broken rule, by field: the lifetime and those of <see cref="AccountRules.AccessToken"/> the person gives (name, scopes).</summary>
    public InputRules.Errors Check(AccessTokenCreation? creation)
    {
        var errors = new InputRules.Errors();
        if (creation is null)
            return errors.Add("", ApiText.GiveTokenNameAndScopes);
        if (creation.ExpiresInDays is { } days && (days < 1 || days > MaxDays))
            errors.Add("expiresInDays", ApiText.TokenDays);
        // The token's id, secret and expiry are made here, not given: their rules cannot fail on the person's input.
        var request = Request(creation, "t-check", AccountRules.HashSecret("check"));
        foreach (var (field, messages) in AccountRules.AccessToken(request, clock.GetUtcNow(), MaxLifetime).ByField)
        {
            if (field is not ("tokenId" or "secretHash" or "expiresAt"))
                foreach (var message in messages)
                    errors.Add(field, message);
        }
        return errors;
    }

    public async Task<CreatedAccessToken> RunAsync(Actor actor, AccessTokenCreation? creation)
    {
        var account = Authorise(actor).Account!;
        var errors = Check(creation);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        var (tokenId, secret, token) = AccessTokenSecrets.Create();
        var info = await orleans.GetGrain<IAccountGrain>(account.Id).CreateAccessToken(Request(creation!, tokenId, AccountRules.HashSecret(secret)));
        return new CreatedAccessToken(token, info);
    }

    private AccessTokenRequest Request(AccessTokenCreation creation, string tokenId, string secretHash) =>
        new(tokenId, creation.Name?.Trim() ?? "", creation.Scopes ?? [], secretHash, clock.GetUtcNow().AddDays(creation.ExpiresInDays ?? DefaultDays));
}

/// <summary>
/// A person revokes one of their tokens: the one way in for DELETE /api/me/tokens/{tokenId} and the tokens page. Like
/// creating one, only from a signed-in session (401/403); 404 when the person has no such token. Revoking twice is harmless.
/// </summary>
public sealed class RevokeAccessTokenCommand(IClusterClient orleans)
{
    public static Actor Authorise(Actor actor) => Access.RequireAccount(actor, sessionOnly: true);

    public async Task<AccessTokenInfo> RunAsync(Actor actor, string tokenId)
    {
        var account = Authorise(actor).Account!;
        if (!ApiIds.IsWellFormed(tokenId))
            throw ApiProblems.NotFound("access token", tokenId);
        try
        {
            return await orleans.GetGrain<IAccountGrain>(account.Id).RevokeAccessToken(tokenId);
        }
        catch (KeyNotFoundException)
        {
            throw ApiProblems.NotFound("access token", tokenId);
        }
    }
}
