using System.Globalization;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.OutputCaching;

namespace CivicContracting.Web.Site;

/// <summary>
/// A page is rendered at most once a second per address and shared by everyone who asks meanwhile: at a co-creation
/// session a hundred screens open the same page at once. The figures on it stay live through the pushes, so a
/// second's staleness of the HTML costs nothing visible.
/// </summary>
public static class SiteCaching
{
    public const string PolicyName = "site";

    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(1);

    public static void Configure(OutputCacheOptions options) =>
        options.AddPolicy(PolicyName, policy => policy.Expire(Duration).SetVaryByQuery("*")
            // Per language, once the site speaks more than one (the request's culture is set before the cache runs).
            .VaryByValue(_ => new KeyValuePair<string, string>("culture", CultureInfo.CurrentUICulture.Name)));

    /// <summary>Pages never cached: errors, and forms (their antiforgery token belongs to one visitor).</summary>
    private static readonly string[] Uncached = ["/Error", "/Accounts/", "/Following/", "/Commitments/New", "/Commitments/Confirm", "/Commitments/Report", "/Commitments/Upgrade", "/Sessions/New", "/Goals/New", "/Goals/Edit", "/Moderation/", "/Coaching/"];

    public static void Apply(PageApplicationModel page)
    {
        if (!Uncached.Any(prefix => page.ViewEnginePath.StartsWith(prefix, StringComparison.Ordinal)))
            page.EndpointMetadata.Add(new OutputCacheAttribute { PolicyName = PolicyName });
    }
}
