using System.Globalization;
using System.Text;
using System.Xml;
using CivicContracting.Commitments;
using CivicContracting.Places;
using CivicContracting.Sessions;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace CivicContracting.Web.Sharing;

/// <summary>
/// What search engines and sharing need besides the pages: <c>/robots.txt</c>, the sitemap and <c>/favicon.ico</c>.
/// <para>
/// <b>The sitemap.</b> <c>/sitemap.xml</c> is a sitemap index: <c>/sitemap/pages.xml</c> (the home page, the indexes, the
/// accessibility statement and privacy notice, every goal, place and co-creation session),
/// <c>/sitemap/participants-{n}.xml</c> (participants with a public commitment) and <c>/sitemap/commitments-{n}.xml</c>
/// (confirmed commitments, oldest confirmation first, so a page's entries stay put as new ones arrive), each at most
/// <see cref="MaxUrlsPerSitemap"/> URLs, the sitemap protocol's limit. Every file is written to the response as it is
/// read (an <see cref="XmlWriter"/> on the body), from this host's memory (<see cref="ContributionIndex"/>): a page costs
/// O(its URLs), whatever the city's size. Drafts, withdrawn commitments and commitments whose text a moderator hid are
/// never listed.
/// </para>
/// </summary>
public static class SharingEndpoints
{
    /// <summary>The sitemap protocol's limit of URLs per file.</summary>
    public const int MaxUrlsPerSitemap = 50_000;

    /// <summary>Sessions read for the pages file, at most (the directory answers 100 at a time).</summary>
    public const int MaxSessions = 10_000;

    public const string SitemapPath = "/sitemap.xml";
    public const string FaviconPath = "/favicon.ico";
    public const string IconPath = "/icons/icon.svg";

    private const string SitemapNamespace = "http://www.sitemaps.org/schemas/sitemap/0.9";
    private const string XmlContentType = "application/xml; charset=utf-8";

    /// <summary>How long this host keeps robots.txt, the sitemap index and the pages file it rendered.</summary>
    public static readonly TimeSpan SmallFileCacheDuration = TimeSpan.FromMinutes(1);

    /// <summary>How long crawlers and caches may keep robots.txt and the sitemap.</summary>
    private static readonly string CacheControl = "public, max-age=3600";

    /// <summary>The paths crawlers are asked to leave alone: forms, a person's own pages, the support team's, operations.</summary>
    public static readonly IReadOnlyList<string> Disallowed =
    [
        "/account", "/coach", "/moderation", "/language/", "/error/",
        "/commitments/new", "/commitments/*/confirm", "/commitments/*/report", "/commitments/*/upgrade",
        "/goals/new", "/goals/*/edit", "/sessions/new",
        "/api/me", "/api/session", "/api/accounts", "/api/coach", "/api/moderation", "/api/operations", "/api/live",
        "/dashboard", "/health", "/metrics",
    ];

    public static WebApplicationBuilder AddCivicContractingSharing(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PublicAddress>();
        return builder;
    }

    public static void MapSharing(this IEndpointRouteBuilder app)
    {
        // The small files are rendered at most once a minute per host (the pages file reads the sessions' directory); the
        // commitment and participant files are O(their 50,000 URLs) each and left to HTTP caches, so they never crowd
        // the site's pages out of the output cache.
        app.MapGet("/robots.txt", Robots).ExcludeFromDescription().CacheOutput(p => p.Expire(SmallFileCacheDuration));
        app.MapGet(SitemapPath, SitemapIndex).ExcludeFromDescription().CacheOutput(p => p.Expire(SmallFileCacheDuration));
        app.MapGet("/sitemap/pages.xml", PagesSitemap).ExcludeFromDescription().CacheOutput(p => p.Expire(SmallFileCacheDuration));
        app.MapGet("/sitemap/participants-{n:int}.xml", ParticipantsSitemap).ExcludeFromDescription();
        app.MapGet("/sitemap/commitments-{n:int}.xml", CommitmentsSitemap).ExcludeFromDescription();
        // Browsers ask for /favicon.ico whatever the page says: the SVG icon answers it.
        app.MapGet(FaviconPath, () => TypedResults.Redirect(IconPath, permanent: true)).ExcludeFromDescription();
    }

    public static string RobotsText(PublicAddress address)
    {
        var text = new StringBuilder();
        text.Append("# Civic Contracting: the public pages and the open-data API may be crawled.\n");
        text.Append("User-agent: *\n");
        text.Append("Allow: /\n");
        foreach (var path in Disallowed)
            text.Append("Disallow: ").Append(path).Append('\n');
        text.Append("\nSitemap: ").Append(address.Of(SitemapPath)).Append('\n');
        return text.ToString();
    }

    private static IResult Robots(HttpContext context, PublicAddress address)
    {
        context.Response.Headers.CacheControl = CacheControl;
        return TypedResults.Text(RobotsText(address), "text/plain; charset=utf-8");
    }

    /// <summary>How many files of <see cref="MaxUrlsPerSitemap"/> URLs hold <paramref name="count"/> entries.</summary>
    public static int Files(int count) => (count + MaxUrlsPerSitemap - 1) / MaxUrlsPerSitemap;

