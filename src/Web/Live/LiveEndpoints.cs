using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using CivicContracting.Aggregation;
using CivicContracting.Live;
using CivicContracting.Validation;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Live;

/// <summary>
/// GET /api/live: server-sent events of aggregate changes ("change" events, JSON <see cref="AggregateChange"/>),
/// optionally only of one scope (<c>?scope=place:24062W01</c> or <c>goal:{id}</c>). A connection first gets this
/// host's current snapshot, then a "ready" event, then the newest change of each scope as it changes; all from the
/// host's memory (<see cref="LiveFeed"/>). At most <see cref="LiveStreamOptions.MaxConnectionsPerAddress"/> streams per client
/// address (then 429) and <see cref="LiveStreamOptions.MaxConnections"/> in all (then 503), both with <c>Retry-After</c>.
/// GET /api/live/status (operator): this host's live subscription (<see cref="LiveSubscriptionStatus"/>).
/// </summary>
public static partial class LiveEndpoints
{
    /// <summary>The stream's path. Its response never ends, so nothing may buffer it (e.g. a retrying middleware).</summary>
    public const string Path = "/api/live";

    public const string ChangeEvent = LiveFrames.ChangeEvent;
    public const string ReadyEvent = LiveFrames.ReadyEvent;

    /// <summary>The snapshot is flushed in pieces of about this size, so a large one is not held in memory twice.</summary>
    private const int SnapshotFlushBytes = 32 * 1024;

    /// <summary>How long a closing stream waits for a write to a client that does not read before it aborts the connection.</summary>
    private static readonly TimeSpan ClosePatience = TimeSpan.FromSeconds(1);

