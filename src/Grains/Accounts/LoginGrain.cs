using CivicContracting.Hosting;
using Microsoft.Extensions.Options;

namespace CivicContracting.Accounts;

/// <summary>
/// One login's owner. Calls to one login are handled one at a time and the owner is written before the answer, so of two
/// registrations for the same login exactly one gets it. Calls no other grain.
/// Also the sign-in throttle of this login name: failed passwords count here (in memory; a restart forgets them, which only
/// gives a guesser a few free attempts again), for known and unknown login names alike, per client address and over all
/// addresses, and earn a growing wait, capped at <see cref="AccountOptions.MaxSignInDelay"/>, never a lockout.
/// </summary>
public sealed class LoginGrain(
    [PersistentState("login", GrainStorage.Name)] IPersistentState<LoginState> state,
    IOptions<AccountOptions> options,
    TimeProvider clock) : Grain, ILoginGrain
{
    /// <summary>Addresses tracked per login name; beyond this the quietest is forgotten (the all-addresses count still holds).</summary>
    private const int MaxAddresses = 1_000;

    // Failures per client address, and over all addresses: a stranger's guesses slow down the stranger's address at once,
    // and only past a much larger number everyone's (a guesser with many addresses); the owner can always use a mailed link.
    private readonly Dictionary<string, Failures> _byAddress = new(StringComparer.Ordinal);
    private Failures _total;

    private AccountOptions Options => options.Value;

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

    public Task<SignInGate> BeginSignIn(string clientAddress)
    {
        ArgumentNullException.ThrowIfNull(clientAddress);
        var now = clock.GetUtcNow();
        Forget(now);
        var from = _byAddress.TryGetValue(clientAddress, out var known) ? known : new Failures();
        var wait = Max(Wait(from, Options.FreeFailedSignIns, now), Wait(_total, Options.FreeFailedSignInsAllAddresses, now));
        if (wait > TimeSpan.Zero)
            return Task.FromResult(new SignInGate(state.State.AccountId, wait));

        // Counted as a failure until RecordSignInSuccess says otherwise: parallel guesses cannot all slip through one free slot.
        if (!_byAddress.ContainsKey(clientAddress) && _byAddress.Count >= MaxAddresses)
            _byAddress.Remove(_byAddress.MinBy(a => a.Value.Last).Key);
        _byAddress[clientAddress] = new Failures(from.Count + 1, now);
        _total = new Failures(_total.Count + 1, now);
        // Keep the counts in memory as long as they matter, instead of losing them when the activation idles out.
        this.DelayDeactivation(Options.SignInFailureMemory);
        return Task.FromResult(new SignInGate(state.State.AccountId, null));
    }

    public Task RecordSignInSuccess()
    {
        _byAddress.Clear();
        _total = new Failures();
        return Task.CompletedTask;
    }

    private TimeSpan Wait(Failures failures, int free, DateTimeOffset now)
    {
        var until = failures.Last + Options.DelayAfter(failures.Count, free);
        return until > now ? until - now : TimeSpan.Zero;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void Forget(DateTimeOffset now)
    {
        var memory = Options.SignInFailureMemory;
        if (now - _total.Last >= memory)
            _total = new Failures();
        foreach (var stale in _byAddress.Where(a => now - a.Value.Last >= memory).Select(a => a.Key).ToList())
            _byAddress.Remove(stale);
    }

    /// <summary>Recent failures and when the last one was.</summary>
    private readonly record struct Failures(int Count, DateTimeOffset Last);
}
