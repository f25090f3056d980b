using System.Globalization;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Places;
using CivicContracting.Web.Api;
using CivicContracting.Web.Content;
using CivicContracting.Web.Embeds;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Texts;
using Microsoft.Extensions.Localization;
using Microsoft.Net.Http.Headers;

namespace CivicContracting.Web.Feeds;

/// <summary>
/// Feeds to subscribe to: Atom (RFC 4287) of a goal (with its objectives), a place and a participant's public activity —
/// commitments confirmed and progress reported, newest first, at most <see cref="AtomFeed.MaxEntries"/> — and the
/// iCalendar feed of co-creation sessions. In the language asked (<c>?culture=</c>, else <c>Accept-Language</c>, else
/// Dutch) where the texts have translations. Each answer carries an <c>ETag</c> and <c>Last-Modified</c> and answers a
/// matching conditional request with 304. A goal's and a place's feed read the newest-changed commitments of the scope
/// from this host's index, O(entries); a participant's, that participant's commitments.
/// </summary>
public static class FeedEndpoints
{
    public const string Prefix = "/feeds";

    public static IServiceCollection AddCivicContractingFeeds(this IServiceCollection services) => services.AddSingleton<SessionCalendar>();

    public static void MapFeeds(this IEndpointRouteBuilder app)
    {
        var feeds = app.MapGroup(Prefix).WithTags("Feeds");
        feeds.MapGet("/goals/{id}.atom", GoalFeed).WithName("GetGoalFeed")
            .WithSummary("Atom feed of a goal (with its objectives): commitments confirmed and progress reported, newest first (at most 50).")
            .Produces(StatusCodes.Status200OK, contentType: "application/atom+xml").Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        feeds.MapGet("/places/{code}.atom", PlaceFeed).WithName("GetPlaceFeed")
            .WithSummary("Atom feed of a neighbourhood, district or the city: commitments confirmed and progress reported, newest first (at most 50).")
            .Produces(StatusCodes.Status200OK, contentType: "application/atom+xml").Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        feeds.MapGet("/participants/{id}.atom", ParticipantFeed).WithName("GetParticipantFeed")
            .WithSummary("Atom feed of a participant's public activity: their public commitments and progress reports, newest first (at most 50).")
            .Produces(StatusCodes.Status200OK, contentType: "application/atom+xml").Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        feeds.MapGet("/sessions.ics", Sessions).WithName("GetSessionCalendar")
            .WithSummary("iCalendar (RFC 5545) feed of the co-creation sessions, in Europe/Brussels time.")
            .Produces(StatusCodes.Status200OK, contentType: "text/calendar").Produces(StatusCodes.Status304NotModified);
    }

    /// <summary>The feed's address for a page's <c>&lt;link rel="alternate"&gt;</c>.</summary>
    public static string GoalPath(string id) => $"{Prefix}/goals/{Uri.EscapeDataString(id)}.atom";

    public static string PlacePath(string code) => $"{Prefix}/places/{Uri.EscapeDataString(code)}.atom";

    public static string ParticipantPath(string id) => $"{Prefix}/participants/{Uri.EscapeDataString(id)}.atom";

    public const string SessionsPath = Prefix + "/sessions.ics";

    public static async Task<IResult> GoalFeed(HttpContext context, SiteData data, CommitmentViews views, SiteTextLocalizer T, string id)
    {
        await data.WhenListsLoaded(context.RequestAborted);
        if (!ApiIds.IsWellFormed(id) || await views.GoalAsync(id) is not { } goal)
            throw ApiProblems.NotFound("goal", id);
        var origin = EmbedTargets.Origin(context.Request);
        var (items, _) = data.Contributions.Page(AggregateScope.Goal(goal.Id), publicOnly: true, 0, AtomFeed.MaxEntries);
        var entries = await AtomFeed.EntriesAsync(views, items, origin, T);
        var title = ContentText.Title(goal).Text;
        return Answer(context, new AtomFeedContent($"{origin}/goals/{Uri.EscapeDataString(goal.Id)}", T["Feed.GoalTitle", title],
            origin + GoalPath(goal.Id), $"{origin}/goals/{Uri.EscapeDataString(goal.Id)}", Newest(entries), entries));
    }

