using CivicContracting.Places;

namespace CivicContracting.Silo.Demo;

/// <summary>
/// The geometry of the demo's oil stain. A neighbourhood's distance from Kessel-Lo is the distance of its label
/// point from the nearest label point of a Kessel-Lo neighbourhood (0 inside Kessel-Lo). New engagement lands in
/// a neighbourhood with a weight exp(−distance / reach), and the reach grows with every commitment the simulator
/// adds, so engagement starts in Kessel-Lo and spreads outward.
/// </summary>
public static class OilStain
{
    public const string KesselLoDistrictCode = "24062C";

    /// <summary>Reach of the first simulated commitment: practically only Kessel-Lo.</summary>
    public const double InitialReachKm = 0.1;

    /// <summary>How much the reach grows per simulated commitment.</summary>
    public const double ReachGrowthKmPerCommitment = 0.006;

    /// <summary>The reach stops growing here: every neighbourhood of Leuven gets a fair share.</summary>
    public const double MaxReachKm = 5.0;

    private static readonly Lazy<IReadOnlyList<(Place Place, double DistanceKm)>> Distances = new(ComputeDistances);

    /// <summary>Every neighbourhood with its distance from Kessel-Lo, nearest first (ties by code).</summary>
    public static IReadOnlyList<(Place Place, double DistanceKm)> NeighbourhoodsByDistance => Distances.Value;

    public static bool IsInKesselLo(string neighbourhoodCode) =>
        PlaceCatalog.Leuven.TryGet(neighbourhoodCode, out var place) && place.ParentCode == KesselLoDistrictCode;

    public static double DistanceFromKesselLoKm(string neighbourhoodCode) =>
        Distances.Value.First(d => string.Equals(d.Place.Code, neighbourhoodCode, StringComparison.OrdinalIgnoreCase)).DistanceKm;

    /// <summary>The reach after <paramref name="simulatedCommitments"/> simulated commitments.</summary>
    public static double ReachKm(int simulatedCommitments) =>
        Math.Min(MaxReachKm, InitialReachKm + (ReachGrowthKmPerCommitment * Math.Max(0, simulatedCommitments)));

    /// <summary>Picks a neighbourhood with probability proportional to exp(−distance / reach).</summary>
    public static Place PickNeighbourhood(Random random, double reachKm)
    {
        var candidates = Distances.Value;
        var weights = new double[candidates.Count];
        var total = 0.0;
        for (var i = 0; i < candidates.Count; i++)
        {
            weights[i] = Math.Exp(-candidates[i].DistanceKm / Math.Max(reachKm, 1e-6));
            total += weights[i];
        }
        var draw = random.NextDouble() * total;
        for (var i = 0; i < candidates.Count; i++)
        {
            draw -= weights[i];
            if (draw < 0)
                return candidates[i].Place;
        }
        return candidates[^1].Place;
    }

    /// <summary>Distance in kilometres between two label points (equirectangular: plenty for a city).</summary>
    public static double DistanceKm(Place a, Place b)
    {
        var meanLatitude = (a.LabelLatitude + b.LabelLatitude) / 2 * Math.PI / 180;
        var dx = (a.LabelLongitude - b.LabelLongitude) * 111.32 * Math.Cos(meanLatitude);
        var dy = (a.LabelLatitude - b.LabelLatitude) * 110.57;
        return Math.Sqrt((dx * dx) + (dy * dy));
    }

    private static IReadOnlyList<(Place Place, double DistanceKm)> ComputeDistances()
    {
        var neighbourhoods = PlaceCatalog.Leuven.Neighbourhoods.ToList();
        var kesselLo = neighbourhoods.Where(p => p.ParentCode == KesselLoDistrictCode).ToList();
        if (kesselLo.Count == 0)
            throw new InvalidOperationException("The reference geography has no Kessel-Lo neighbourhoods.");
        return neighbourhoods
            .Select(p => (Place: p, DistanceKm: p.ParentCode == KesselLoDistrictCode ? 0.0 : kesselLo.Min(k => DistanceKm(p, k))))
            .OrderBy(d => d.DistanceKm)
            .ThenBy(d => d.Place.Code, StringComparer.Ordinal)
            .ToList();
    }
}
