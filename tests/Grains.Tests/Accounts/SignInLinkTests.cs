using System.Text.RegularExpressions;
using CivicContracting.Accounts;
using CivicContracting.Grains.Tests.Following;

namespace CivicContracting.Grains.Tests.Accounts;

/// <summary>
/// The e-mailed one-time sign-in link and the address verification link, through a real SMTP conversation with
/// <see cref="SmtpSink"/>: they sign the owner in once and only once, expire, and work for their own account only.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class SignInLinkTests(ClusterFixture fixture)
{
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(15);

    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_mailed_link_signs_the_owner_in_once_and_only_once()
    {
        var (account, address) = await Registered();

        Assert.True(await account.MailSignInLink());
        var mail = await SmtpSink.Shared.WaitFor(address, MailTimeout);
        var (accountId, code) = LinkIn(mail.Body, "/account/sign-in/link");
        Assert.Equal(account.GetPrimaryKeyString(), accountId);
        Assert.StartsWith("http://127.0.0.1:5000/account/sign-in/link?", LinkPattern().Match(mail.Body).Value, StringComparison.Ordinal);

        var signedIn = await account.RedeemSignInLink(code);
        Assert.NotNull(signedIn);
        Assert.Equal(accountId, signedIn.Id);
        Assert.True(signedIn.EmailVerified); // the link reached the person at this address
        Assert.NotNull(signedIn.LastSignInAt);
        Assert.Null(await account.RedeemSignInLink(code)); // once
    }

    [Fact]
    public async Task A_link_expires_and_a_wrong_code_opens_nothing()
    {
        var (account, address) = await Registered();
        Assert.True(await account.MailSignInLink());
        var (_, code) = LinkIn((await SmtpSink.Shared.WaitFor(address, MailTimeout)).Body, "/account/sign-in/link");

        Assert.Null(await account.RedeemSignInLink(code[..^1] + (code[^1] == 'A' ? 'B' : 'A')));
        using (TestClock.Shift(new AccountOptions().SignInLinkLifetime + TimeSpan.FromSeconds(1)))
            Assert.Null(await account.RedeemSignInLink(code));
        Assert.False((await account.Get())!.EmailVerified);
    }

    [Fact]
    public async Task A_link_cannot_be_used_for_another_account()
    {
        var (owner, address) = await Registered();
        var (other, _) = await Registered();
        Assert.True(await owner.MailSignInLink());
        var (_, code) = LinkIn((await SmtpSink.Shared.WaitFor(address, MailTimeout)).Body, "/account/sign-in/link");

        Assert.Null(await other.RedeemSignInLink(code));
        Assert.NotNull(await owner.RedeemSignInLink(code)); // still the owner's, unused
    }

    [Fact]
    public async Task Nobody_can_flood_a_mailbox_with_links()
    {
        var (account, address) = await Registered();

        Assert.True(await account.MailSignInLink());
        Assert.False(await account.MailSignInLink());
        Assert.False(await account.MailSignInLink(becauseOfSignUp: true));
        await SmtpSink.Shared.WaitFor(address, MailTimeout);
        using (TestClock.Shift(new AccountOptions().MinMailInterval + TimeSpan.FromSeconds(1)))
            Assert.True(await account.MailSignInLink(becauseOfSignUp: true));
        await Eventually.Value(() => Task.FromResult(SmtpSink.Shared.To(address)), m => m.Count == 2, MailTimeout, "the second mail");
        Assert.Contains("Iemand probeerde een nieuw account te maken", SmtpSink.Shared.To(address)[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verification_link_verifies_the_address_once()
    {
        var (account, address) = await Registered();
        Assert.False((await account.Get())!.EmailVerified);

        Assert.True(await account.MailEmailVerification());
        var (accountId, code) = LinkIn((await SmtpSink.Shared.WaitFor(address, MailTimeout)).Body, "/account/verify-email");
        Assert.Equal(account.GetPrimaryKeyString(), accountId);
        Assert.Null(await account.RedeemSignInLink(code)); // a verification code is no sign-in link

        var verified = await account.VerifyEmail(code);
        Assert.True(verified!.EmailVerified);
        Assert.True((await account.Get())!.EmailVerified);
        Assert.Null(await account.VerifyEmail(code));
        using (TestClock.Shift(TimeSpan.FromMinutes(5)))
            Assert.False(await account.MailEmailVerification()); // nothing left to verify
    }

    private async Task<(IAccountGrain Account, string Address)> Registered()
    {
        var address = $"owner-{Guid.NewGuid():N}@example.org";
        var account = Grains.GetGrain<IAccountGrain>(TestData.NewId("a"));
        await account.Register(new AccountRegistration("Jan Peeters", address, Local: new LocalLogin(address, AccountTestData.PasswordHash())));
        return (account, address);
    }

    private static (string AccountId, string Code) LinkIn(string body, string path)
    {
        var match = LinkPattern().Match(body);
        Assert.True(match.Success, body);
        Assert.Equal(path, match.Groups["path"].Value);
        return (Uri.UnescapeDataString(match.Groups["account"].Value), Uri.UnescapeDataString(match.Groups["code"].Value));
    }

    [GeneratedRegex(@"https?://[^/\s]+(?<path>/[^?\s]+)\?account=(?<account>[^&\s]+)&code=(?<code>[^\s]+)")]
    private static partial Regex LinkPattern();
}
