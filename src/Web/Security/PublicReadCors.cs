using Microsoft.AspNetCore.Authorization;

namespace CivicContracting.Web.Security;

/// <summary>
/// CORS for the open data: the API's public reads may be read by a script on any origin; nothing else may.
/// <para>
/// <b>The rule.</b> A <c>GET</c> or <c>HEAD</c> answered by an endpoint under <c>/api</c> (or the OpenAPI document) that
/// requires no authorization gets <c>Access-Control-Allow-Origin: *</c> — whether or not the request named an origin,
/// so a shared cache may keep one copy — and never <c>Access-Control-Allow-Credentials</c>: a browser then sends no
/// cookie with a cross-origin read, and refuses to hand over an answer it sent one with. Writes (POST, PUT, PATCH,
/// DELETE), the endpoints that need a signed-in caller (<c>/api/me</c>, the coach's and moderators' workspace, operations),
/// the session's own endpoints and the site's pages get no CORS header at all. A preflight (<c>OPTIONS</c> with
/// <c>Access-Control-Request-Method</c>) is answered for <c>GET</c>/<c>HEAD</c> with the plain headers a reader sends,
/// and otherwise falls through to the route (a 405 without CORS headers), which the browser takes as a refusal.
/// </para>
/// <para>
/// The decision reads the routed endpoint's metadata (its authorization requirements), so an endpoint added later is
/// covered by how it is declared, not by a list kept here. It costs O(the endpoint's metadata) per request.
/// </para>
/// </summary>
public static class PublicReadCors
{
    /// <summary>Request headers a cross-origin reader may send (beyond the CORS-safelisted ones).</summary>
    public const string AllowedHeaders = "Accept, Accept-Language, If-None-Match, If-Modified-Since, Range";

    /// <summary>Answer headers a cross-origin reader may see (beyond the CORS-safelisted ones).</summary>
    public const string ExposedHeaders = "ETag, Last-Modified, Link, Location, Retry-After, Content-Disposition, Content-Language";

    /// <summary>How long a browser may keep a preflight's answer.</summary>
    public const string PreflightMaxAge = "86400";

    private static readonly HashSet<string> AllowedRequestHeaders = new(
        AllowedHeaders.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Concat(["Content-Language", "Content-Type"]), // safelisted anyway
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Endpoints under these prefixes keep no CORS even where they are anonymous: they belong to a browser session.</summary>
    private static readonly string[] SessionPrefixes = ["/api/session", "/api/me", "/api/accounts"];

    /// <summary>After routing (it reads the endpoint), before authentication and the output cache.</summary>
    public static IApplicationBuilder UsePublicReadCors(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var request = context.Request;
        if (!IsApiPath(request.Path))
            return next(context);
        if (HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Origin")
            && request.Headers.TryGetValue("Access-Control-Request-Method", out var requested))
        {
            if (!IsPreflightAllowed(request.Path, requested.ToString(), request.Headers["Access-Control-Request-Headers"].ToString()))
                return next(context);
            var headers = context.Response.Headers;
            headers.AccessControlAllowOrigin = "*";
            headers.AccessControlAllowMethods = "GET, HEAD";
            headers.AccessControlAllowHeaders = AllowedHeaders;
            headers.AccessControlMaxAge = PreflightMaxAge;
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }
        if (IsPublicRead(request.Method, request.Path, context.GetEndpoint()))
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpResponse)state).Headers;
                headers.AccessControlAllowOrigin = "*";
                headers.AccessControlExposeHeaders = ExposedHeaders;
                return Task.CompletedTask;
            }, context.Response);
        }
        return next(context);
    });

    /// <summary>Whether a cross-origin script may read the answer to this request.</summary>
    public static bool IsPublicRead(string method, PathString path, Endpoint? endpoint)
    {
        if (!(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) || !IsApiPath(path) || IsSessionPath(path) || endpoint is null)
            return false;
        var metadata = endpoint.Metadata;
        if (metadata.GetMetadata<IAllowAnonymous>() is not null)
            return true;
        return metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0 && metadata.GetMetadata<AuthorizationPolicy>() is null;
    }

    /// <summary>A preflight for a read with at most the headers a reader sends; never for a write or a session path.</summary>
    public static bool IsPreflightAllowed(PathString path, string method, string requestHeaders)
    {
        if (!(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) || IsSessionPath(path))
            return false;
        foreach (var header in requestHeaders.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!AllowedRequestHeaders.Contains(header))
                return false;
        }
        return true;
    }

    private static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase);

    private static bool IsSessionPath(PathString path) =>
        SessionPrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));
}
