namespace CivicContracting.Web.Accounts;

/// <summary>Where to send someone after signing in or out.</summary>
public static class ReturnUrls
{
    /// <summary>Only a local path: never send people to another site after signing in.</summary>
    public static string Safe(string? returnUrl, string fallback = "/account") =>
        returnUrl is { Length: > 0 } url && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : fallback;
}
