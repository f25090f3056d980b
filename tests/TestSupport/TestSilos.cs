using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CivicContracting.Tests.Support;

/// <summary>
/// The grains as every in-process test cluster hosts them (tests/Grains.Tests, tests/Silo.Tests): the grains and their
/// durable reporting schedule, aggregation in short intervals so that pushed figures arrive within a test's patience,
/// and Leuven's population for the per-1,000-residents figures. A fixture adds only what makes it different (its storage,
/// its clock, its options).
/// </summary>
public static class TestSilos
{
    /// <summary>Leuven's population as the tests configure it (the city's place code 24062).</summary>
    public const int LeuvenPopulation = 102_275;

    /// <param name="silo">The silo being configured.</param>
    /// <param name="clock">The time the grains read; null keeps the system clock.</param>
    /// <param name="memoryStorage">Whether to register memory storage under the grains' storage name (false when the fixture brings its own).</param>
    public static ISiloBuilder AddCivicContractingForTests(this ISiloBuilder silo, TimeProvider? clock = null, bool memoryStorage = true)
    {
        if (memoryStorage)
            silo.AddBinaryMemoryGrainStorage(GrainStorage.Name);
        silo.Services.AddCivicContractingGrains();
        // Reporting reminders: the durable reporting schedule and its sweeper (no Orleans reminder service needed).
        silo.Services.AddCommitmentCoaching();
        if (clock is not null)
        {
            silo.Services.RemoveAll<TimeProvider>();
            silo.Services.AddSingleton(clock);
        }
        silo.Services.Configure<AggregationOptions>(o =>
        {
            o.PublishInterval = TimeSpan.FromMilliseconds(50);
            o.AggregatePersistInterval = TimeSpan.FromMilliseconds(200);
        });
        silo.Services.Configure<PlaceOptions>(o => o.Population["24062"] = LeuvenPopulation);
        return silo;
    }
}
