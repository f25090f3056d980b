using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>
/// A small OpenID Connect provider on a loopback port, speaking the real protocol the app's handler speaks: discovery,
/// JWKS, the authorization endpoint (it approves at once, as a signed-in user would) and the token endpoint with PKCE and
/// a client secret, issuing RS256-signed id tokens. It stands in for the city's identity provider, not for the code under
/// test: the app's OpenID Connect handler, its checks and the account linking all run for real.
/// </summary>
public sealed class TestOidcProvider : IAsyncDisposable
{
    public const string ClientId = "civic-contracting";
    public const string ClientSecret = "test-client-secret-0123456789";

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test-key-1" };
    private readonly ConcurrentDictionary<string, (string Nonce, string Challenge, string RedirectUri)> _codes = new();

    private TestOidcProvider(WebApplication app) => _app = app;

    public Uri Issuer { get; private set; } = null!;

    /// <summary>Who the next sign-in is: subject, name, e-mail.</summary>
    public (string Subject, string Name, string Email) NextUser { get; set; } = ("subject-1", "Els Peeters", "els@example.org");

    /// <summary>Sign id tokens with a key the JWKS does not publish: the app must refuse them.</summary>
    public bool SignWithUnpublishedKey { get; set; }

    private int _tokensIssued;

    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    public static async Task<TestOidcProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls=http://127.0.0.1:0"]);
        var app = builder.Build();
        var provider = new TestOidcProvider(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = provider.IssuerText,
            ["authorization_endpoint"] = provider.IssuerText + "/authorize",
            ["token_endpoint"] = provider.IssuerText + "/token",
            ["jwks_uri"] = provider.IssuerText + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(provider._key);
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, use = "sig", kid = jwk.Kid, alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        app.MapGet("/authorize", (HttpContext context) =>
        {
            var q = context.Request.Query;
            if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256")
                return Results.BadRequest("unexpected authorization request");
            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            provider._codes[code] = (q["nonce"].ToString(), q["code_challenge"].ToString(), q["redirect_uri"].ToString());
            return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
        });
        app.MapPost("/token", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var (clientId, secret) = ClientCredentials(context, form);
            if (clientId != ClientId || secret != ClientSecret)
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            if (!provider._codes.TryRemove(form["code"].ToString(), out var grant) || grant.RedirectUri != form["redirect_uri"])
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
            if (challenge != grant.Challenge)
                return Results.Json(new { error = "invalid_grant", error_description = "PKCE" }, statusCode: 400);
            Interlocked.Increment(ref provider._tokensIssued);
            return Results.Json(new { access_token = "opaque", token_type = "Bearer", expires_in = 300, id_token = provider.IdToken(grant.Nonce) });
        });
        await app.StartAsync();
        provider.Issuer = new Uri(app.Urls.First());
        return provider;
    }

    private string IssuerText => Issuer.ToString().TrimEnd('/');

    private string IdToken(string nonce)
    {
        var key = SignWithUnpublishedKey ? new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-key-1" } : _key;
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IssuerText,
            Audience = ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = NextUser.Subject,
                ["name"] = NextUser.Name,
                ["email"] = NextUser.Email,
                ["nonce"] = nonce,
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    private static (string? ClientId, string? Secret) ClientCredentials(HttpContext context, IFormCollection form)
    {
        string? header = context.Request.Headers.Authorization;
        if (header is not null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
            return (Uri.UnescapeDataString(decoded[0]), decoded.Length > 1 ? Uri.UnescapeDataString(decoded[1]) : null);
        }
        return (form["client_id"], form["client_secret"]);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
