using CivicContracting.Accounts;

namespace CivicContracting.Grains.Tests.Accounts;

/// <summary>Lockout with the default options: 5 failures in a row lock the account for 15 minutes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SignInLockoutTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Five_failed_sign_ins_lock_the_account_for_fifteen_minutes_and_then_it_opens_again()
    {
        var (account, _) = await AccountTestData.Registered(Grains);

        for (var i = 1; i <= 4; i++)
        {
            var state = await account.RecordSignInFailure();
            Assert.False(state.IsLockedOut);
            Assert.Equal(i, state.FailedAttempts);
            Assert.Equal(5 - i, state.AttemptsBeforeLockout);
        }
        var before = DateTimeOffset.UtcNow;
        var locked = await account.RecordSignInFailure();

        Assert.True(locked.IsLockedOut);
        Assert.InRange(locked.LockedUntil!.Value, before.AddMinutes(15), DateTimeOffset.UtcNow.AddMinutes(15));
        Assert.True((await account.GetForSignIn())!.Lockout.IsLockedOut);
        // A correct password while locked does not open it, and more failures do not extend it.
        Assert.True((await account.RecordSignInSuccess()).IsLockedOut);
        Assert.Equal(locked.LockedUntil, (await account.RecordSignInFailure()).LockedUntil);
        Assert.Null((await account.Get())!.LastSignInAt);

        using (TestClock.Shift(TimeSpan.FromMinutes(14)))
            Assert.True((await account.GetForSignIn())!.Lockout.IsLockedOut);
        using (TestClock.Shift(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(5)))
        {
            var released = (await account.GetForSignIn())!.Lockout;
            Assert.False(released.IsLockedOut);
            Assert.Equal(5, released.AttemptsBeforeLockout);
            var success = await account.RecordSignInSuccess();
            Assert.False(success.IsLockedOut);
        }
        Assert.NotNull((await account.Get())!.LastSignInAt);
    }

    [Fact]
    public async Task A_successful_sign_in_resets_the_count_of_failures()
    {
        var (account, _) = await AccountTestData.Registered(Grains);

        for (var i = 0; i < 4; i++)
            await account.RecordSignInFailure();
        var success = await account.RecordSignInSuccess();
        var afterReset = await account.RecordSignInFailure();

        Assert.Equal(0, success.FailedAttempts);
        Assert.False(afterReset.IsLockedOut);
        Assert.Equal(1, afterReset.FailedAttempts);
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
