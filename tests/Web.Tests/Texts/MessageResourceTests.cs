using System.Globalization;
using System.Reflection;
using System.Resources;
using System.Text.RegularExpressions;
using CivicContracting.Validation;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Tests.Texts;

/// <summary>
/// The messages of the input rules (<see cref="RuleText"/>) and of the API (<see cref="ApiText"/>) exist in English
/// (neutral), Dutch and French with the same keys and the same placeholders, every key has its accessor and every
/// accessor its key, and every message formats in every language.
/// </summary>
public sealed partial class MessageResourceTests
{
    private static readonly CultureInfo[] Translations = [CultureInfo.GetCultureInfo("nl"), CultureInfo.GetCultureInfo("fr")];

    public static TheoryData<string> Texts => new() { nameof(RuleText), nameof(ApiText) };

    private static (ResourceManager Resources, Type Accessor) Of(string name) => name switch
    {
        nameof(RuleText) => (RuleText.Resources, typeof(RuleText)),
        _ => (ApiText.Resources, typeof(ApiText)),
    };

    private static Dictionary<string, string> Entries(ResourceManager resources, CultureInfo culture) =>
        (resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)
            ?? throw new InvalidOperationException($"No {culture.Name} resources for {resources.BaseName}"))
        .Cast<System.Collections.DictionaryEntry>()
        .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Texts))]
    public void Every_message_exists_in_dutch_and_french_with_the_same_placeholders(string text)
    {
        var (resources, _) = Of(text);
        var neutral = Entries(resources, CultureInfo.InvariantCulture);
        Assert.NotEmpty(neutral);
        foreach (var culture in Translations)
        {
            var translated = Entries(resources, culture);
            Assert.Equal(neutral.Keys.Order(StringComparer.Ordinal), translated.Keys.Order(StringComparer.Ordinal));
            foreach (var (key, english) in neutral)
            {
                Assert.False(string.IsNullOrWhiteSpace(translated[key]), $"{culture.Name} {key} is empty");
                Assert.True(Placeholders(english).SetEquals(Placeholders(translated[key])),
                    $"{culture.Name} {key}: placeholders of '{translated[key]}' differ from '{english}'");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Every_message_has_its_accessor_and_formats_in_every_language(string text)
    {
        var (resources, accessor) = Of(text);
        var keys = Entries(resources, CultureInfo.InvariantCulture).Keys.ToHashSet(StringComparer.Ordinal);
        var members = accessor.GetMembers(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m is PropertyInfo { PropertyType.Name: nameof(String) } || m is MethodInfo { ReturnType.Name: nameof(String), IsSpecialName: false })
            .Where(m => keys.Contains(m.Name))
            .ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), members.Select(m => m.Name).Order(StringComparer.Ordinal));

        foreach (var culture in new[] { CultureInfo.GetCultureInfo("nl-BE"), CultureInfo.GetCultureInfo("fr-BE"), CultureInfo.GetCultureInfo("en-BE") })
        {
            var (ui, numbers) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
            CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = culture;
            try
            {
                foreach (var member in members)
                {
                    var message = member is PropertyInfo property
                        ? (string)property.GetValue(null)!
                        : (string)((MethodInfo)member).Invoke(null, [.. ((MethodInfo)member).GetParameters().Select(p => Sample(p.ParameterType))])!;
                    Assert.False(string.IsNullOrWhiteSpace(message), $"{culture.Name} {member.Name}");
                    if (member is MethodInfo)
                        Assert.DoesNotMatch(Placeholder(), message); // every placeholder was filled
                }
            }
            finally
            {
                (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, numbers);
            }
        }
    }

    [Fact]
    public void The_dutch_and_french_texts_are_looked_up_in_the_current_ui_culture()
    {
        var ui = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("nl-BE");
            Assert.Equal("Mag hoogstens 120 tekens bevatten (nu 121).", RuleText.AtMostCharacters(120, 121));
            Assert.Equal("Het verzoek bevat ongeldige velden", ApiText.TitleInvalidFields);
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("fr-BE");
            Assert.Equal("Maximum 120 caractères (actuellement 121).", RuleText.AtMostCharacters(120, 121));
            CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
            Assert.Equal("At most 120 characters (got 121).", RuleText.AtMostCharacters(120, 121));
        }
        finally
        {
            CultureInfo.CurrentUICulture = ui;
        }
    }

    private static object Sample(Type type) =>
        type == typeof(int) ? 7 : type == typeof(long) ? 1_048_576L : type == typeof(double) ? 1000.5 : "x";

    private static HashSet<string> Placeholders(string text) =>
        Placeholder().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    // {0}, {1:N0}: composite-format items (a literal "{id}" in a text without arguments is not one).
    [GeneratedRegex(@"\{\d+(?::[^}]*)?\}")]
    private static partial Regex Placeholder();
}
