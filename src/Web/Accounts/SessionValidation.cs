using System.Globalization;
using CivicContracting.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace CivicContracting.Web.Accounts;

/// <summary>
/// A session cookie carries the account's roles as they were when it was issued. At most once a minute the account is
/// read again: a deleted account's sessions end, and a granted or revoked role takes effect without signing in again.
/// (Decisions about participants never rely on the cookie: <see cref="Access"/> reads the account on each such request.)
/// </summary>
public static class SessionValidation
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromMinutes(1);

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var clock = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        var now = clock.GetUtcNow();
        var checkedAt = long.TryParse(context.Principal?.FindFirst(ActorClaims.CheckedAt)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.MinValue;
        if (now - checkedAt < RecheckInterval)
            return;

        var accountId = context.Principal?.FindFirst(ActorClaims.AccountId)?.Value;
        var orleans = context.HttpContext.RequestServices.GetRequiredService<IClusterClient>();
        var account = accountId is null ? null : await orleans.GetGrain<IAccountGrain>(accountId).Get();
        if (account is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Authentication.SessionScheme);
            return;
        }
        context.ReplacePrincipal(Authentication.PrincipalFor(account, ActorKind.Session, now));
        context.ShouldRenew = true;
    }
}
