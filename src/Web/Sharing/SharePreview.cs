using System.Globalization;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace CivicContracting.Web.Sharing;

/// <summary>
/// What a link to a page shows when it is shared (Open Graph and Twitter-card <c>&lt;meta&gt;</c>, written by the layout):
/// a page sets it in one line, <c>ViewData.Share(title, description)</c>; without it the layout shares the page's title
/// and the site's description. Pages pass only what the public may read (a commitment's redacted view), so a text a
/// moderator hid never reaches a preview.
/// </summary>
public sealed record SharePreview(string Title, string Description, string Type = SharePreview.Website)
{
    public const string ViewDataKey = "SharePreview";

    public const string Website = "website";
    public const string Article = "article";

    /// <summary>The Open Graph locale of a culture: <c>nl-BE</c> → <c>nl_BE</c>.</summary>
    public static string Locale(CultureInfo culture) => culture.Name.Replace('-', '_');

    /// <summary>The site's languages as Open Graph locales, the current one first.</summary>
    public static IEnumerable<string> Locales(CultureInfo current) =>
        SiteCulture.Supported.OrderBy(c => c.TwoLetterISOLanguageName == current.TwoLetterISOLanguageName ? 0 : 1).Select(Locale);

    /// <summary>The shared address of a page: the public address, the path and, outside the default language, <c>?culture=</c>.</summary>
    public static string Url(PublicAddress address, HttpRequest request, CultureInfo current)
    {
        var path = (request.PathBase + request.Path).ToUriComponent();
        var url = address.Of(path.Length == 0 ? "/" : path);
        return current.TwoLetterISOLanguageName == SiteCulture.Default.TwoLetterISOLanguageName
            ? url
            : url + "?" + SiteCulture.QueryName + "=" + current.TwoLetterISOLanguageName;
    }
}

public static class SharePreviewViewData
{
    /// <summary>The page's sharing preview (see <see cref="SharePreview"/>).</summary>
    public static void Share(this ViewDataDictionary viewData, string title, string description, string type = SharePreview.Website) =>
        viewData[SharePreview.ViewDataKey] = new SharePreview(title, description, type);
}
