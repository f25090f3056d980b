using CivicContracting.Aggregation;
using CivicContracting.Coaching;
using CivicContracting.Commitments;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>
/// A two-silo test cluster of its own for the tests of conditions, co-signers and templates, configured like
/// <see cref="ClusterFixture"/> plus what conditional commitments need (<see cref="CommitmentConditionServices.AddCommitmentConditions"/>,
/// the earlier versions' deadline index checked every second) and what reporting reminders need (the reporting schedule,
/// <see cref="CommitmentCoachingServices.AddCommitmentCoaching"/>), and with an <see cref="AdvancingClock"/>: a test moves the time of the whole cluster
/// forward, for every grain alike. (<see cref="TestClock.Shift"/> moves it only for the calls of one request, and a
/// condition's lapse pushes to a contribution shard from inside that request: the shard would date its last flush
/// days ahead and then wait for real until then.)
/// </summary>
public sealed class CommitmentClusterFixture : IAsyncLifetime
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
            silo.AddCivicContractingForTests(AdvancingClock.Instance);
            silo.Services.AddCommitmentConditions();
            silo.Services.Configure<AggregationOptions>(o => o.AntiEntropyInterval = TimeSpan.FromSeconds(2));
            silo.Services.Configure<CommitmentConditionOptions>(o => o.DeadlineCheckInterval = TimeSpan.FromSeconds(1));
            // Due reminders fire a second or two after they are scheduled, and the schedule is swept every second.
            silo.Services.Configure<CoachingOptions>(o => o.ReminderDelay = TimeSpan.FromSeconds(1));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CommitmentClusterCollection : ICollectionFixture<CommitmentClusterFixture>
{
    public const string Name = "commitment-conditions";
}

/// <summary>
/// The clock of <see cref="CommitmentClusterFixture"/>: the system clock plus an offset that only grows. Moving it is
/// like time passing for the whole cluster at once, so timers and grains stay consistent with each other.
/// </summary>
internal sealed class AdvancingClock : TimeProvider
{
    public static readonly AdvancingClock Instance = new();

    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the cluster's time forward by <paramref name="by"/>.</summary>
    public static void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(by, TimeSpan.Zero);
        Interlocked.Add(ref Instance._offsetTicks, by.Ticks);
    }

    /// <summary>The cluster's time now.</summary>
    public static DateTimeOffset Now => Instance.GetUtcNow();
}
