using System.Globalization;
using System.Text.RegularExpressions;
using CivicContracting.Validation;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace CivicContracting.Web.Problems;

/// <summary>
/// Turns every failure into problem+json (RFC 9457): refused input → 400 naming the fields, unknown ids → 404,
/// state conflicts → 409, an unreachable cluster → 503, anything else → 500 without internals.
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problemDetails, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
            return true; // The caller went away; nobody is listening for an answer.
        // The middleware has already pointed the request at the error page: the original path says who asked.
        var path = httpContext.Features.Get<IExceptionHandlerFeature>()?.Path ?? httpContext.Request.Path.Value;
        if (Site.SitePaths.IsPage(path))
        {
            logger.LogError(exception, "{Method} {Path} failed", httpContext.Request.Method, path);
            return false; // The exception handler middleware renders the site's HTML error page instead.
        }

        // The handler runs outside the request localization's scope: answer in the request's language all the same.
        if (httpContext.Features.Get<IRequestCultureFeature>()?.RequestCulture is { } requestCulture)
        {
            CultureInfo.CurrentCulture = requestCulture.Culture;
            CultureInfo.CurrentUICulture = requestCulture.UICulture;
        }
        var problem = ToProblem(exception);
        if (problem.Status >= 500)
            logger.LogError(exception, "{Method} {Path} failed with {Status}", httpContext.Request.Method, httpContext.Request.Path, problem.Status);
        else if (logger.IsEnabled(LogLevel.Debug))
            logger.LogDebug("{Method} {Path} refused with {Status}: {Detail}", httpContext.Request.Method, httpContext.Request.Path, problem.Status, problem.Detail);

        if (httpContext.Response.HasStarted)
            return false;
        httpContext.Response.StatusCode = problem.Status!.Value;
        if (exception is ApiProblemException { RetryAfter: { } retryAfter })
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }

    /// <summary>Whole seconds, rounded up and at least 1, as <c>Retry-After</c> carries them.</summary>
    public static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    public static ProblemDetails ToProblem(Exception exception) => exception switch
    {
        ApiProblemException p when p.Errors.Count > 0 => WithErrors(p.Status, p.Title, p.Message, p.Errors),
        ApiProblemException p => Plain(p.Status, p.Title, p.Message),
        InputRejectedException rejected => WithErrors(400, ApiText.TitleInvalidFields,
            ApiProblems.DescribeFields(Keyed(rejected.Errors)), Keyed(rejected.Errors)),
        StateConflictException conflict => Plain(409, ApiText.TitleConflict, conflict.Message),
        KeyNotFoundException notFound => Plain(404, ApiText.TitleNotFound, notFound.Message),
        BadHttpRequestException bad => FromBadHttpRequest(bad),
        TimeoutException or Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException
            or Orleans.Runtime.ClientNotAvailableException => Plain(503, ApiText.TitleServiceUnavailable, ApiText.ClusterUnavailable),
        _ => Plain(500, ApiText.TitleInternalError, ApiText.InternalError),
    };

    private static ProblemDetails FromBadHttpRequest(BadHttpRequestException bad)
    {
        // Minimal APIs bind route and query values; their message names the parameter, e.g.
        // Failed to bind parameter "int? pageSize" from "abc".
        var match = BindFailure().Match(bad.Message);
        if (match.Success)
        {
            var field = match.Groups["name"].Value;
            return WithErrors(400, ApiText.TitleInvalidFields, ApiText.WrongType(field),
                new Dictionary<string, string[]> { [field] = [ApiText.NotExpected(Shorten(match.Groups["value"].Value), Expected(match.Groups["type"].Value))] });
        }
        return bad.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? Plain(413, ApiText.TitleTooLarge, ApiText.BodyTooLarge)
            : Plain(400, ApiText.TitleBadRequest, ApiText.BodyUnreadable);
    }

    private static string Expected(string typeName) => typeName.ToLowerInvariant() switch
    {
        var t when t.Contains("int", StringComparison.Ordinal) || t.Contains("long", StringComparison.Ordinal) => ApiText.ExpectWholeNumber,
        var t when t.Contains("bool", StringComparison.Ordinal) => ApiText.ExpectBoolean,
        var t when t.Contains("double", StringComparison.Ordinal) || t.Contains("decimal", StringComparison.Ordinal) => ApiText.ExpectNumber,
        var t when t.Contains("date", StringComparison.Ordinal) => ApiText.ExpectDate,
        _ => ApiText.ExpectValidValue,
    };

    private static Dictionary<string, string[]> Keyed(IReadOnlyDictionary<string, string[]> errors) =>
        errors.ToDictionary(e => e.Key.Length == 0 ? ApiProblems.BodyField : e.Key, e => e.Value, StringComparer.Ordinal);

    private static ProblemDetails Plain(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    private static HttpValidationProblemDetails WithErrors(int status, string title, string detail, IReadOnlyDictionary<string, string[]> errors) =>
        new(errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal)) { Status = status, Title = title, Detail = detail };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    [GeneratedRegex(@"parameter ""(?<type>[^""]*?)\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)"" from ""(?<value>[^""]*)""")]
    private static partial Regex BindFailure();
}
