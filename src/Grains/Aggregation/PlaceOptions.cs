namespace CivicContracting.Aggregation;

/// <summary>
/// Figures about places that the reference geography does not carry (configuration section "Places").
/// Intensity (per 1,000 residents) is computed only where a population is configured.
/// </summary>
public sealed class PlaceOptions
{
    public const string SectionName = "Places";

    /// <summary>Residents per place code, e.g. "24062": 102275.</summary>
    public Dictionary<string, int> Population { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
