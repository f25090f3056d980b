using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Grains.Tests.Following;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>
/// Where the platform sends mail (to <see cref="SmtpSink"/> here), e-mail verification is required by default: sign-up
/// with an address answers the same for a new and a registered address, and the mailed links sign in, once each.
/// </summary>
public sealed partial class MailedLinkApiTests : IAsyncLifetime
{
    private const string Password = "a long enough test password";
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(30);

    private TestApp _app = null!;

    private static SmtpSink Sink => SmtpSink.Shared;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync("mailed-link-tests",
            ("Notifications:Smtp:Enabled", "true"),
            ("Notifications:Smtp:Host", "127.0.0.1"),
            ("Notifications:Smtp:Port", Sink.Port.ToString(CultureInfo.InvariantCulture)),
            ("Notifications:Smtp:Security", "None"),
            ("Notifications:Smtp:From", "accounts@civic-contracting.test"),
            ("Notifications:Smtp:BatchWindow", "00:00:00.100"),
            ("Accounts:PublicUrl", "https://leuven.example"),
            // Every mail of a test goes out (by default one account mail per minute at most).
            ("Accounts:MinMailInterval", "00:00:00"));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Sign_up_does_not_reveal_whether_an_address_is_registered_and_the_mailed_link_signs_in()
    {
        var address = $"new-{Guid.NewGuid():N}@example.org";
        using var first = People.SessionClient(_app.BaseAddress);
        var fresh = await first.PostAsync("/api/accounts", new { displayName = "Nieuw", loginName = address, password = Password });
        using var second = People.SessionClient(_app.BaseAddress);
        var taken = await second.PostAsync("/api/accounts", new { displayName = "Indringer", loginName = address.ToUpperInvariant(), password = "another long password" });

        Assert.Equal(HttpStatusCode.Accepted, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, taken.StatusCode);
        Assert.Equal(await fresh.Content.ReadAsStringAsync(), await taken.Content.ReadAsStringAsync());
        await (await first.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await second.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);

        // The new person got a verification link, which signs them in and verifies the address; the second sign-up's mail
        // went to the owner of the address, never to the one who tried.
        var mails = await Eventually.Value(() => Task.FromResult(Sink.To(address)), m => m.Count == 2, MailTimeout, "two mails to the address");
        var verification = Assert.Single(mails, m => m.Body.Contains("/account/verify-email", StringComparison.Ordinal));
        var warning = Assert.Single(mails, m => m.Body.Contains("Iemand probeerde een nieuw account te maken", StringComparison.Ordinal));
        Assert.Contains("/account/sign-in/link", warning.Body, StringComparison.Ordinal);
        var (accountId, code) = LinkIn(verification.Body, "https://leuven.example/account/verify-email");
        var me = await (await first.PostAsync("/api/accounts/verify-email", new { account = accountId, code })).ReadAsync<JsonObject>();
        Assert.True((bool)me["emailVerified"]!);
        Assert.True((bool)(await first.GetAsync<JsonObject>("/api/me"))["emailVerified"]!);
        await (await second.PostAsync("/api/accounts/verify-email", new { account = accountId, code })).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("data-email-verified=\"true\"", await first.GetStringAsync("/account"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_mailed_sign_in_link_signs_the_owner_in_once_only_and_not_into_another_account()
    {
        var (ownerId, address) = await VerifiedAccountAsync();
        var (otherId, _) = await VerifiedAccountAsync();
        using var anyone = People.SessionClient(_app.BaseAddress);
        var known = await anyone.PostAsync("/api/session/link", new { loginName = address });
        var unknown = await anyone.PostAsync("/api/session/link", new { loginName = $"nobody-{Guid.NewGuid():N}@example.org" });
        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());

        var mail = await Eventually.Value(() => Task.FromResult(Sink.To(address)), m => m.Count == 2, MailTimeout, "the sign-in link");
        var (accountId, code) = LinkIn(mail[1].Body, "https://leuven.example/account/sign-in/link");
        Assert.Equal(ownerId, accountId);

        using var intruder = People.SessionClient(_app.BaseAddress);
        await (await intruder.PostAsync("/api/session/link/redeem", new { account = otherId, code })).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await intruder.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);

        using var owner = People.SessionClient(_app.BaseAddress);
        var signedIn = await (await owner.PostAsync("/api/session/link/redeem", new { account = accountId, code })).ReadAsync<JsonObject>();
        Assert.Equal(ownerId, (string)signedIn["id"]!);
        Assert.Equal(ownerId, (string)(await owner.GetAsync<JsonObject>("/api/me"))["id"]!);

        using var replay = People.SessionClient(_app.BaseAddress);
        await (await replay.PostAsync("/api/session/link/redeem", new { account = accountId, code })).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await replay.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_link_page_shows_a_button_and_only_its_post_uses_the_link()
    {
        var address = $"page-{Guid.NewGuid():N}@example.org";
        using var client = People.SessionClient(_app.BaseAddress);
        await (await client.PostAsync("/api/accounts", new { displayName = "Pagina", loginName = address, password = Password })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        var (accountId, code) = LinkIn((await Sink.WaitFor(address, MailTimeout)).Body, "https://leuven.example/account/verify-email");

        // A mail scanner that follows the link (GET) twice does not use it up.
        var path = $"/account/verify-email?account={Uri.EscapeDataString(accountId)}&code={Uri.EscapeDataString(code)}";
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
        var page = await client.GetStringAsync(path);
        Assert.DoesNotContain("data-link-refused", page, StringComparison.Ordinal);

        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["account"] = accountId,
            ["code"] = code,
            ["__RequestVerificationToken"] = AntiforgeryField().Match(page).Groups[1].Value,
        });
        // The browser session that showed the page posts its button: signed in, address verified, on to the account page.
        var posted = await client.PostAsync(path, form);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal("/account", posted.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.True((bool)(await client.GetAsync<JsonObject>("/api/me"))["emailVerified"]!);
        Assert.Contains("data-link-refused", await (await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["account"] = accountId,
            ["code"] = code,
            ["__RequestVerificationToken"] = AntiforgeryField().Match(await client.GetStringAsync(path)).Groups[1].Value,
        }))).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<(string AccountId, string Address)> VerifiedAccountAsync()
    {
        var address = $"owner-{Guid.NewGuid():N}@example.org";
        using var client = People.SessionClient(_app.BaseAddress);
        await (await client.PostAsync("/api/accounts", new { displayName = "Eigenaar", loginName = address, password = Password })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        var (accountId, code) = LinkIn((await Sink.WaitFor(address, MailTimeout)).Body, "https://leuven.example/account/verify-email");
        await (await client.PostAsync("/api/accounts/verify-email", new { account = accountId, code })).ReadAsync<JsonObject>();
        return (accountId, address);
    }

    private static (string AccountId, string Code) LinkIn(string body, string prefix)
    {
        var match = Link().Match(body);
        Assert.True(match.Success, body);
        Assert.Equal(prefix, match.Groups["base"].Value);
        return (Uri.UnescapeDataString(match.Groups["account"].Value), Uri.UnescapeDataString(match.Groups["code"].Value));
    }

    [GeneratedRegex(@"(?<base>https?://[^?\s]+)\?account=(?<account>[^&\s]+)&code=(?<code>[^\s]+)")]
    private static partial Regex Link();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
