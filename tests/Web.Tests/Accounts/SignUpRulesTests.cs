using System.Net;
using System.Text.Json.Nodes;
using CivicContracting.Accounts;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>
/// Weak sign-ups are refused, by the same rules (<see cref="CredentialRules"/>) through the API and the site's form:
/// common passwords from the shipped list, passwords of one or two characters repeated, login names with invisible
/// characters or letters of two scripts; login names are compared in NFKC, lower case.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class SignUpRulesTests(WebAppFixture app)
{
    [Theory]
    [InlineData("aaaaaaaaaa")] // the reproduction: long enough, but one character
    [InlineData("abababababab")]
    [InlineData("password123")] // on the shipped list
    [InlineData("1234567890")]
    [InlineData("Qwertyuiop")] // on the list, whatever the case
    public async Task Weak_passwords_are_refused_naming_the_password(string password)
    {
        using var client = People.SessionClient(app.BaseAddress);
        var problem = await (await client.PostAsync("/api/accounts", new { displayName = "Zwak", loginName = $"weak-{Guid.NewGuid():N}@example.org", password }))
            .ProblemNamingAsync("password");
        Assert.NotNull(problem);
        await (await client.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("jаn.peeters@example.org")] // a Cyrillic "а" among Latin letters
    [InlineData("jan.peeters@exаmple.org")]
    [InlineData("jan\u200B.peeters@example.org")] // zero-width space
    [InlineData("jan\u200D@example.org")] // zero-width joiner
    [InlineData("\u2060jan@example.org")] // word joiner
    [InlineData("jan\u00AD@example.org")] // soft hyphen
    [InlineData("jan\u3164@example.org")] // Hangul filler
    [InlineData("jan\u202E@example.org")] // right-to-left override
    public async Task Look_alike_and_invisible_login_names_are_refused_naming_the_login_name(string loginName)
    {
        using var client = People.SessionClient(app.BaseAddress);
        await (await client.PostAsync("/api/accounts", new { displayName = "Lookalike", loginName, password = People.Password }))
            .ProblemNamingAsync("loginName");
    }

    [Theory]
    [InlineData("иван.петров@пример.рф")] // one script (Cyrillic) throughout, digits and punctuation shared by all
    [InlineData("ελένη@παράδειγμα.gr")]
    [InlineData("josé.müller+2030@example.org")]
    [InlineData("jan.peeters@example.org")]
    [InlineData("иван@yandex.ru")] // an address in one script at a domain in another
    public void Login_names_in_one_script_are_accepted(string loginName) =>
        Assert.Null(CredentialRules.CheckLoginName(loginName));

    [Fact]
    public async Task A_full_width_login_name_is_the_same_login_after_normalisation()
    {
        using var person = await People.SignUpAsync(app.BaseAddress);
        var fullWidth = new string([.. person.LoginName.Split('@')[0].Select(c => c is >= 'a' and <= 'z' ? (char)(c - 'a' + 'ａ') : c)]) + "@" + person.LoginName.Split('@')[1];
        Assert.NotEqual(person.LoginName, fullWidth);
        Assert.Equal(AccountRules.NormaliseLoginName(person.LoginName), AccountRules.NormaliseLoginName(fullWidth));

        using var other = People.SessionClient(app.BaseAddress);
        await (await other.PostAsync("/api/accounts", new { displayName = "Other", loginName = fullWidth, password = People.Password })).ProblemAsync(HttpStatusCode.Conflict);
        await (await other.PostAsync("/api/session", new { loginName = fullWidth.ToUpperInvariant(), password = People.Password })).ReadAsync<JsonObject>();
    }

    [Fact]
    public void The_shipped_list_is_loaded_once_and_holds_the_long_common_passwords()
    {
        Assert.InRange(CredentialRules.CommonPasswordCount, 1_000, 50_000);
        Assert.True(CredentialRules.IsCommonPassword("password123"));
        Assert.False(CredentialRules.IsCommonPassword(People.Password));
        Assert.Null(CredentialRules.CheckPassword(People.Password, "someone@example.org"));
    }

    [Fact]
    public async Task The_site_form_refuses_a_common_password_and_a_look_alike_login_name_in_dutch()
    {
        using var browser = People.SessionClient(app.BaseAddress);
        var page = await browser.GetStringAsync("/account/register");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;

        var sent = await browser.PostAsync("/account/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["displayName"] = "Jan",
            ["loginName"] = "jаn@example.org", // Cyrillic "а"
            ["password"] = "password123",
            ["__RequestVerificationToken"] = token,
        }));
        var html = System.Net.WebUtility.HtmlDecode(await sent.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("veelgebruikte wachtwoorden", html, StringComparison.Ordinal);
        Assert.Contains("één schrift", html, StringComparison.Ordinal);
        await (await browser.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);
    }
}
