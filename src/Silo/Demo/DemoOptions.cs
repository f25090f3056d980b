using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Silo.Demo;

/// <summary>Demo data: the Leuven seed and the live simulator (configuration section "Demo").</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Seed the Leuven demo data once the silo is active. Idempotent: a second run (or a restart on persisted data) creates nothing twice.</summary>
    public bool Seed { get; set; } = true;

    /// <summary>
    /// Keep reporting progress and adding commitments, spreading from Kessel-Lo outward (the oil stain), so live
    /// behaviour can be watched. In a cluster of several silos, switch it on for one of them.
    /// </summary>
    public bool Simulate { get; set; }

    /// <summary>Time between two simulator steps.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan SimulationInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The simulator stops adding commitments once it has added this many (it keeps reporting progress).</summary>
    [Range(0, 1_000_000)]
    public int SimulationMaxCommitments { get; set; } = 5_000;

    /// <summary>Seed of the pseudo-random generator: the same seed gives the same demo data.</summary>
    public int RandomSeed { get; set; } = 2030;
}
