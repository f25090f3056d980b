using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Silo.Demo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;

namespace CivicContracting.Silo.Tests.Demo;

/// <summary>
/// An in-process Orleans test cluster with the real grains, memory storage named "civic" and the demo services
/// registered (seeding and simulation switched off, so each test drives them itself).
/// </summary>
public class DemoClusterFixture : IAsyncLifetime
{
    public const int RandomSeed = 2030;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public static IOptions<DemoOptions> Options(int maxCommitments = 5_000) =>
        Microsoft.Extensions.Options.Options.Create(new DemoOptions { RandomSeed = RandomSeed, SimulationMaxCommitments = maxCommitments });

    public DemoSeeder NewSeeder() => new(Grains, Options(), TimeProvider.System, NullLogger<DemoSeeder>.Instance);

    public DemoSimulator NewSimulator(int maxCommitments = 5_000) =>
        new(Grains, Options(maxCommitments), TimeProvider.System, NullLogger<DemoSimulator>.Instance);

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Demo:Seed"] = "false", ["Demo:Simulate"] = "false" })
            .Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddCivicContractingForTests();
            silo.Services.AddCivicContractingDemo(configuration);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await OnDeployedAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    protected virtual Task OnDeployedAsync() => Task.CompletedTask;

    /// <summary>The snapshot of an aggregate once it has settled (see <see cref="AggregateProbe.SettledSnapshotAsync"/>).</summary>
    public Task<EngagementSnapshot> SettledSnapshotAsync(string scope, Func<EngagementSnapshot, bool>? until = null, TimeSpan? timeout = null) =>
        AggregateProbe.SettledSnapshotAsync(Grains, scope, until, timeout);
}

public static class AggregateProbe
{
    /// <summary>
    /// The snapshot of an aggregate once it has settled: aggregation is pushed asynchronously, so poll until its
    /// version has not moved for a while (and <paramref name="until"/> holds, if given).
    /// </summary>
    public static async Task<EngagementSnapshot> SettledSnapshotAsync(IGrainFactory grains, string scope, Func<EngagementSnapshot, bool>? until = null, TimeSpan? timeout = null)
    {
        var aggregate = grains.GetGrain<IEngagementAggregateGrain>(scope);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var quiet = TimeSpan.FromSeconds(1.5);
        var last = await aggregate.GetSnapshot();
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            var now = await aggregate.GetSnapshot();
            if (now.Version != last.Version)
            {
                last = now;
                since = DateTime.UtcNow;
                continue;
            }
            if (DateTime.UtcNow - since >= quiet && (until is null || until(now)))
                return now;
        }
        throw new TimeoutException($"The aggregate {scope} did not settle: last version {last.Version}, {last.Totals.Commitments} commitments.");
    }
}
