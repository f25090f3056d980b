using System.Globalization;
using CivicContracting.Commitments;
using CivicContracting.Places;
using CivicContracting.Texts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Content;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Security;

namespace CivicContracting.Web.Embeds;

/// <summary>What can be embedded: a goal, a commitment, a place (neighbourhood, district or the city) or the map.</summary>
public enum EmbedKind
{
    Goal,
    Commitment,
    Place,
    Map,
}

/// <summary>
/// One embeddable thing: its page, its widget (<see cref="EmbedPath"/>), its title in the reader's language and the
/// frame's default size.
/// </summary>
public sealed record EmbedTarget(EmbedKind Kind, string? Id, string PagePath, string EmbedPath, string Title, int Width, int Height)
{
    /// <summary>The widget's address on this site, absolute (<paramref name="origin"/>: scheme://host[:port]).</summary>
    public string EmbedUrl(string origin) => origin + EmbedPath;

    /// <summary>The page's address on this site, absolute.</summary>
    public string PageUrl(string origin) => origin + PagePath;

    /// <summary>
    /// The snippet a site pastes: an iframe with a title for screen readers, a size, lazy loading and no referrer policy
    /// beyond the browser's default. Attribute values are HTML-encoded.
    /// </summary>
    public string IframeHtml(string origin, int? width = null, int? height = null)
    {
        var w = (width ?? Width).ToString(CultureInfo.InvariantCulture);
        var h = (height ?? Height).ToString(CultureInfo.InvariantCulture);
        var encode = System.Text.Encodings.Web.HtmlEncoder.Default;
        return $"<iframe src=\"{encode.Encode(EmbedUrl(origin))}\" title=\"{encode.Encode(Title)}\" width=\"{w}\" height=\"{h}\" loading=\"lazy\" style=\"border:0;max-width:100%\"></iframe>";
    }
}

/// <summary>Finds what an address of this site embeds, from this host's memory (a commitment: its view, redacted).</summary>
public sealed class EmbedTargets(SiteData data, CommitmentViews views)
{
    public const int GoalWidth = 420;
    public const int GoalHeight = 260;
    public const int CommitmentWidth = 420;
    public const int CommitmentHeight = 260;
    public const int PlaceWidth = 420;
    public const int PlaceHeight = 260;
    public const int MapWidth = 640;
    public const int MapHeight = 520;

    /// <summary>The scheme, host and port of the request, as the site's absolute addresses start (forwarded headers are applied before).</summary>
    public static string Origin(HttpRequest request) => $"{request.Scheme}://{request.Host.Value}";

    public async Task<EmbedTarget?> GoalAsync(string id) =>
        ApiIds.IsWellFormed(id) && await views.GoalAsync(id) is { } goal ? Goal(goal) : null;

    /// <summary>A goal's widget, its title in the reader's language.</summary>
    public static EmbedTarget Goal(CivicContracting.Goals.GoalInfo goal)
    {
        var escaped = Uri.EscapeDataString(goal.Id);
        return new EmbedTarget(EmbedKind.Goal, goal.Id, $"/goals/{escaped}", $"/embed/goals/{escaped}", ContentText.Title(goal).Text, GoalWidth, GoalHeight);
    }

    /// <summary>A commitment's widget, or null when it may not be embedded (see <see cref="IsEmbeddable"/>).</summary>
    public static EmbedTarget? Commitment(CommitmentView view)
    {
        if (!IsEmbeddable(view))
            return null;
        var escaped = Uri.EscapeDataString(view.Id);
        var title = ContentTranslations.Resolve(view.Terms.Title, view.Language, view.TitleTranslations, ContentText.Reading).Text;
        return new EmbedTarget(EmbedKind.Commitment, view.Id, $"/commitments/{escaped}", $"/embed/commitments/{escaped}", title, CommitmentWidth, CommitmentHeight);
    }

    /// <summary>A commitment the public may see in a widget: not a draft, not a template, its text not hidden by moderators.</summary>
    public async Task<(EmbedTarget Target, CommitmentView View)?> CommitmentAsync(string id)
    {
        if (!ApiIds.IsWellFormed(id) || await views.GetAsync(id) is not { } view || Commitment(view) is not { } target)
            return null;
        return (target, view);
    }

    /// <summary>Drafts are not public yet; a hidden text is not shown out of context on other sites; templates are not engagements.</summary>
    public static bool IsEmbeddable(CommitmentView view) =>
        view.Status != CommitmentStatus.Draft && !view.IsTemplate && !view.TextHidden && view.TextHiddenBy() is null;

    public static EmbedTarget? Place(string? code)
    {
        if (!PlaceCatalog.Leuven.TryGet(code, out var place))
            return null;
        return new EmbedTarget(EmbedKind.Place, place.Code, $"/places/{place.Code}", $"/embed/places/{place.Code}", place.Name, PlaceWidth, PlaceHeight);
    }

    public static EmbedTarget Map(string title) => new(EmbedKind.Map, null, "/", "/embed/map", title, MapWidth, MapHeight);

    /// <summary>
    /// What a path of this site embeds: /goals/{id}, /commitments/{id}, /places/{code}, the home page (the map) or one of
    /// their widgets under /embed. Null for anything else.
    /// </summary>
    public async Task<EmbedTarget?> FromPathAsync(string path, string mapTitle)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length > 0 && string.Equals(segments[0], "embed", StringComparison.OrdinalIgnoreCase))
            segments = segments[1..];
        switch (segments)
        {
            case []:
            case ["map"] when path.StartsWith(EmbedPolicy.PathPrefix + "/", StringComparison.OrdinalIgnoreCase):
                return Map(mapTitle);
            case ["goals", var goal]:
                return await GoalAsync(Uri.UnescapeDataString(goal));
            case ["commitments", var commitment]:
                return (await CommitmentAsync(Uri.UnescapeDataString(commitment)))?.Target;
            case ["places", var place]:
                return Place(Uri.UnescapeDataString(place));
            default:
                return null;
        }
    }

    /// <summary>Whether the site's data is loaded enough to answer (waits after a start, as the pages do).</summary>
    public Task WhenLoaded(CancellationToken cancellationToken) => data.WhenLoaded(cancellationToken);
}

/// <summary>
/// What a page of the site tells about its widget and feed: set in ViewData by the page (<see cref="TargetKey"/>,
/// <see cref="FeedKey"/>), the layout adds the oEmbed discovery and Atom links to the page's head (Pages/Shared/_EmbedHead).
/// </summary>
public static class EmbedHead
{
    public const string TargetKey = "EmbedTarget";

    public const string FeedKey = "AtomFeed";

    /// <summary>The oEmbed address that describes <paramref name="target"/>.</summary>
    public static string OEmbedUrl(string origin, EmbedTarget target) =>
        $"{origin}{EmbedEndpoints.OEmbedPath}?url={Uri.EscapeDataString(target.PageUrl(origin))}&format=json";
}
