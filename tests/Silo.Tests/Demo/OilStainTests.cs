using CivicContracting.Places;
using CivicContracting.Silo.Demo;

namespace CivicContracting.Silo.Tests.Demo;

public sealed class OilStainTests
{
    [Fact]
    public void Kessel_Lo_neighbourhoods_are_at_distance_zero_and_all_others_further_away()
    {
        var distances = OilStain.NeighbourhoodsByDistance;

        Assert.Equal(24, distances.Count);
        Assert.Equal(6, distances.Count(d => d.DistanceKm == 0));
        Assert.All(distances, d => Assert.Equal(d.Place.ParentCode == OilStain.KesselLoDistrictCode, d.DistanceKm == 0));
        Assert.True(OilStain.DistanceFromKesselLoKm("24062W22") > OilStain.DistanceFromKesselLoKm("24062W15"), "Wijgmaal lies further out than Maria Theresia");
    }

    [Fact]
    public void A_small_reach_stays_in_Kessel_Lo_and_a_grown_reach_covers_the_city()
    {
        var random = new Random(1);
        var early = Enumerable.Range(0, 500).Select(_ => OilStain.PickNeighbourhood(random, OilStain.ReachKm(0))).ToList();
        var late = Enumerable.Range(0, 5_000).Select(_ => OilStain.PickNeighbourhood(random, OilStain.ReachKm(10_000))).ToList();

        Assert.All(early, p => Assert.Equal(OilStain.KesselLoDistrictCode, p.ParentCode));
        Assert.Equal(24, late.Select(p => p.Code).Distinct().Count());
        Assert.True(late.Count(p => p.ParentCode == OilStain.KesselLoDistrictCode) > late.Count / 5, "Kessel-Lo stays the centre of the stain");
    }

    [Fact]
    public void The_reach_grows_with_every_commitment_up_to_a_maximum()
    {
        Assert.True(OilStain.ReachKm(0) < OilStain.ReachKm(100));
        Assert.True(OilStain.ReachKm(100) < OilStain.ReachKm(500));
        Assert.Equal(OilStain.MaxReachKm, OilStain.ReachKm(1_000_000));
        Assert.All(PlaceCatalog.Leuven.Neighbourhoods, p => Assert.True(OilStain.DistanceFromKesselLoKm(p.Code) < OilStain.MaxReachKm));
    }
}
