using System.Net;

namespace CivicContracting.Web.Tests.Texts;

/// <summary>With Security:SecureCookiesOnly (production behind TLS) the language cookie is Secure too, like the sign-in cookies.</summary>
public sealed class LanguageCookieSecureTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync("language-cookie-secure", ("Security:SecureCookiesOnly", "true"));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_language_cookie_is_Secure_when_cookies_must_be()
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = _app.BaseAddress };
        using var response = await client.GetAsync("/language/en?returnUrl=%2F");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("cc_language=en-BE;", cookie, StringComparison.Ordinal);
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
    }
}
