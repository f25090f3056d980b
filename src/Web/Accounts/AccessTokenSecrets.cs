using System.Security.Cryptography;
using CivicContracting.Web.Api;
using Microsoft.AspNetCore.WebUtilities;

namespace CivicContracting.Web.Accounts;

/// <summary>
/// Personal access tokens as people see them: <c>ccp.&lt;token id&gt;.&lt;secret&gt;</c>. The prefix lets secret scanners
/// and the bearer handler recognise them; the id finds the token's grain; only the secret's SHA-256 is ever stored.
/// </summary>
public static class AccessTokenSecrets
{
    public const string Prefix = "ccp.";

    public static (string TokenId, string Secret, string Token) Create()
    {
        var tokenId = ApiIds.New("t");
        var secret = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (tokenId, secret, $"{Prefix}{tokenId}.{secret}");
    }

    public static bool TryParse(string presented, out string tokenId, out string secret)
    {
        tokenId = secret = "";
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var rest = presented[Prefix.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == rest.Length - 1 || !ApiIds.IsWellFormed(rest[..dot]))
            return false;
        tokenId = rest[..dot];
        secret = rest[(dot + 1)..];
        return secret.Length <= 200;
    }
}
