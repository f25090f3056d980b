using System.Globalization;
using CivicContracting.Accounts;
using CivicContracting.Following;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicContracting.Web.Following;

public sealed record FollowRequest(FollowTopicKind Kind, string Id);

public sealed record ReadMark(long UpTo);

public sealed record EmailNotificationChange(bool Enabled);

/// <summary>
/// Following: a signed-in person follows goals, commitments, participants and neighbourhoods, reads a personal feed of
/// what changed (the in-app notifications are its unread items) and may get them by e-mail (when the platform sends
/// e-mail: Notifications:Smtp). Everything here is about the caller's own account.
/// </summary>
public static class FollowEndpoints
{
    public const int DefaultPageSize = 20;

    public static void MapFollowing(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me").WithTags("Following").RequireSignedIn();
        me.MapGet("/follows", Follows).WithName("ListMyFollows").WithSummary("What the person follows.");
        me.MapPost("/follows", Follow).AcceptsJson<FollowRequest>().WithName("Follow")
            .WithSummary("Follows a goal, a commitment, a participant or a neighbourhood ({kind, id}); following again is a no-op.").ProducesValidationProblem();
        me.MapDelete("/follows/{kind}/{id}", Unfollow).WithName("Unfollow").WithSummary("Stops following; unfollowing what is not followed is a no-op.");
        me.MapGet("/feed", Feed).WithName("GetMyFeed")
            .WithSummary("The personal feed, newest first: ?before=<sequence>&limit=<1..100>, with the unread count. ?unread=true gives only the unread items (the in-app notifications).");
        me.MapPost("/feed/read", MarkRead).AcceptsJson<ReadMark>().WithName("MarkFeedRead").WithSummary("Marks the feed read up to a sequence number.");
        me.MapGet("/notifications/email", GetEmail).WithName("GetEmailNotifications").WithSummary("Whether changes are also sent by e-mail, and to which address.");
        me.MapPut("/notifications/email", SetEmail).AcceptsJson<EmailNotificationChange>().WithName("SetEmailNotifications")
            .WithSummary("Turns e-mail notifications on or off (to the account's e-mail address; off by default).").ProducesValidationProblem();
    }

    public static async Task<Ok<FollowingView>> Follows(HttpContext context, Access access, IClusterClient orleans) =>
        TypedResults.Ok(await orleans.GetGrain<IFollowerGrain>((await access.RequireAccountAsync(context)).Account!.Id).GetFollowing());

    public static async Task<Ok<FollowingView>> Follow(HttpContext context, Access access, FollowCommand command)
    {
        var actor = await access.RequireAccountAsync(context);
        var body = await JsonBody.ReadAsync<FollowRequest>(context);
        return TypedResults.Ok(await command.RunAsync(actor, new FollowTopic(body.Kind, body.Id ?? ""), follow: true));
    }

    public static async Task<Ok<FollowingView>> Unfollow(string kind, string id, HttpContext context, Access access, FollowCommand command)
    {
        var actor = await access.RequireAccountAsync(context);
        var topicKind = EnumNames.Require<FollowTopicKind>(kind, "kind");
        return TypedResults.Ok(await command.RunAsync(actor, new FollowTopic(topicKind, id), follow: false));
    }

    public static async Task<Ok<FeedPage>> Feed(HttpContext context, Access access, IClusterClient orleans, long? before, int? limit, bool? unread)
    {
        var actor = await access.RequireAccountAsync(context);
        var feed = orleans.GetGrain<IFeedGrain>(actor.Account!.Id);
        context.Response.Headers.CacheControl = "no-store";
        var page = unread == true
            ? await feed.GetUnread(before, limit ?? DefaultPageSize)
            : await feed.GetPage(before, limit ?? DefaultPageSize);
        return TypedResults.Ok(InReadersLanguage(page));
    }

    /// <summary>
    /// The page with each event's summary written in the request's language (Accept-Language; English by default): the feed
    /// keeps what happened (<see cref="FeedDetail"/>), the words are the reader's. Events stored before keep their summary.
    /// </summary>
    public static FeedPage InReadersLanguage(FeedPage page) => page with
    {
        Items = [.. page.Items.Select(i => i with { Event = i.Event with { Summary = FeedText.Summary(i.Event, CultureInfo.CurrentUICulture) } })],
    };

    public static async Task<Ok<FeedStatus>> MarkRead(HttpContext context, Access access, IClusterClient orleans)
    {
        var actor = await access.RequireAccountAsync(context);
        var body = await JsonBody.ReadAsync<ReadMark>(context);
        return TypedResults.Ok(await orleans.GetGrain<IFeedGrain>(actor.Account!.Id).MarkRead(body.UpTo));
    }

    public static async Task<Ok<EmailNotifications>> GetEmail(HttpContext context, Access access, IClusterClient orleans) =>
        TypedResults.Ok(await orleans.GetGrain<IFeedGrain>((await access.RequireAccountAsync(context)).Account!.Id).GetEmailNotifications());

    public static async Task<Ok<EmailNotifications>> SetEmail(HttpContext context, Access access, IClusterClient orleans)
    {
        var actor = await access.RequireAccountAsync(context);
        var body = await JsonBody.ReadAsync<EmailNotificationChange>(context);
        if (body.Enabled && actor.Account!.Email is null)
            throw ApiProblems.Invalid("enabled", ApiText.NoEmailForNotifications);
        return TypedResults.Ok(await orleans.GetGrain<IFeedGrain>(actor.Account!.Id).SetEmailNotifications(body.Enabled, actor.Account!.Email));
    }
}
