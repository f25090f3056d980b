using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Problems;

/// <summary>
/// A request the API refuses, with the HTTP status and the problem+json (RFC 9457) to answer. Thrown by
/// endpoints and the body reader; <see cref="ApiExceptionHandler"/> writes it. Endpoints throw it before any
/// grain call that would store something, so a refused request changes nothing.
/// </summary>
public sealed class ApiProblemException : Exception
{
    public ApiProblemException(int status, string title, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(detail)
    {
        Status = status;
        Title = title;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    public ApiProblemException()
        : this(StatusCodes.Status400BadRequest, "Bad request", "The request was refused.")
    {
    }

    public ApiProblemException(string message)
        : this(StatusCodes.Status400BadRequest, "Bad request", message)
    {
    }

    public ApiProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = StatusCodes.Status400BadRequest;
        Title = "Bad request";
        Errors = new Dictionary<string, string[]>();
    }

    public int Status { get; }

    public string Title { get; }

    /// <summary>For 429 and 503: when to try again, sent as <c>Retry-After</c> (whole seconds, rounded up).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Messages per field, keyed by the field's JSON path in the request ("terms.target.target"); "$" is the body as a whole.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>A 429 of a spent write budget: which one (the site's pages name it in Dutch).</summary>
    public CivicContracting.Accounts.BudgetedWrite? Write { get; init; }
}

/// <summary>The problems the API answers with, named by what went wrong.</summary>
public static class ApiProblems
{
    public const string BodyField = "$";

    public static ApiProblemException Invalid(IReadOnlyDictionary<string, string[]> errors, string? detail = null)
    {
        var keyed = errors.ToDictionary(e => e.Key.Length == 0 ? BodyField : e.Key, e => e.Value, StringComparer.Ordinal);
        return new(StatusCodes.Status400BadRequest, ApiText.TitleInvalidFields, detail ?? DescribeFields(keyed), keyed);
    }

    public static ApiProblemException Invalid(string field, string message, string? detail = null) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] }, detail);

    public static ApiProblemException NotFound(string what, string id) =>
        new(StatusCodes.Status404NotFound, ApiText.TitleNotFound, ApiText.NotFound(ApiText.Noun(what), Shorten(id)));

    /// <summary>429: too many attempts; <c>Retry-After</c> says when the next one is welcome.</summary>
    public static ApiProblemException TooManyAttempts(TimeSpan retryAfter, string detail) =>
        new(StatusCodes.Status429TooManyRequests, ApiText.TitleTooManyRequests, detail) { RetryAfter = retryAfter };

    public static ApiProblemException Conflict(string detail) =>
        new(StatusCodes.Status409Conflict, ApiText.TitleConflict, detail);

    public static ApiProblemException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, ApiText.TitleTooLarge, ApiText.TooLargeDetail(limit),
            new Dictionary<string, string[]> { [BodyField] = [ApiText.AtMostBytes(limit)] });

    /// <summary>A one-line summary naming each field, e.g. "Check terms.target.target: Must differ from the baseline".</summary>
    public static string DescribeFields(IReadOnlyDictionary<string, string[]> errors) =>
        errors.Count == 0
            ? ApiText.RequestRefused
            : ApiText.CheckFields(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value).TrimEnd('.')}")));

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
