using System.Text.Json;
using CivicContracting.Accounts;

namespace CivicContracting.Grains.Tests.Accounts;

internal static class AccountTestData
{
    /// <summary>A stand-in for what ASP.NET Core Identity's PasswordHasher produces: opaque to the grains.</summary>
    public static string PasswordHash() => "AQAAAAIAAYagAAAAE" + Convert.ToBase64String(Guid.NewGuid().ToByteArray());

    public static AccountRegistration Local(string loginName, string? passwordHash = null, string displayName = "Jan Peeters") =>
        new(displayName, "jan.peeters@example.org", Local: new LocalLogin(loginName, passwordHash ?? PasswordHash()));

    public static string NewLoginName() => $"Jan.Peeters+{Guid.NewGuid():N}@Example.org";

    public static async Task<(IAccountGrain Account, AccountRegistration Registration)> Registered(IGrainFactory grains)
    {
        var registration = Local(NewLoginName());
        var account = grains.GetGrain<IAccountGrain>(TestData.NewId("a"));
        await account.Register(registration);
        return (account, registration);
    }

    /// <summary>A token secret as the web tier would generate it, and the request that carries only its hash.</summary>
    public static (string Secret, AccessTokenRequest Request) Token(string name = "School dashboard", TimeSpan? lifetime = null, params string[] scopes)
    {
        var secret = "cc_pat_" + Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        var request = new AccessTokenRequest(TestData.NewId("t"), name, scopes.Length == 0 ? [AccessTokenScopes.ProgressWrite] : scopes,
            AccountRules.HashSecret(secret), DateTimeOffset.UtcNow + (lifetime ?? TimeSpan.FromDays(30)));
        return (secret, request);
    }

    /// <summary>Everything a record holds, as the web tier would serve it, to check what it does (not) contain.</summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value);
}
