using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Json;

namespace CivicContracting.Web;

/// <summary>
/// The example of each JSON request body in the OpenAPI document (<see cref="OpenApiSetup"/>): a hand-written instance of
/// the body's type where one is listed in <see cref="Written"/> (written with the API's own JSON options, so it is always
/// of the right shape), otherwise one built from the type: its required members (constructor parameters without a
/// default, and those whose default is not null) with values typical of their name and type. An endpoint author may add
/// an instance of a new body type to <see cref="Written"/>; tests/Web.Tests/ApiLint checks every example reads back as
/// its type.
/// </summary>
public static class RequestExamples
{
    private const int MaxDepth = 5;

    private static readonly IReadOnlyDictionary<Type, object> Written = new Dictionary<Type, object>
    {
        [typeof(SignInRequest)] = new SignInRequest("an.peeters@example.org", "a long passphrase of yours"),
        [typeof(AccessTokenCreation)] = new AccessTokenCreation("School dashboard", ["commitments:write"], 90),
        [typeof(Commitments.ProgressRequest)] = new Commitments.ProgressRequest(
            ReportId: "2026-w09", ReportedAt: new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.FromHours(1)), Value: 42,
            Note: "Week 9: 42 of our 80 pupils came by bike.", Language: "en"),
    };

    /// <summary>The example body of <paramref name="type"/>, as JSON.</summary>
    public static JsonNode? For(Type type) =>
        Written.TryGetValue(type, out var written)
            ? JsonSerializer.SerializeToNode(written, type, ApiJson.Options)
            : Synthesize(type, null, 0);

    /// <summary>An example of a raw (non-JSON) body: a CSV of progress values; none for files.</summary>
    public static JsonNode? ForContentType(string contentType) => contentType switch
    {
        "text/csv" => JsonValue.Create("commitmentId,value,reportedAt,note\ncmt-fietsschool,42,2026-03-01T09:00:00+01:00,Week 9: 42 pupils by bike\n"),
        _ => null,
    };

    private static JsonNode? Synthesize(Type type, string? name, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
            return JsonValue.Create(TextFor(name));
        if (type == typeof(bool))
            return JsonValue.Create(false);
        if (type == typeof(int) || type == typeof(long) || type == typeof(short))
            return JsonValue.Create(1);
        if (type == typeof(double) || type == typeof(decimal) || type == typeof(float))
            return JsonValue.Create(42.5);
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
            return JsonValue.Create("2026-03-01T09:00:00+01:00");
        if (type == typeof(DateOnly))
            return JsonValue.Create("2026-03-01");
        if (type == typeof(TimeSpan))
            return JsonValue.Create("30.00:00:00");
        if (type == typeof(Guid))
            return JsonValue.Create("3f2504e0-4f89-41d3-9a0c-0305e82c3301");
        if (type == typeof(Uri))
            return JsonValue.Create("https://example.org/");
        if (type.IsEnum)
            return JsonValue.Create(ApiJson.CamelCase(Enum.GetNames(type)[0]));
        if (depth >= MaxDepth)
            return null;
        if (DictionaryValueType(type) is { } valueType)
            return new JsonObject { ["nl"] = Synthesize(valueType, name, depth + 1) };
        if (ElementType(type) is { } elementType)
            return new JsonArray(Synthesize(elementType, name is null ? null : Singular(name), depth + 1));

        JsonTypeInfo info;
        try
        {
            info = ApiJson.Options.GetTypeInfo(type);
        }
        catch (NotSupportedException)
        {
            return null;
        }
        if (info.Kind != JsonTypeInfoKind.Object)
            return null;
        var result = new JsonObject();
        // The members a body needs; when it needs none (everything optional), all of them, to show what it may hold.
        var all = info.Properties.All(p => p.AssociatedParameter is { HasDefaultValue: true, DefaultValue: null } || p.Get is null);
        foreach (var property in info.Properties)
        {
            if (property.Get is null || (!all && property.AssociatedParameter is { HasDefaultValue: true, DefaultValue: null }))
                continue;
            if (property.AssociatedParameter is null && property.Set is null)
                continue;
            result[property.Name] = property.AssociatedParameter is { HasDefaultValue: true, DefaultValue: { } value }
                ? JsonSerializer.SerializeToNode(value, property.PropertyType, ApiJson.Options)
                : Synthesize(property.PropertyType, property.Name, depth + 1);
        }
        return result;
    }

    private static string TextFor(string? name)
    {
        var n = (name ?? "").ToLowerInvariant();
        return n switch
        {
            _ when n.Contains("email", StringComparison.Ordinal) || n == "loginname" => "an.peeters@example.org",
            _ when n.Contains("password", StringComparison.Ordinal) => "a long passphrase of yours",
            _ when n.Contains("language", StringComparison.Ordinal) => "nl",
            _ when n.Contains("neighbourhood", StringComparison.Ordinal) || n is "code" or "placecode" => "wilsele",
            _ when n.Contains("url", StringComparison.Ordinal) => "https://example.org/",
            _ when n.Contains("hash", StringComparison.Ordinal) => "sha256:4f1c2a…",
            _ when n.EndsWith("goalid", StringComparison.Ordinal) => "goal-fietsstad",
            _ when n.EndsWith("participantid", StringComparison.Ordinal) => "part-sint-jozefschool",
            _ when n.EndsWith("commitmentid", StringComparison.Ordinal) => "cmt-fietsschool",
            _ when n.EndsWith("id", StringComparison.Ordinal) => "example-id",
            _ when n.Contains("title", StringComparison.Ordinal) => "Half of our pupils come to school by bike",
            _ when n.Contains("name", StringComparison.Ordinal) => "Sint-Jozefschool",
            _ when n.Contains("scope", StringComparison.Ordinal) => "commitments:write",
            _ when n.Contains("role", StringComparison.Ordinal) => "coach",
            _ => "Text in the language of the request",
        };
    }

    private static string Singular(string name) => name.EndsWith('s') ? name[..^1] : name;

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
            return type.GetElementType();
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));
        return dictionary?.GetGenericArguments()[1];
    }
}
