using System.Security.Cryptography;
using System.Text;
using CivicContracting.Web.Api;
using Microsoft.AspNetCore.WebUtilities;

namespace CivicContracting.Web.Security;

/// <summary>
/// The one operator token of this run: configured at Api:OperatorToken, or generated at start (and then
/// printed, so that a local user can write). Compared in constant time.
/// </summary>
public sealed class OperatorToken
{
    public const int MinimumLength = 16;

    private readonly byte[] _hash;

    private OperatorToken(string value, bool generated)
    {
        Value = value;
        IsGenerated = generated;
        _hash = SHA256.HashData(Encoding.UTF8.GetBytes(value));
    }

    public string Value { get; }

    public bool IsGenerated { get; }

    public static OperatorToken FromOptions(ApiOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.OperatorToken))
            return new OperatorToken(WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32)), generated: true);
        if (options.OperatorToken.Trim().Length < MinimumLength)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(ApiOptions.SectionName, typeof(ApiOptions),
                [$"Api:OperatorToken must be at least {MinimumLength} characters (or empty, to generate one for a local run)."]);
        }
        return new OperatorToken(options.OperatorToken.Trim(), generated: false);
    }

    /// <summary>Hashing both sides first gives equal lengths, so the comparison time reveals nothing about the token.</summary>
    public bool Matches(string candidate) =>
        CryptographicOperations.FixedTimeEquals(_hash, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));
}
