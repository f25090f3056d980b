using System.Globalization;

namespace CivicContracting.Web.Texts;

/// <summary>How a typed or imported number reads.</summary>
public enum DecimalReading
{
    Number = 0,

    /// <summary>Not a number at all.</summary>
    Invalid = 1,

    /// <summary>Looks like a number with thousands separators or both a point and a comma ("1.234,5", "1,234,5"): refused rather than guessed.</summary>
    Ambiguous = 2,
}

/// <summary>
/// Numbers as people type them in Dutch, French and English, in forms and in CSV files (Belgian spreadsheets write
/// "49,5"): one decimal separator, a point or a comma, whatever the language; an optional sign; no thousands separators
/// (a point in "1.000" would be a thousands separator in nl-BE and a decimal point in en, so none is guessed). The JSON API
/// takes JSON numbers and does not use this.
/// </summary>
public static class DecimalInput
{
    public static DecimalReading Read(string? text, out double value)
    {
        value = double.NaN;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
            return DecimalReading.Invalid;
        var commas = trimmed.Count(c => c == ',');
        var points = trimmed.Count(c => c == '.');
        if (commas + points > 1)
            return LooksNumeric(trimmed) ? DecimalReading.Ambiguous : DecimalReading.Invalid;
        var invariant = commas == 1 ? trimmed.Replace(',', '.') : trimmed;
        return double.TryParse(invariant, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value)
            ? DecimalReading.Number
            : DecimalReading.Invalid;
    }

    /// <summary>The number, or null when <paramref name="text"/> is not one (ambiguous or invalid).</summary>
    public static double? Parse(string? text) => Read(text, out var value) == DecimalReading.Number ? value : null;

    private static bool LooksNumeric(string text) =>
        text.TrimStart('+', '-').All(c => char.IsAsciiDigit(c) || c is '.' or ',') && text.Any(char.IsAsciiDigit);
}