    public static WebApplicationBuilder AddCivicContractingLive(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LiveStreamOptions>().Bind(builder.Configuration.GetSection(LiveStreamOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        // Checked now as well, so that a wrong limit stops the build of the app with a message naming it.
        SettingsValidation.BindAndValidate<LiveStreamOptions>(builder.Configuration, LiveStreamOptions.SectionName);
        builder.Services.AddSingleton<LiveFeed>();
        builder.Services.AddSingleton<LiveAdmission>();
        builder.Services.AddSingleton<LiveSubscription>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<LiveSubscription>());
        return builder;
    }

    public static void MapLive(this WebApplication app)
    {
        app.MapGet(Path, Get)
            .WithTags("Live")
            .WithName("GetLive")
            .WithSummary("Server-sent events of goal and place aggregate changes (optionally of one scope), starting with the current snapshot.")
            .Produces<AggregateChange>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet(Path + "/status", (LiveSubscription subscription) => TypedResults.Ok(subscription.Status))
            .RequireAdministrator()
            .WithTags("Live")
            .WithName("GetLiveStatus")
            .WithSummary("Operator: this web host's live subscription — whether it holds a lease, where the live registry runs, lost leases and failed renewals.");
        var limits = app.Services.GetRequiredService<IOptions<LiveStreamOptions>>().Value;
        WarnWhenDescriptorsAreShort(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LiveEndpoints).FullName!), limits.MaxConnections);
    }

    public static async Task Get(HttpContext context, LiveFeed feed, LiveAdmission admission, IHostApplicationLifetime lifetime, string? scope = null)
    {
        var wanted = string.IsNullOrWhiteSpace(scope) ? null : scope.Trim();
        if (wanted is not null && !IsScope(wanted))
            throw ApiProblems.Invalid("scope", ApiText.LiveScope(AggregateScope.GoalPrefix, AggregateScope.PlacePrefix, InputRules.MaxIdLength));

        if (admission.TryAdmit(context.Connection.RemoteIpAddress, out var ticket) is { } refusal)
        {
            await RefuseAsync(context, refusal, admission.Limits);
            return;
        }
        using (ticket)
        {
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache,no-store";
            response.Headers.Pragma = "no-cache";
            // Never compressed or buffered by anything between here and the browser: each flush must reach it.
            response.Headers.ContentEncoding = "identity";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

            var body = response.BodyWriter;
            var snapshot = new List<LiveEvent>();
            // Registered before anything is written, so that no change that arrives from now on is missed.
            var stream = feed.OpenStream(wanted, body, snapshot);
            using var stopping = lifetime.ApplicationStopping.Register(static s => ((LiveEventStream)s!).End(), stream);
            using var aborted = context.RequestAborted.Register(static s => ((LiveEventStream)s!).End(), stream);
            try
            {
                if (!await SendSnapshotAsync(body, feed, snapshot, context.RequestAborted))
                    return;
                stream.Start();
                // Until the client leaves, the stream cannot be written, or the host stops (browsers then reconnect elsewhere).
                await stream.Ended;
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
            }
            finally
            {
                await stream.CloseAsync(ClosePatience, context.Abort);
            }
        }
    }

    /// <summary>
    /// The snapshot, then "ready"; false when the client left meanwhile. The list (up to one entry per scope) is emptied
    /// once sent, so it is not kept for the life of the stream.
    /// </summary>
    private static async Task<bool> SendSnapshotAsync(PipeWriter body, LiveFeed feed, List<LiveEvent> snapshot, CancellationToken cancellationToken)
    {
        var unflushed = 0;
        for (var i = 0; i < snapshot.Count; i++)
        {
            var frame = snapshot[i].Frame(feed);
            body.Write(frame);
            unflushed += frame.Length;
            if (unflushed >= SnapshotFlushBytes)
            {
                if ((await body.FlushAsync(cancellationToken)).IsCompleted)
                    return false;
                unflushed = 0;
            }
        }
        snapshot.Clear();
        snapshot.TrimExcess();
        // Also makes the response start at once (headers go out with the first flush), so clients know they are connected.
        body.Write(LiveFrames.Ready);
        return !(await body.FlushAsync(cancellationToken)).IsCompleted;
    }

    /// <summary><c>goal:{id}</c> or <c>place:{code}</c> with an id as the API accepts ids.</summary>
    public static bool IsScope(string scope)
    {
        ReadOnlySpan<char> id = AggregateScope.IsGoal(scope) ? scope.AsSpan(AggregateScope.GoalPrefix.Length)
            : AggregateScope.IsPlace(scope) ? scope.AsSpan(AggregateScope.PlacePrefix.Length)
            : [];
        if (id.IsEmpty || id.Length > InputRules.MaxIdLength)
            return false;
        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '.')
                return false;
        }
        return true;
    }

    private static async Task RefuseAsync(HttpContext context, LiveRefusal refusal, LiveStreamOptions limits)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(limits.RetryAfter.TotalSeconds));
        var (status, title, type, detail) = refusal == LiveRefusal.AddressFull
            ? (StatusCodes.Status429TooManyRequests, "Too Many Requests", "https://www.rfc-editor.org/rfc/rfc6585#section-4",
                $"This address already holds {limits.MaxConnectionsPerAddress} live streams (Live:MaxConnectionsPerAddress). Close one (a browser needs one per tab) or wait {seconds} s (Retry-After) and try again.")
            : (StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4",
                $"This web host holds its maximum of {limits.MaxConnections} live streams (Live:MaxConnections). Wait {seconds} s (Retry-After) and try again; the figures on the page stay as they were loaded.");
        context.Response.StatusCode = status;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.CacheControl = "no-store";
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Type = type, Detail = detail },
        });
    }

    /// <summary>
    /// Every live stream holds a socket, i.e. a file descriptor: a process limit below the cap fails connections with
    /// "too many open files" before the cap answers 503. Linux only; elsewhere nothing is checked.
    /// </summary>
    private static void WarnWhenDescriptorsAreShort(ILogger logger, int maxConnections)
    {
        const string limitsFile = "/proc/self/limits";
        try
        {
            if (!File.Exists(limitsFile))
                return;
            var line = File.ReadLines(limitsFile).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var fields = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is { Length: > 0 } && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft)
                && soft < maxConnections + DescriptorHeadroom)
                LogDescriptorsShort(logger, soft, maxConnections, maxConnections + DescriptorHeadroom);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Descriptors the host needs besides live streams: other requests, the silo, the database, files.</summary>
    private const int DescriptorHeadroom = 1_024;

    [LoggerMessage(Level = LogLevel.Warning, Message = "This process may open {Limit} files (ulimit -n) but Live:MaxConnections is {MaxConnections}: live streams beyond the limit fail before they reach the cap. Raise the limit to at least {Needed} or lower Live:MaxConnections")]
    private static partial void LogDescriptorsShort(ILogger logger, long limit, int maxConnections, int needed);
}
