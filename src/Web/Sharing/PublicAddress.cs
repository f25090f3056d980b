using CivicContracting.Accounts;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Sharing;

/// <summary>
/// The site's public address (<c>Accounts:PublicUrl</c>, which the account e-mails' links use too), for the absolute URLs
/// of the sitemap, robots.txt and the sharing metadata. Never taken from a request's Host header: those answers are
/// cached and shared, and a forged Host would otherwise put another site's address in them.
/// </summary>
public sealed class PublicAddress(IOptions<AccountOptions> accounts)
{
    /// <summary>The address without a trailing slash, e.g. <c>https://leuven2030.be</c>.</summary>
    public string Base { get; } = accounts.Value.PublicUrl.TrimEnd('/');

    /// <summary>The absolute URL of a site path (which starts with <c>/</c>).</summary>
    public string Of(string path) => Base + path;
}
