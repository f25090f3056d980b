using System.Text.Json;
using System.Text.RegularExpressions;

namespace CivicContracting.Web.Api;

/// <summary>
/// Client mode: retries an idempotent request inside the web tier when the grain cluster answered it with 500, 502,
/// 503 or 504 — what a call sees while a silo stops (SIGTERM) or after it crashed, until the cluster has moved its
/// grains. Idempotent means: GET and HEAD, and a progress report (POST /api/commitments/{id}/progress) that carries its
/// own <c>reportId</c> or an <c>Idempotency-Key</c> header, which the commitment stores once however often it arrives.
/// Other writes are never retried.
/// Bounded: at most <see cref="MaxAttempts"/> attempts with a growing pause (about 15 s in all), then the last answer
/// goes to the caller. The response of a retried request is buffered so that a failed attempt is never sent.
/// </summary>
public sealed partial class IdempotentRetry(RequestDelegate next, ILogger<IdempotentRetry> logger)
{
    public const int MaxAttempts = 6;

    /// <summary>The request header that makes a progress report safe to send twice (read by Progress/IdempotencyKeys).</summary>
    public const string IdempotencyKeyHeaderName = "Idempotency-Key";

    private static readonly TimeSpan[] Pauses =
        [TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)];

    private const long MaxBufferedRequestBytes = 64 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!await IsIdempotentAsync(context.Request))
        {
            await next(context);
            return;
        }

        var originalBody = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                await next(context);
                var status = context.Response.StatusCode;
                var retryable = status is StatusCodes.Status500InternalServerError or StatusCodes.Status502BadGateway
                    or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout;
                if (!retryable || attempt >= MaxAttempts || context.RequestAborted.IsCancellationRequested || context.Response.HasStarted)
                    break;

                logger.LogWarning("{Method} {Path} answered {Status} (attempt {Attempt} of {MaxAttempts}); retrying: the request is idempotent",
                    context.Request.Method, context.Request.Path, status, attempt, MaxAttempts);
                await Task.Delay(Pauses[Math.Min(attempt - 1, Pauses.Length - 1)], context.RequestAborted);

                // Start the request over: no response yet, body from the start, routing again.
                context.Response.Clear();
                buffer.SetLength(0);
                if (context.Request.Body.CanSeek)
                    context.Request.Body.Position = 0;
                context.SetEndpoint(null);
                context.Request.RouteValues.Clear();
            }
        }
        finally
        {
            context.Response.Body = originalBody;
        }
        buffer.Position = 0;
        if (buffer.Length > 0 && !HttpMethods.IsHead(context.Request.Method))
            await buffer.CopyToAsync(originalBody, context.RequestAborted);
    }

    private static async Task<bool> IsIdempotentAsync(HttpRequest request)
    {
        if (!request.Path.StartsWithSegments("/api"))
            return false;
        // The live stream's response never ends: buffered, nothing would ever reach the browser.
        if (request.Path.StartsWithSegments(Live.LiveEndpoints.Path, StringComparison.OrdinalIgnoreCase))
            return false;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            return true;
        if (!HttpMethods.IsPost(request.Method) || !ProgressPath().IsMatch(request.Path.Value ?? ""))
            return false;
        // Without a reportId, the Idempotency-Key names the report (Progress/IdempotencyKeys).
        if (request.Headers.ContainsKey(IdempotencyKeyHeaderName))
            return true;
        if (request.ContentLength is > MaxBufferedRequestBytes)
            return false;

        // Only a report with its own reportId is safe to send twice.
        request.EnableBuffering();
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("reportId", out var id)
                && id.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(id.GetString());
        }
        catch (JsonException)
        {
            return false; // the endpoint answers with its own problem
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    [GeneratedRegex("^/api/commitments/[^/]+/progress/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ProgressPath();

    /// <summary>Puts the retry in front of the whole pipeline (outside the exception handler that turns cluster errors into 503).</summary>
    public sealed class StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<IdempotentRetry>();
            next(app);
        };
    }
}
