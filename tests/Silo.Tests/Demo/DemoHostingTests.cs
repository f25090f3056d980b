using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Silo.Demo;
using CivicContracting.Silo.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace CivicContracting.Silo.Tests.Demo;

/// <summary>The demo inside a real silo host, as the production hosts build it, with the embedded SQLite store.</summary>
public sealed class DemoHostingTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "civic-demo-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(_dataDirectory))
                Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    [Fact]
    public async Task The_seed_runs_in_the_background_once_the_silo_is_active_and_a_restart_on_the_same_data_changes_nothing()
    {
        Directory.CreateDirectory(_dataDirectory);
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Profile"] = "Sqlite",
            ["Storage:DataDirectory"] = _dataDirectory,
            ["Demo:Seed"] = "true",
            ["Demo:Simulate"] = "false",
        };

        string cityBefore;
        int reportsBefore;
        DateTimeOffset? signedBefore;
        using (var host = BuildHost(settings))
        {
            var started = Stopwatch.StartNew();
            await host.StartAsync();
            var startTime = started.Elapsed;
            var runner = host.Services.GetRequiredService<DemoRunner>();
            // The start does not wait for the seed: it runs in the background once the silo is active.
            Assert.False(runner.Seeded.IsCompleted, "the silo start waited for the whole seed");
            var seeded = await runner.Seeded.WaitAsync(TimeSpan.FromMinutes(3));
            output.WriteLine($"start {startTime.TotalSeconds:0.0} s; first seed: {seeded}");

            Assert.NotNull(seeded);
            Assert.Equal(0, seeded.Failures);
            Assert.Equal(LeuvenDemoPlan.CommitmentCount, seeded.CommitmentsCreated);
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var city = await AggregateProbe.SettledSnapshotAsync(grains, AggregateScope.Place("24062"), s => s.Totals.Commitments == LeuvenDemoPlan.CommitmentCount);
            cityBefore = DemoWorld.Fingerprint(city);
            var school = (await grains.GetGrain<ICommitmentGrain>(LeuvenDemoPlan.SchoolResultCommitmentId).Get())!;
            reportsBefore = school.Reports.Count;
            signedBefore = school.Confirmation?.ConfirmedAt;
            Assert.True(signedBefore < school.CreatedAt.AddDays(-SigningTimeline.SpanDays + 1), $"signed {signedBefore}, entered {school.CreatedAt}");
            await host.StopAsync();
        }

        using (var host = BuildHost(settings))
        {
            await host.StartAsync();
            var seeded = await host.Services.GetRequiredService<DemoRunner>().Seeded.WaitAsync(TimeSpan.FromMinutes(3));
            output.WriteLine($"after the restart: {seeded}");

            Assert.NotNull(seeded);
            Assert.Equal(0, seeded.Failures);
            Assert.True(seeded.ChangedNothing, $"after a restart the seed still acted: {seeded}");
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var city = await AggregateProbe.SettledSnapshotAsync(grains, AggregateScope.Place("24062"), s => s.Totals.Commitments == LeuvenDemoPlan.CommitmentCount);
            Assert.Equal(cityBefore, DemoWorld.Fingerprint(city));
            var school = (await grains.GetGrain<ICommitmentGrain>(LeuvenDemoPlan.SchoolResultCommitmentId).Get())!;
            Assert.Equal(reportsBefore, school.Reports.Count);
            Assert.Equal(signedBefore, school.Confirmation?.ConfirmedAt);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task The_simulator_runs_in_the_background_and_stops_with_the_silo()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Profile"] = "Memory",
            ["Demo:Seed"] = "false",
            ["Demo:Simulate"] = "true",
            ["Demo:SimulationInterval"] = "00:00:00.100",
        };
        using var host = BuildHost(settings);
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();

        await Eventually.Value(() => grains.GetGrain<ICommitmentGrain>(DemoSimulator.CommitmentId(3)).Get(), c => c is not null,
            TimeSpan.FromSeconds(60), "the simulator's third commitment");
        var first = await grains.GetGrain<ICommitmentGrain>(DemoSimulator.CommitmentId(1)).Get();
        Assert.True(OilStain.IsInKesselLo(first!.NeighbourhoodCode));

        var stopping = Stopwatch.StartNew();
        await host.StopAsync();
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(30), $"stopping took {stopping.Elapsed}");
    }

    [Fact]
    public void Demo_options_bind_from_the_Demo_section_with_defaults()
    {
        using var services = new ServiceCollection()
            .AddCivicContractingDemo(Configuration(new() { ["Demo:Simulate"] = "true", ["Demo:RandomSeed"] = "42" }))
            .BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<DemoOptions>>().Value;

        Assert.True(options.Seed);
        Assert.True(options.Simulate);
        Assert.Equal(TimeSpan.FromSeconds(2), options.SimulationInterval);
        Assert.Equal(5_000, options.SimulationMaxCommitments);
        Assert.Equal(42, options.RandomSeed);
    }

    [Theory]
    [InlineData("Demo:SimulationInterval", "00:00:00.010")]
    [InlineData("Demo:SimulationInterval", "02:00:00")]
    [InlineData("Demo:SimulationMaxCommitments", "-1")]
    public async Task Invalid_demo_options_stop_the_start(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCivicContractingDemo(Configuration(new() { [key] = value }));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    /// <summary>A silo host built the way the production hosts build theirs, plus the demo, on free loopback ports.</summary>
    private IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = Directory.Exists(_dataDirectory) ? _dataDirectory : Path.GetTempPath(),
            EnvironmentName = Environments.Development,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = "demo-test-" + Guid.NewGuid().ToString("N"),
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.AddCivicContractingSilo(builder.Configuration);
            silo.Services.AddCivicContractingDemo(builder.Configuration);
        });
        return builder.Build();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
