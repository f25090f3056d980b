using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using CivicContracting.Live;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicContracting.Web.Live;

/// <summary>
/// GET /api/live: server-sent events of aggregate changes ("change" events, JSON <see cref="AggregateChange"/>),
/// optionally only of one scope (<c>?scope=place:24062W01</c> or <c>goal:{id}</c>). A connection first gets this
/// host's current snapshot, then a "ready" event, then every newer change; all from the host's memory.
/// GET /api/live/status (operator): this host's live subscription (<see cref="LiveSubscriptionStatus"/>).
/// </summary>
public static class LiveEndpoints
{
    /// <summary>The stream's path. Its response never ends, so nothing may buffer it (e.g. a retrying middleware).</summary>
    public const string Path = "/api/live";

    public const string ChangeEvent = "change";
    public const string ReadyEvent = "ready";

    public static IServiceCollection AddCivicContractingLive(this IServiceCollection services)
    {
        services.AddSingleton<LiveFeed>();
        services.AddSingleton<LiveSubscription>();
        services.AddHostedService(provider => provider.GetRequiredService<LiveSubscription>());
        return services;
    }

    public static void MapLive(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, Get)
            .WithTags("Live")
            .WithName("GetLive")
            .WithSummary("Server-sent events of goal and place aggregate changes (optionally of one scope), starting with the current snapshot.");
        app.MapGet(Path + "/status", (LiveSubscription subscription) => TypedResults.Ok(subscription.Status))
            .RequireAdministrator()
            .WithTags("Live")
            .WithName("GetLiveStatus")
            .WithSummary("Operator: this web host's live subscription — whether it holds a lease, where the live registry runs, lost leases and failed renewals.");
    }

    public static ServerSentEventsResult<AggregateChange?> Get(LiveFeed feed, HttpContext context, string? scope = null)
    {
        // Registered before the response starts, so no change that arrives from now on is missed.
        var connection = feed.Open(string.IsNullOrWhiteSpace(scope) ? null : scope.Trim());
        context.Response.RegisterForDispose(connection);
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.ServerSentEvents(Events(feed, connection, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<AggregateChange?>> Events(LiveFeed feed, LiveFeed.Connection connection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (connection)
        {
            foreach (var change in feed.Snapshot.Where(connection.Wants))
                yield return new SseItem<AggregateChange?>(change, ChangeEvent);
            // Also makes the response start at once (headers go out with the first event), so clients know they are connected.
            yield return new SseItem<AggregateChange?>(null, ReadyEvent);
            await foreach (var change in connection.ReadAllAsync(cancellationToken))
                yield return new SseItem<AggregateChange?>(change, ChangeEvent);
        }
    }
}
