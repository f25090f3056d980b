namespace CivicContracting.Accounts;

/// <summary>
/// Token buckets per kind of write for one account, in memory: <c>perHour</c> writes at once at most, refilled at
/// <c>perHour</c> an hour. The budget is the caller's (configuration of the web tier), so a changed setting applies at once.
/// </summary>
public sealed class WriteBudgetGrain(TimeProvider clock) : Grain, IWriteBudgetGrain
{
    private readonly Dictionary<BudgetedWrite, (double Tokens, DateTimeOffset At)> _buckets = [];

    public Task<TimeSpan?> TrySpend(BudgetedWrite write, int perHour)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perHour, 1);
        var now = clock.GetUtcNow();
        var perSecond = perHour / 3600.0;
        var tokens = _buckets.TryGetValue(write, out var bucket)
            ? Math.Min(perHour, bucket.Tokens + Math.Max(0, (now - bucket.At).TotalSeconds) * perSecond)
            : perHour;
        if (tokens >= 1)
        {
            _buckets[write] = (tokens - 1, now);
            return Task.FromResult<TimeSpan?>(null);
        }
        _buckets[write] = (tokens, now);
        return Task.FromResult<TimeSpan?>(TimeSpan.FromSeconds(Math.Ceiling((1 - tokens) / perSecond)));
    }
}
