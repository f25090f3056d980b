using CivicContracting.Hosting;

namespace CivicContracting.Accounts;

/// <summary>
/// One login's owner. Calls to one login are handled one at a time and the owner is written before the answer, so of two
/// registrations for the same login exactly one gets it. Calls no other grain.
/// </summary>
public sealed class LoginGrain(
    [PersistentState("login", GrainStorage.Name)] IPersistentState<LoginState> state) : Grain, ILoginGrain
{
    public async Task<string> Claim(string accountId)
    {
        AccountRules.Id("accountId", accountId).ThrowIfAny();
        if (state.State.AccountId is { } owner)
            return owner;
        state.State.AccountId = accountId;
        await state.WriteStateAsync();
        return accountId;
    }

    public Task<string?> GetAccountId() => Task.FromResult(state.State.AccountId);

    public async Task Release(string accountId)
    {
        AccountRules.Id("accountId", accountId).ThrowIfAny();
        if (state.State.AccountId != accountId)
            return;
        await state.ClearStateAsync();
    }
}
