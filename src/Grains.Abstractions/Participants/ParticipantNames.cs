using System.Globalization;
using System.Text;

namespace CivicContracting.Participants;

/// <summary>
/// When two public names are "the same" to a reader: "Stad Leuven", "stad  leuven.", "Stad Léuven" and "Stad Leuvеn"
/// (with a Cyrillic е) all look alike. <see cref="Skeleton"/> folds what a reader does not tell apart, cheaply: case,
/// accents, whitespace, punctuation and symbols, invisible characters, and the common confusable letters and digits.
/// </summary>
public static class ParticipantNames
{
    /// <summary>Longest skeleton kept (a grain key): longer names are compared on their first characters.</summary>
    public const int MaxSkeletonLength = 200;

    /// <summary>Letters and digits readers confuse with a Latin letter, mapped to it (after lower-casing).</summary>
    private static readonly Dictionary<char, char> Confusables = new()
    {
        // Cyrillic
        ['а'] = 'a', ['в'] = 'b', ['е'] = 'e', ['ё'] = 'e', ['к'] = 'k', ['м'] = 'm', ['н'] = 'h', ['о'] = 'o', ['р'] = 'p',
        ['с'] = 'c', ['т'] = 't', ['у'] = 'y', ['х'] = 'x', ['і'] = 'l', ['ї'] = 'l', ['ј'] = 'j', ['ѕ'] = 's', ['ԁ'] = 'd',
        ['ԛ'] = 'q', ['ԝ'] = 'w', ['һ'] = 'h', ['ӏ'] = 'l',
        // Greek
        ['α'] = 'a', ['β'] = 'b', ['ε'] = 'e', ['η'] = 'n', ['ι'] = 'l', ['κ'] = 'k', ['ν'] = 'v', ['ο'] = 'o', ['ρ'] = 'p',
        ['τ'] = 't', ['υ'] = 'u', ['χ'] = 'x', ['γ'] = 'y', ['μ'] = 'u',
        // Latin look-alikes: i, l, 1 and | read alike in many fonts, as do 0 and o, 5 and s
        ['i'] = 'l', ['ı'] = 'l', ['1'] = 'l', ['|'] = 'l', ['0'] = 'o', ['5'] = 's', ['ø'] = 'o', ['ł'] = 'l', ['đ'] = 'd',
        ['ß'] = 's',
    };

    /// <summary>
    /// The name folded to what a reader sees: NFKD, without combining marks, lower case, confusables mapped, and only
    /// letters and digits kept. Empty when nothing readable is left (such a name protects and imitates nothing).
    /// </summary>
    public static string Skeleton(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return "";
        var decomposed = name.Normalize(NormalizationForm.FormKD);
        var skeleton = new StringBuilder(decomposed.Length);
        foreach (var raw in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(raw) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
                continue;
            var c = char.ToLowerInvariant(raw);
            if (Confusables.TryGetValue(c, out var latin))
                c = latin;
            if (char.IsLetterOrDigit(c))
                skeleton.Append(c);
            if (skeleton.Length == MaxSkeletonLength)
                break;
        }
        return skeleton.ToString();
    }
}
