using CivicContracting.Accounts;

namespace CivicContracting.Grains.Tests.Accounts;

/// <summary>
/// Throttling of sign-in attempts per login name with the default options (5 free failures per address, 100 from all
/// addresses, then 2 s doubling up to 1 min): never a lockout, and a stranger's guesses never keep the owner out longer
/// than the maximum delay. Time moves with <see cref="TestClock.Shift"/>, for this test's calls only.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SignInThrottleTests(ClusterFixture fixture)
{
    private static readonly TimeSpan MaxDelay = new AccountOptions().MaxSignInDelay;

    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_strangers_wrong_passwords_never_keep_the_owner_out_beyond_the_maximum_delay()
    {
        var (account, registration) = await AccountTestData.Registered(Grains);
        var login = Grains.GetGrain<ILoginGrain>(LoginKeys.For(registration));
        const string stranger = "203.0.113.7";
        const string owner = "198.51.100.20";

        // The stranger guesses as fast as allowed for an hour and a half: every attempt it may make, it makes (and fails).
        var offset = TimeSpan.Zero;
        var waits = new List<TimeSpan>();
        for (var attempt = 0; attempt < 200 && offset < TimeSpan.FromMinutes(90); attempt++)
        {
            using (TestClock.Shift(offset))
            {
                var gate = await login.BeginSignIn(stranger);
                if (gate.RetryAfter is { } wait)
                {
                    Assert.InRange(wait, TimeSpan.FromMilliseconds(1), MaxDelay);
                    waits.Add(wait);
                    offset += wait + TimeSpan.FromMilliseconds(10);
                }
            }
        }
        Assert.NotEmpty(waits);
        Assert.True(waits.Max() > TimeSpan.FromSeconds(30), $"the delay grows (largest {waits.Max()})");

        // Meanwhile the owner, on their own address, is not slowed down at all, and signs in, even at a moment when the
        // stranger has just guessed again and must wait.
        using (TestClock.Shift(offset))
        {
            var strangerGate = await login.BeginSignIn(stranger);
            if (strangerGate.RetryAfter is null)
                strangerGate = await login.BeginSignIn(stranger);
            Assert.NotNull(strangerGate.RetryAfter);
            var gate = await login.BeginSignIn(owner);
            Assert.Null(gate.RetryAfter);
            Assert.Equal(account.GetPrimaryKeyString(), gate.AccountId);
            Assert.False((await account.RecordSignInSuccess()).IsLockedOut);
            await login.RecordSignInSuccess();
        }
    }

    [Fact]
    public async Task Guesses_from_many_addresses_make_everyone_wait_at_most_the_maximum_delay_then_the_owner_gets_in()
    {
        var (account, registration) = await AccountTestData.Registered(Grains);
        var login = Grains.GetGrain<ILoginGrain>(LoginKeys.For(registration));

        // 120 addresses, 2 guesses each: 240 failures, over the 100 allowed from all addresses together.
        for (var i = 0; i < 120; i++)
        {
            await login.BeginSignIn($"192.0.2.{i}");
            await login.BeginSignIn($"192.0.2.{i}");
        }
        var gate = await login.BeginSignIn("198.51.100.20");
        Assert.NotNull(gate.RetryAfter);
        Assert.InRange(gate.RetryAfter!.Value, TimeSpan.FromMilliseconds(1), MaxDelay);

        // The owner waits the delay (never more than the maximum) and is let in.
        using (TestClock.Shift(MaxDelay + TimeSpan.FromSeconds(1)))
        {
            var after = await login.BeginSignIn("198.51.100.20");
            Assert.Null(after.RetryAfter);
            Assert.Equal(account.GetPrimaryKeyString(), after.AccountId);
        }
    }

    [Fact]
    public async Task Delays_start_after_five_failures_from_an_address_double_and_a_correct_sign_in_forgets_them()
    {
        var (_, registration) = await AccountTestData.Registered(Grains);
        var login = Grains.GetGrain<ILoginGrain>(LoginKeys.For(registration));
        const string address = "203.0.113.9";

        for (var i = 0; i < 6; i++)
            Assert.Null((await login.BeginSignIn(address)).RetryAfter); // 5 free failures, and the 6th attempt may go ahead
        var first = (await login.BeginSignIn(address)).RetryAfter;
        Assert.NotNull(first);
        Assert.InRange(first!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        using (TestClock.Shift(TimeSpan.FromSeconds(3)))
        {
            Assert.Null((await login.BeginSignIn(address)).RetryAfter); // the 7th, after the wait
            var second = (await login.BeginSignIn(address)).RetryAfter;
            Assert.InRange(second!.Value, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4));
            await login.RecordSignInSuccess();
            Assert.Null((await login.BeginSignIn(address)).RetryAfter);
        }
    }

    [Fact]
    public async Task Unknown_login_names_are_throttled_exactly_like_known_ones()
    {
        var (_, registration) = await AccountTestData.Registered(Grains);
        var known = Grains.GetGrain<ILoginGrain>(LoginKeys.For(registration));
        var unknown = Grains.GetGrain<ILoginGrain>(LoginKeys.Local(AccountTestData.NewLoginName()));
        const string address = "203.0.113.10";

        var knownWaits = new List<bool>();
        var unknownWaits = new List<bool>();
        for (var i = 0; i < 8; i++)
        {
            knownWaits.Add((await known.BeginSignIn(address)).RetryAfter is not null);
            var gate = await unknown.BeginSignIn(address);
            Assert.Null(gate.AccountId);
            unknownWaits.Add(gate.RetryAfter is not null);
        }
        Assert.Equal(knownWaits, unknownWaits);
        Assert.Contains(true, unknownWaits);
    }

    [Fact]
    public async Task Accounts_are_never_locked_and_failures_write_nothing()
    {
        var (account, _) = await AccountTestData.Registered(Grains);

        for (var i = 0; i < 20; i++)
            Assert.False((await account.RecordSignInFailure()).IsLockedOut);
        Assert.False((await account.GetForSignIn())!.Lockout.IsLockedOut);
        Assert.False((await account.RecordSignInSuccess()).IsLockedOut);
        Assert.NotNull((await account.Get())!.LastSignInAt);
    }

    [Fact]
    public async Task Sign_in_attempts_on_an_unknown_account_are_not_found()
    {
        var account = Grains.GetGrain<IAccountGrain>(TestData.NewId("a"));

        await Assert.ThrowsAsync<KeyNotFoundException>(() => account.RecordSignInFailure());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => account.RecordSignInSuccess());
        Assert.Null(await account.GetForSignIn());
    }
}
