using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Live;
using CivicContracting.Notifications;
using CivicContracting.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace CivicContracting.Grains.Tests;

/// <summary>A real two-silo Orleans cluster in this process, with memory storage, shared by the grain tests.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(initialSilosCount: 2);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            // Memory storage, counted: the commitments' tests measure what a report writes (Commitments/StorageWrites.cs).
            silo.AddBinaryMemoryGrainStorage(Commitments.StorageWrites.InnerName);
            silo.Services.AddKeyedSingleton<IGrainStorage>(GrainStorage.Name, (sp, _) =>
                new Commitments.StorageWrites(sp.GetRequiredKeyedService<IGrainStorage>(Commitments.StorageWrites.InnerName), sp.GetRequiredService<Serializer>()));
            silo.AddCivicContractingForTests(TestClock.Instance, memoryStorage: false);
            // Compact often, so the tests cross log + segment recovery. The real clock, which a test can move for its own
            // calls only (lockout and token expiry), is TestClock.
            silo.Services.Configure<AggregationOptions>(o =>
            {
                o.AntiEntropyInterval = TimeSpan.FromSeconds(2);
                o.JournalCompactionThreshold = 16;
            });
            // Short observer caching, so an observer that a test subscribes is pushed to at once.
            silo.Services.Configure<LiveOptions>(o => o.ObserverCacheDuration = TimeSpan.FromMilliseconds(200));
            // E-mail notifications to the tests' local SMTP sink, in short batch windows and retries.
            silo.Services.Configure<SmtpNotificationOptions>(o =>
            {
                o.Enabled = true;
                o.Host = "127.0.0.1";
                o.Port = Following.SmtpSink.Shared.Port;
                o.Security = SmtpSecurity.None;
                o.From = "notifications@civic-contracting.test";
                o.BatchWindow = TimeSpan.FromMilliseconds(100);
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
                o.MaxAttempts = 5;
            });
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
