using System.Security.Cryptography;

namespace CivicContracting.Accounts;

[GenerateSerializer, Alias("cc.AccessTokenState.v1")]
public sealed class AccessTokenState
{
    [Id(0)] public string? AccountId { get; set; }
    [Id(1)] public string? Name { get; set; }
    [Id(2)] public List<string> Scopes { get; set; } = [];

    /// <summary>Lowercase hex SHA-256 of the secret.</summary>
    [Id(3)] public string? SecretHash { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(6)] public DateTimeOffset? LastUsedAt { get; set; }
    [Id(7)] public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The owner's account was deleted: nothing else is kept, and the id cannot be issued again.</summary>
    [Id(8)] public bool Erased { get; set; }
}
