using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using CivicContracting.Validation;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using CivicContracting.Web.Texts;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Json;

/// <summary>
/// Reads a request body as <typeparamref name="T"/> under the API's rules, or throws an
/// <see cref="ApiProblemException"/> that names what is wrong: the content type, the size, the JSON syntax
/// (with line and position) or the field whose value has the wrong shape (by its JSON path).
/// </summary>
public static partial class JsonBody
{
    public static async Task<T> ReadAsync<T>(HttpContext context)
        where T : class
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, ApiText.TitleUnsupportedContentType,
                ApiText.JsonContentTypeDetail(request.ContentType ?? ApiText.ContentTypeNone),
                new Dictionary<string, string[]> { ["Content-Type"] = [ApiText.MustBeJsonContentType] });
        }

        var limit = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBodyBytes;
        var body = await ReadBytesAsync(request, limit, context.RequestAborted);
        if (body.Length == 0)
            throw ApiProblems.Invalid(ApiProblems.BodyField, ApiText.JsonBodyRequired, ApiText.JsonBodyMissingDetail);

        CheckSyntax(body);

        var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            return JsonSerializer.Deserialize<T>(body, options)
                ?? throw ApiProblems.Invalid(ApiProblems.BodyField, ApiText.JsonNull);
        }
        catch (JsonException exception)
        {
            throw ApiProblems.Invalid(Describe(exception, typeof(T), options));
        }
    }

    private static async Task<byte[]> ReadBytesAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
            throw ApiProblems.TooLarge(limit);
        using var buffer = new MemoryStream(request.ContentLength is > 0 and var length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                throw ApiProblems.TooLarge(limit);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Malformed JSON is reported as such, before any attempt to read it as a request; so is a string value that is not
    /// clean text (<see cref="InputRules.IsCleanText"/>: control characters, bidi overrides), naming its field, whichever
    /// field it is. Line breaks and tabs pass here; the rules of single-line fields refuse them.
    /// </summary>
    private static void CheckSyntax(byte[] body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 32 });
        var path = new JsonPathTracker();
        try
        {
            while (reader.Read())
            {
                path.Advance(ref reader);
                if (reader.TokenType == JsonTokenType.String && !InputRules.IsCleanText(TextOf(ref reader, path)))
                    throw ApiProblems.Invalid(path.Current, InputRules.UncleanTextMessage);
            }
        }
        catch (JsonException exception)
        {
            var message = exception.LineNumber is { } line
                ? ApiText.MalformedJsonAt(line + 1, (exception.BytePositionInLine ?? 0) + 1, StripPosition(exception.Message))
                : ApiText.MalformedJson(StripPosition(exception.Message));
            throw ApiProblems.Invalid(ApiProblems.BodyField, message, message);
        }
    }

    /// <summary>The string at the reader; a string that is not valid UTF-8 is refused naming its field (the reader throws no JsonException for it).</summary>
    private static string TextOf(ref Utf8JsonReader reader, JsonPathTracker path)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw ApiProblems.Invalid(path.Current, ApiText.NotUtf8);
        }
    }

    /// <summary>The field path of the reader's current token, as the API names fields ("terms.milestones[0].title"; "$" for the body).</summary>
    private sealed class JsonPathTracker
    {
        private readonly List<Frame> _frames = [];

        public string Current
        {
            get
            {
                var path = new System.Text.StringBuilder();
                foreach (var (isArray, index, name) in _frames)
                {
                    if (isArray && index >= 0)
                        path.Append('[').Append(index).Append(']');
                    else if (!isArray && name is not null)
                        path.Append(path.Length == 0 ? "" : ".").Append(name);
                }
                return path.Length == 0 ? ApiProblems.BodyField : path.ToString();
            }
        }

        public void Advance(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    _frames[^1] = _frames[^1] with { Name = NameOf(ref reader) };
                    return;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    _frames.RemoveAt(_frames.Count - 1);
                    return;
            }
            // A value, or the start of one: the next element when it sits in an array.
            if (_frames.Count > 0 && _frames[^1].IsArray)
                _frames[^1] = _frames[^1] with { Index = _frames[^1].Index + 1 };
            if (reader.TokenType == JsonTokenType.StartObject)
                _frames.Add(new Frame(false, -1, null));
            else if (reader.TokenType == JsonTokenType.StartArray)
                _frames.Add(new Frame(true, -1, null));
        }

        private string NameOf(ref Utf8JsonReader reader)
        {
            try
            {
                return reader.GetString()!;
            }
            catch (InvalidOperationException)
            {
                throw ApiProblems.Invalid(Current, ApiText.FieldNameNotUtf8);
            }
        }

        private readonly record struct Frame(bool IsArray, int Index, string? Name);
    }

    /// <summary>The errors of a body that is valid JSON but not a valid request, keyed by field path.</summary>
    internal static Dictionary<string, string[]> Describe(JsonException exception, Type root, JsonSerializerOptions options)
    {
        var field = FieldPath(exception.Path);
        var missing = MissingRequired().Match(exception.Message);
        if (missing.Success)
        {
            return Quoted().Matches(missing.Groups["names"].Value)
                .Select(m => field == ApiProblems.BodyField ? m.Groups[1].Value : $"{field}.{m.Groups[1].Value}")
                .Distinct(StringComparer.Ordinal)
                .ToDictionary(name => name, _ => new[] { RuleText.Required }, StringComparer.Ordinal);
        }
        if (Unmapped().IsMatch(exception.Message))
            return new() { [field] = [ApiText.NotAField] };
        if (exception.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)
            || exception.Message.StartsWith("The JSON property", StringComparison.Ordinal))
        {
            var expected = ExpectedTypeAt(options, root, exception.Path);
            return new() { [field] = [expected is null ? ApiText.NotValidHere : ApiText.NotValidExpected(Describe(expected))] };
        }
        // Our converters (enums, finite numbers) write messages meant for people.
        return new() { [field] = [StripPosition(exception.Message)] };
    }

    /// <summary>"$.terms.target.baseline" → "terms.target.baseline"; "$" → "$".</summary>
    internal static string FieldPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
            return ApiProblems.BodyField;
        return jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
    }

    private static Type? ExpectedTypeAt(JsonSerializerOptions options, Type root, string? path)
    {
        try
        {
            var type = root;
            foreach (Match segment in PathSegment().Matches(path ?? ""))
            {
                var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
                if (segment.Groups["index"].Success)
                {
                    type = info.ElementType ?? (info.Kind == JsonTypeInfoKind.Enumerable ? typeof(object) : null);
                }
                else
                {
                    var name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value;
                    type = info.Kind == JsonTypeInfoKind.Dictionary
                        ? info.ElementType
                        : info.Properties.FirstOrDefault(p => p.Name == name)?.PropertyType;
                }
                if (type is null)
                    return null;
            }
            return type;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
            return ApiText.ExpectOneOf(string.Join(", ", Enum.GetNames(type).Select(ApiJson.CamelCase)));
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
            return ApiText.ExpectFiniteNumber;
        if (type == typeof(int) || type == typeof(long))
            return ApiText.ExpectWholeNumber;
        if (type == typeof(string))
            return ApiText.ExpectString;
        if (type == typeof(bool))
            return ApiText.ExpectBoolean;
        if (type == typeof(DateOnly))
            return ApiText.ExpectDateExample;
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
            return ApiText.ExpectDateTimeExample;
        if (typeof(IEnumerable).IsAssignableFrom(type))
            return ApiText.ExpectArray;
        return ApiText.ExpectObject;
    }

    private static string StripPosition(string message)
    {
        foreach (var marker in new[] { " Path: ", " LineNumber: " })
        {
            var at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
                message = message[..at];
        }
        return message;
    }

    [GeneratedRegex("missing required properties including: (?<names>.*)$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex Quoted();

    [GeneratedRegex("^The JSON property '.*' could not be mapped")]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\[(?<index>\d+)\]|\['(?<quoted>[^']*)'\]")]
    private static partial Regex PathSegment();
}

/// <summary>
/// Documents the JSON body an endpoint reads with <see cref="JsonBody.ReadAsync{T}"/>. Unlike <c>Accepts&lt;T&gt;()</c>
/// it does not make routing answer 415 to another content type: the body reader answers 400 naming Content-Type.
/// </summary>
/// <c>Optional</c>: the endpoint also takes no body at all (e.g. a nudge without a message).
public sealed record JsonRequestBody(Type Type, bool Optional = false);

public static class JsonRequestBodyExtensions
{
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder) => builder.WithMetadata(new JsonRequestBody(typeof(T)));

    /// <summary>A JSON body of <typeparamref name="T"/> that may also be left out (documented as not required).</summary>
    public static RouteHandlerBuilder AcceptsOptionalJson<T>(this RouteHandlerBuilder builder) => builder.WithMetadata(new JsonRequestBody(typeof(T), Optional: true));

    /// <summary>
    /// The common shape of a write: a signed-in caller (what it may do for whom is checked by the endpoint), a JSON body of
    /// <typeparamref name="T"/>, 400, 401 and 403 problems.
    /// </summary>
    public static RouteHandlerBuilder AcceptsWriteJson<T>(this RouteHandlerBuilder builder) => builder
        .RequireSignedIn()
        .AcceptsJson<T>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}
