using System.Globalization;

namespace CivicContracting.Silo.Demo;

/// <summary>
/// Dates and numbers in the demo's Dutch texts (Belgian usage: "30 juni 2027", "2,5", "10.000"), spelled out here so
/// that the texts, and so the hashes of the commitments' texts, never depend on the host's culture data.
/// </summary>
public static class DutchFormat
{
    private static readonly string[] Months =
    [
        "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december",
    ];

    private static readonly Dictionary<string, string> Singulars = new(StringComparer.Ordinal)
    {
        ["bomen"] = "boom", ["percelen"] = "perceel", ["woningen"] = "woning", ["leden"] = "lid", ["bezoekers"] = "bezoeker",
        ["zitbanken"] = "zitbank", ["dagen"] = "dag", ["standplaatsen"] = "standplaats", ["oversteekplaatsen"] = "oversteekplaats",
        ["geveltuinen"] = "geveltuin",
    };

    /// <summary>The singular of a counted unit of the demo ("1 boom", not "1 bomen"); other units stay as they are.</summary>
    public static string Singular(string unit) => Singulars.GetValueOrDefault(unit, unit);

    /// <summary>A date as in "30 juni 2027".</summary>
    public static string Date(DateOnly date) => $"{date.Day} {Months[date.Month - 1]} {date.Year}";

    /// <summary>A number with a decimal comma and a full stop between thousands, at most two decimals: "10.000", "2,5".</summary>
    public static string Number(double value)
    {
        var invariant = value.ToString("#,0.##", CultureInfo.InvariantCulture);
        return string.Create(invariant.Length, invariant, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
                span[i] = source[i] switch { ',' => '.', '.' => ',', var c => c };
        });
    }
}
