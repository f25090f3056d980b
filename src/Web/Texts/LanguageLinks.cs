using Microsoft.AspNetCore.Http.Extensions;

namespace CivicContracting.Web.Texts;

/// <summary>The addresses of the layout's language switcher and of the hreflang alternates of the page being shown.</summary>
public static class LanguageLinks
{
    /// <summary>This page's local address without ?culture= (which would otherwise outrank the language just picked).</summary>
    public static string ReturnUrl(HttpRequest request) =>
        (request.PathBase + request.Path).Value is { Length: > 0 } path ? path + WithoutCulture(request).ToString() : "/";

    /// <summary>This page's absolute address in <paramref name="language"/> (?culture=fr), or without one for x-default.</summary>
    public static string Alternate(HttpRequest request, string? language)
    {
        var query = WithoutCulture(request);
        if (language is not null)
            query = query.Add(SiteCulture.QueryName, language);
        return UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path, query);
    }

    private static QueryString WithoutCulture(HttpRequest request) =>
        QueryString.Create(request.Query
            .Where(p => !string.Equals(p.Key, SiteCulture.QueryName, StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v))));
}
