using System.Globalization;

namespace CivicContracting.Web.Site;

/// <summary>Which requests are the public site's pages (HTML errors) rather than the API or operations (problem+json).</summary>
public static class SitePaths
{
    private static readonly string[] NonPagePrefixes = ["/api", "/feeds", "/health", "/metrics", "/openapi", "/dashboard", "/lib", "/js", "/css", "/img", "/icons", "/sitemap"];

    public static bool IsPage(PathString path) => !NonPagePrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    public const string SignIn = "/account/sign-in";
    public const string SignOut = "/account/sign-out";
    public const string Register = "/account/register";
    public const string Account = "/account";

    public static string ErrorPath(object status) => string.Create(CultureInfo.InvariantCulture, $"/error/{status}");
}