    public static async Task<IResult> PlaceFeed(HttpContext context, SiteData data, CommitmentViews views, SiteTextLocalizer T, string code)
    {
        await data.WhenListsLoaded(context.RequestAborted);
        if (!PlaceCatalog.Leuven.TryGet(code, out var place))
            throw ApiProblems.NotFound("place", code);
        var origin = EmbedTargets.Origin(context.Request);
        var (items, _) = data.Contributions.Page(AggregateScope.Place(place.Code), publicOnly: true, 0, AtomFeed.MaxEntries);
        var entries = await AtomFeed.EntriesAsync(views, items, origin, T);
        return Answer(context, new AtomFeedContent($"{origin}/places/{place.Code}", T["Feed.PlaceTitle", place.Name],
            origin + PlacePath(place.Code), $"{origin}/places/{place.Code}", Newest(entries), entries));
    }

    public static async Task<IResult> ParticipantFeed(HttpContext context, SiteData data, CommitmentViews views, SiteTextLocalizer T, string id)
    {
        await data.WhenListsLoaded(context.RequestAborted);
        if (!ApiIds.IsWellFormed(id) || await views.ProfileAsync(id) is not { } profile)
            throw ApiProblems.NotFound("participant", id);
        var origin = EmbedTargets.Origin(context.Request);
        // The participant's own commitments (an organisation has hundreds at most), public ones, most recently changed first.
        var items = profile.CommitmentIds.Select(data.Contributions.Get).OfType<Contribution>()
            .Where(ContributionIndex.IsPublic)
            .OrderByDescending(c => c.UpdatedAt)
            .Take(AtomFeed.MaxEntries)
            .ToList();
        var entries = await AtomFeed.EntriesAsync(views, items, origin, T);
        var page = $"{origin}/participants/{Uri.EscapeDataString(profile.Id)}";
        return Answer(context, new AtomFeedContent(page, T["Feed.ParticipantTitle", profile.DisplayName], origin + ParticipantPath(profile.Id), page, Newest(entries), entries));
    }

    public static async Task<IResult> Sessions(HttpContext context, SessionCalendar calendar, SiteTextLocalizer T)
    {
        var (body, lastModified) = await calendar.RenderAsync(EmbedTargets.Origin(context.Request), T, context.RequestAborted);
        return Conditional(context, body, lastModified, SessionCalendar.ContentType);
    }

    private static DateTimeOffset Newest(IReadOnlyList<AtomEntry> entries) => entries.Count > 0 ? entries.Max(e => e.Updated) : DateTimeOffset.UnixEpoch;

    private static IResult Answer(HttpContext context, AtomFeedContent feed) =>
        Conditional(context, AtomFeed.Write(feed, ContentText.Reading), feed.Updated, AtomFeed.ContentType);

    /// <summary>200 with the body, or 304 when the client's copy (by ETag, else by date) is current.</summary>
    public static IResult Conditional(HttpContext context, byte[] body, DateTimeOffset lastModified, string contentType)
    {
        var etag = AtomFeed.ETag(body);
        var request = context.Request;
        var headers = context.Response.GetTypedHeaders();
        headers.ETag = new EntityTagHeaderValue(etag);
        var seconds = new DateTimeOffset(lastModified.UtcTicks - lastModified.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        headers.LastModified = seconds;
        headers.CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromSeconds(60) };
        context.Response.Headers.Vary = "Accept-Language";
        var requested = request.GetTypedHeaders();
        if (requested.IfNoneMatch is { Count: > 0 } ifNoneMatch)
        {
            if (ifNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(new EntityTagHeaderValue(etag), useStrongComparison: false)))
                return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        else if (requested.IfModifiedSince is { } since && seconds <= since)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        return Results.Bytes(body, contentType);
    }
}
