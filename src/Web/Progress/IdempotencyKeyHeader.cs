namespace CivicContracting.Web.Progress;

/// <summary>Documents the optional <c>Idempotency-Key</c> request header of a write (<see cref="IdempotencyKeys"/>).</summary>
public sealed record IdempotencyKeyHeader(string Description)
{
    public const string Name = IdempotencyKeys.HeaderName;
}
