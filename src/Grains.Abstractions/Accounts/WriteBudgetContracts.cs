namespace CivicContracting.Accounts;

/// <summary>The writes a person's hourly budget limits (WriteBudgets:*).</summary>
public enum BudgetedWrite
{
    /// <summary>Creating, revising or taking up a draft.</summary>
    Draft = 0,

    /// <summary>Confirming, upgrading or co-signing a commitment.</summary>
    Confirmation = 1,

    /// <summary>A progress report, or one CSV import or metric-feed batch.</summary>
    ProgressReport = 2,
}

/// <summary>
/// One account's write budgets (key: the account id): a token bucket per kind of write, refilled evenly over the hour,
/// shared by every web host. In memory only: a restart or an idle hour gives a full budget, which is what an honest
/// person has anyway. Calls no other grain.
/// </summary>
public interface IWriteBudgetGrain : IGrainWithStringKey
{
    /// <summary>
    /// Takes one write of <paramref name="write"/> from a budget of <paramref name="perHour"/> an hour. Null when taken;
    /// otherwise how long until one is available again (nothing was taken).
    /// </summary>
    Task<TimeSpan?> TrySpend(BudgetedWrite write, int perHour);
}