    private static async Task SitemapIndex(HttpContext context, SiteData data, PublicAddress address)
    {
        await data.WhenListsLoaded(context.RequestAborted);
        var (_, participants) = data.Contributions.Participants(0, 0);
        var (_, commitments) = data.Contributions.ConfirmedOldestFirst(0, 0);
        await using var xml = await StartAsync(context, "sitemapindex");
        await SitemapAsync(xml, address.Of("/sitemap/pages.xml"));
        for (var n = 0; n < Files(participants); n++)
            await SitemapAsync(xml, address.Of(Invariant($"/sitemap/participants-{n}.xml")));
        for (var n = 0; n < Files(commitments); n++)
            await SitemapAsync(xml, address.Of(Invariant($"/sitemap/commitments-{n}.xml")));
        await xml.WriteEndDocumentAsync();
    }

    private static async Task PagesSitemap(HttpContext context, SiteData data, PublicAddress address, IClusterClient orleans)
    {
        await data.WhenLoaded(context.RequestAborted);
        // The sessions first: a failing directory answers with a problem before anything is written.
        var sessions = new List<CoCreationSessionListing>();
        var directory = orleans.GetGrain<ICoCreationSessionDirectoryGrain>(0);
        while (sessions.Count < MaxSessions)
        {
            var page = await directory.List(sessions.Count, 100);
            sessions.AddRange(page.Items);
            if (page.Items.Count == 0 || sessions.Count >= page.TotalItems)
                break;
        }
        await using var xml = await StartAsync(context, "urlset");
        foreach (var path in new[] { "/", "/goals", "/places", "/sessions", "/accessibility", "/privacy" })
            await UrlAsync(xml, address.Of(path), null);
        foreach (var goal in data.Goals)
            await UrlAsync(xml, address.Of("/goals/" + Uri.EscapeDataString(goal.Id)), null);
        foreach (var place in PlaceCatalog.Leuven.All)
            await UrlAsync(xml, address.Of("/places/" + Uri.EscapeDataString(place.Code)), null);
        foreach (var session in sessions)
            await UrlAsync(xml, address.Of("/sessions/" + Uri.EscapeDataString(session.Id)), null);
        await xml.WriteEndDocumentAsync();
    }

    private static async Task<IResult> ParticipantsSitemap(int n, HttpContext context, SiteData data, PublicAddress address)
    {
        await data.WhenListsLoaded(context.RequestAborted);
        var (items, total) = data.Contributions.Participants(Skip(n), n < 0 ? 0 : MaxUrlsPerSitemap);
        if (n < 0 || n >= Files(total))
            return NotFound(n, Files(total), "participants");
        await using var xml = await StartAsync(context, "urlset");
        // A participant whose only commitments are drafts has nothing public to show yet.
        foreach (var standing in items.Where(s => s.Commitments > s.Drafts))
            await UrlAsync(xml, address.Of("/participants/" + Uri.EscapeDataString(standing.ParticipantId)), null);
        await xml.WriteEndDocumentAsync();
        return Results.Empty; // written already
    }

    private static async Task<IResult> CommitmentsSitemap(int n, HttpContext context, SiteData data, PublicAddress address)
    {
        await data.WhenListsLoaded(context.RequestAborted);
        var (items, total) = data.Contributions.ConfirmedOldestFirst(Skip(n), n < 0 ? 0 : MaxUrlsPerSitemap);
        if (n < 0 || n >= Files(total))
            return NotFound(n, Files(total), "commitments");
        await using var xml = await StartAsync(context, "urlset");
        foreach (var c in items.Where(IsListed))
            await UrlAsync(xml, address.Of("/commitments/" + Uri.EscapeDataString(c.CommitmentId)), c.UpdatedAt);
        await xml.WriteEndDocumentAsync();
        return Results.Empty; // written already
    }

    /// <summary>A commitment the sitemap lists: confirmed, not a draft, not withdrawn, its text not hidden by a moderator.</summary>
    public static bool IsListed(Contribution c) =>
        c.ConfirmedAt is not null && c.Status is not (CommitmentStatus.Draft or CommitmentStatus.Withdrawn) && !c.TextHidden;

    private static int Skip(int n) => n < 0 ? 0 : (int)Math.Min(int.MaxValue, (long)n * MaxUrlsPerSitemap);

    private static ProblemHttpResult NotFound(int n, int files, string what) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "No such sitemap file",
        detail: files == 0
            ? $"There are no {what} to list yet; /sitemap.xml names the files that exist."
            : Invariant($"The {what} sitemap has files 0 to {files - 1}; {n} is not one of them. /sitemap.xml names them all."));

    private static async Task<XmlWriter> StartAsync(HttpContext context, string root)
    {
        context.Response.ContentType = XmlContentType;
        context.Response.Headers.CacheControl = CacheControl;
        context.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        var xml = XmlWriter.Create(context.Response.Body, new XmlWriterSettings
        {
            Async = true,
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = false,
        });
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, root, SitemapNamespace);
        return xml;
    }

    private static async Task SitemapAsync(XmlWriter xml, string location)
    {
        await xml.WriteStartElementAsync(null, "sitemap", SitemapNamespace);
        await xml.WriteElementStringAsync(null, "loc", SitemapNamespace, location);
        await xml.WriteEndElementAsync();
    }

    private static async Task UrlAsync(XmlWriter xml, string location, DateTimeOffset? lastModified)
    {
        await xml.WriteStartElementAsync(null, "url", SitemapNamespace);
        await xml.WriteElementStringAsync(null, "loc", SitemapNamespace, location);
        if (lastModified is { } at)
            await xml.WriteElementStringAsync(null, "lastmod", SitemapNamespace, at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        await xml.WriteEndElementAsync();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
