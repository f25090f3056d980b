using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CivicContracting.Validation;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Json;

/// <summary>
/// The one JSON dialect of the API: camelCase names, enums as camelCase strings (never numbers), numbers only
/// as finite JSON numbers, unknown fields rejected and required fields enforced, so that every mistake in a
/// request body can be reported against the field it concerns.
/// </summary>
public static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectRequiredConstructorParameters = true;
        options.Converters.Insert(0, new CamelCaseEnumConverterFactory());
        options.Converters.Insert(0, new FiniteDoubleConverter());
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(CheckDerivedProperties);
    }

    /// <summary>
    /// A derived, read-only property (e.g. a target's <c>direction</c>) may be sent, as clients echo what they read, but
    /// only with a valid value that agrees with what it derives from; otherwise it would be silently ignored.
    /// </summary>
    private static void CheckDerivedProperties(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
            return;
        foreach (var property in info.Properties)
        {
            if (property.Set is not null || property.Get is not { } get || !property.PropertyType.IsEnum)
                continue;
            var name = property.Name;
            property.Set = (target, value) =>
            {
                var derived = get(target);
                if (!Equals(derived, value))
                    throw new JsonException(ApiText.DerivedField(name, CamelCase(derived?.ToString() ?? "")));
            };
        }
    }

    public static string CamelCase(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    /// <summary>The API's dialect as options of their own, for JSON the site writes and reads back (e.g. terms carried through a form).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>Enums as camelCase strings ("knowledgeInstitution"); an unknown name is an error that lists the valid ones.</summary>
public sealed class CamelCaseEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(CamelCaseEnumConverter<>).MakeGenericType(typeToConvert))!;
}

public sealed class CamelCaseEnumConverter<T> : JsonConverter<T>
    where T : struct, Enum
{
    private static readonly FrozenDictionary<T, string> Names =
        Enum.GetValues<T>().Distinct().ToFrozenDictionary(v => v, v => ApiJson.CamelCase(v.ToString()));

    private static readonly FrozenDictionary<string, T> Values =
        Names.ToFrozenDictionary(n => n.Value, n => n.Key, StringComparer.OrdinalIgnoreCase);

    private static readonly string ValidNames = string.Join(", ", EnumNames.Of<T>());


    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException(ApiText.ExpectedEnumString(ValidNames));
        return Parse(reader.GetString()!);
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(NameOf(value));

    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WritePropertyName(NameOf(value));

    private static T Parse(string text) => Values.TryGetValue(text, out var value)
        ? value
        : throw new JsonException(RuleText.NotOneOf(Shorten(text), ValidNames));

    private static string NameOf(T value) => Names.TryGetValue(value, out var name) ? name : ApiJson.CamelCase(value.ToString());

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

/// <summary>
/// Doubles only as finite JSON numbers: "NaN", "Infinity", numbers in strings and numbers too large for a
/// double (which would otherwise become ±∞) are errors. Writes a non-finite value as null rather than failing.
/// </summary>
public sealed class FiniteDoubleConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number)
            throw new JsonException(ApiText.ExpectedFiniteNumber);
        if (!reader.TryGetDouble(out var value) || !double.IsFinite(value))
            throw new JsonException(ApiText.NumberOutOfRange);
        return value;
    }

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value))
            writer.WriteNumberValue(value);
        else
            writer.WriteNullValue();
    }
}

/// <summary>The API names of an enum's values (camelCase), in declaration order.</summary>
public static class EnumNames
{
    public static IReadOnlyList<string> Of<T>()
        where T : struct, Enum =>
        Enum.GetNames<T>().Select(ApiJson.CamelCase).ToArray();

    /// <summary>Parses an API name (any case); null when it names no value.</summary>
    public static T? Parse<T>(string text)
        where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
        {
            if (string.Equals(ApiJson.CamelCase(value.ToString()), text, StringComparison.OrdinalIgnoreCase))
                return value;
        }
        return null;
    }

    /// <summary>Parses an API name (any case; numbers are not names), or refuses the request naming <paramref name="field"/> and the values it takes.</summary>
    public static T Require<T>(string text, string field)
        where T : struct, Enum =>
        Parse<T>(text) ?? throw Problems.ApiProblems.Invalid(field, ApiText.OneOf(string.Join(", ", Of<T>())));
}
