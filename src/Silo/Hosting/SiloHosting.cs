using System.Net;
using CivicContracting.Accounts;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Silo.Demo;
using CivicContracting.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace CivicContracting.Silo.Hosting;

/// <summary>Everything a host needs to run a Civic Contracting silo: used by this project's Program and by the co-hosted web app.</summary>
public static class SiloHosting
{
    /// <summary>
    /// The ADO.NET invariant under which Orleans (10.1 and later) loads Microsoft.Data.Sqlite's factory. The name is
    /// historical (it was System.Data.SQLite's); Orleans maps it to <c>Microsoft.Data.Sqlite.SqliteFactory</c>.
    /// </summary>
    public const string SqliteInvariant = "System.Data.SQLite";

    public static ISiloBuilder AddCivicContractingSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = configuration.GetSection(ClusterSettings.SectionName).Get<ClusterSettings>() ?? new ClusterSettings();
        if (IsPostgreSql(configuration))
        {
            // A real cluster: silos find each other through the membership table in PostgreSQL (see AddPostgreSqlStorage).
            var address = cluster.ParseAdvertisedAddress();
            silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        }
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });

        // Failure detection (section "Orleans:Membership"): any property of Orleans' ClusterMembershipOptions, e.g.
        // ProbeTimeout, NumMissedProbesLimit, NumVotesForDeathDeclaration, IAmAliveTablePublishTimeout,
        // TableRefreshTimeout, DeathVoteExpirationTimeout. Unset keys keep Orleans' defaults (docs/operations.md: the trade-off).
        silo.Configure<ClusterMembershipOptions>(configuration.GetSection(ClusterSettings.MembershipSectionName));

        // Activity.Current flows through grain calls, so a trace follows a request from the web host into the grains.
        silo.AddActivityPropagation();

        silo.AddCivicContractingStorage(configuration);
        silo.Services.AddCivicContractingGrains();
        // Conditional commitments: wakes the durable deadline index on start, so deadlines lapse without any reads.
        silo.Services.AddCommitmentConditions();
        // Phases and reporting reminders (section "Coaching"): the durable reporting schedule, in grain storage on every
        // profile, swept by one grain that a keep-alive on every silo wakes. Nothing is restored at a start.
        silo.Services.AddCommitmentCoaching();

        silo.Services.AddOptions<CivicContracting.Live.LiveOptions>()
            .Bind(configuration.GetSection(CivicContracting.Live.LiveOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddOptions<AggregationOptions>()
            .Bind(configuration.GetSection(AggregationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddOptions<PlaceOptions>()
            .Bind(configuration.GetSection(PlaceOptions.SectionName));
        // Validated where the grains register it (GrainServices).
        silo.Services.AddOptions<AccountOptions>()
            .Bind(configuration.GetSection(AccountOptions.SectionName))
            .PostConfigure(o => AccountSettings.ResolveDefaults(o, configuration));

        // The Leuven demo seed and simulator (section "Demo"); they start once the silo is active.
        silo.Services.AddCivicContractingDemo(configuration);
        return silo;
    }

    /// <summary>
    /// Registers the grain storage named <see cref="GrainStorage.Name"/> for the configured profile (section "Storage").
    /// The options are validated when the host starts, so a wrong profile stops the start with a message that says so.
    /// </summary>
    public static ISiloBuilder AddCivicContractingStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        var section = configuration.GetSection(StorageOptions.SectionName);
        silo.Services.AddOptions<StorageOptions>().Bind(section).ValidateOnStart();
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());

        switch (StorageProfiles.Normalise(section[nameof(StorageOptions.Profile)]))
        {
            case StorageProfiles.Sqlite:
                silo.AddSqliteGrainStorage();
                // Orleans' reminder service, in memory: nothing of ours registers reminders any more (commitments use the
                // reporting schedule in grain storage); kept so Orleans' reminder API and the dashboard's view of it work.
                silo.UseInMemoryReminderService();
                break;
            case StorageProfiles.Memory:
                silo.AddBinaryMemoryGrainStorage(GrainStorage.Name);
                silo.UseInMemoryReminderService();
                break;
            case StorageProfiles.PostgreSql:
                silo.AddPostgreSqlStorage(configuration);
                break;
            default:
                // An unknown profile: the validator stops the start with a clear message.
                break;
        }
        return silo;
    }

    /// <summary>
    /// SQLite profile: <see cref="SqliteGrainStorage"/> (one writer, group commit) is the grain storage "civic". Orleans'
    /// ADO.NET provider stays registered under <see cref="LegacySqliteGrainStorageName"/>, only to read grain state
    /// that earlier versions stored in its table (see <see cref="SqliteGrainStorage"/>).
    /// </summary>
    private static void AddSqliteGrainStorage(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var contentRoot = sp.GetService<IHostEnvironment>()?.ContentRootPath ?? Directory.GetCurrentDirectory();
            return new SqliteStore(options.SqliteConnectionString(contentRoot), options.BusyTimeout, options.SqliteSynchronous);
        });
        silo.Services.AddSingleton<SqliteSchema>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SqliteSchema>());

        silo.AddAdoNetGrainStorage(LegacySqliteGrainStorageName, options => options.Configure<SqliteStore, Serializer>((o, store, serializer) =>
        {
            o.Invariant = SqliteInvariant;
            o.DataSource = store;
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.Services.AddSingleton(sp => new SqliteGrainStorage(
            sp.GetRequiredService<SqliteStore>(),
            // Orleans' own binary format, as the ADO.NET provider had it: version tolerant through the [Id]/[Alias]
            // attributes the state classes carry, and the legacy rows are in it too.
            new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()),
            sp.GetRequiredService<IActivatorProvider>(),
            sp.GetRequiredService<ILogger<SqliteGrainStorage>>(),
            () => sp.GetRequiredKeyedService<IGrainStorage>(LegacySqliteGrainStorageName)));
        // Keyed "civic" (what [PersistentState(..., "civic")] resolves) and a silo lifecycle participant.
        silo.Services.AddGrainStorage(GrainStorage.Name, (sp, _) => sp.GetRequiredService<SqliteGrainStorage>());
    }

    /// <summary>
    /// PostgreSQL profile: grain storage, cluster membership and reminders through Orleans' ADO.NET providers (the
    /// reminder table only for reminders of earlier versions, which move themselves to the reporting schedule when they fire).
    /// <see cref="PostgreSqlSchema"/> checks the server and migrates the schema first. With
    /// <see cref="StorageOptions.GroupCommit"/> (the default) grain storage gets its own pool, whose sessions commit
    /// asynchronously, and is wrapped in <see cref="GroupCommitGrainStorage"/>, which acknowledges a write only after
    /// the shared <see cref="DurabilityBarrier"/>; membership, reminders and the barrier use the control pool, which
    /// commits synchronously. Without it, all three share one synchronous pool, as before.
    /// </summary>
    private static void AddPostgreSqlStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, GroupCommitOptionsValidator>());
        silo.Services.AddSingleton(sp => PostgreSqlStore.CreateControl(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        silo.Services.AddSingleton<PostgreSqlSchema>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<PostgreSqlSchema>());

        // Decided at registration, since it decides what is registered. A value that is not a boolean is reported
        // at start by the options binding, with the setting's name.
        var configured = configuration.GetSection(StorageOptions.SectionName)[nameof(StorageOptions.GroupCommit)];
        if (!bool.TryParse(configured, out var groupCommit))
            groupCommit = new StorageOptions().GroupCommit;
        if (groupCommit)
        {
            silo.Services.AddKeyedSingleton(PostgreSqlStore.GrainStorageDataSourceKey, (sp, _) =>
                PostgreSqlStore.CreateGrainStorage(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
            silo.Services.AddSingleton<DurabilityBarrier>();
            // Orleans resolves [PersistentState(..., "civic")] as the keyed IGrainStorage "civic" (PersistentStateFactory:
            // GetKeyedService<IGrainStorage>(name)). The ADO.NET provider is registered under an inner name (its options
            // and lifecycle follow that name; the name is not part of what it stores), and "civic" is the decorator.
            silo.AddAdoNetGrainStorage(AdoNetGrainStorageName, options => options.Configure<IServiceProvider, Serializer>((o, services, serializer) =>
            {
                o.Invariant = PostgreSqlStore.Invariant;
                o.DataSource = services.GetRequiredKeyedService<NpgsqlDataSource>(PostgreSqlStore.GrainStorageDataSourceKey);
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
            silo.Services.AddKeyedSingleton<IGrainStorage>(GrainStorage.Name, (sp, _) =>
                new GroupCommitGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(AdoNetGrainStorageName), sp.GetRequiredService<DurabilityBarrier>()));
        }
        else
        {
            silo.AddAdoNetGrainStorage(GrainStorage.Name, options => options.Configure<NpgsqlDataSource, Serializer>((o, dataSource, serializer) =>
            {
                o.Invariant = PostgreSqlStore.Invariant;
                o.DataSource = dataSource;
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
        }
        silo.UseAdoNetClustering(options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.Invariant = PostgreSqlStore.Invariant;
            o.DataSource = dataSource;
        }));
        silo.UseAdoNetReminderService(options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.Invariant = PostgreSqlStore.Invariant;
            o.DataSource = dataSource;
        }));
    }

    internal static bool IsPostgreSql(IConfiguration configuration) =>
        StorageProfiles.Normalise(configuration.GetSection(StorageOptions.SectionName)[nameof(StorageOptions.Profile)]) == StorageProfiles.PostgreSql;

    /// <summary>With group commit: the name of the ADO.NET provider inside <see cref="GroupCommitGrainStorage"/>.</summary>
    public const string AdoNetGrainStorageName = GrainStorage.Name + "-adonet";

    /// <summary>SQLite profile: the name of the ADO.NET provider that reads grain state stored by earlier versions.</summary>
    public const string LegacySqliteGrainStorageName = GrainStorage.Name + "-legacy";
}

/// <summary>Cluster identity and ports (configuration section "Orleans").</summary>
public sealed class ClusterSettings
{
    public const string SectionName = "Orleans";

    public string ClusterId { get; set; } = "civic-local";

    public string ServiceId { get; set; } = "civic-contracting";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// PostgreSQL profile (a real cluster): the IP address this silo advertises in the membership table; other silos and
    /// clients connect to it. Loopback (the default) listens on loopback only; any other address listens on all.
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>The section of Orleans' ClusterMembershipOptions (probe timeouts, votes): "Orleans:Membership".</summary>
    public const string MembershipSectionName = SectionName + ":Membership";

    /// <summary>
    /// <see cref="AdvertisedAddress"/> as an IP address. Anything else (a host name, a typo, an unexpanded
    /// <c>$(POD_IP)</c>) stops the start with a message: a silo that silently advertised loopback instead would be
    /// unreachable for every other host of the cluster.
    /// </summary>
    public IPAddress ParseAdvertisedAddress()
    {
        if (string.IsNullOrWhiteSpace(AdvertisedAddress))
            return IPAddress.Loopback;
        if (IPAddress.TryParse(AdvertisedAddress.Trim(), out var address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
            return address;
        throw new OptionsValidationException(SectionName, typeof(ClusterSettings),
        [
            $"{SectionName}:AdvertisedAddress '{AdvertisedAddress}' is not an IP address this silo can advertise. Set it to the silo's own IP address (on Kubernetes the pod IP: Orleans__AdvertisedAddress=$(POD_IP) with POD_IP from status.podIP; on one machine 127.0.0.1). Host names and 0.0.0.0 are not accepted.",
        ]);
    }
}

/// <summary>Host-wide settings shared by the silo and the web host.</summary>
public static class HostSettings
{
    /// <summary>
    /// <c>Host:ShutdownTimeout</c> (default 45 s, as deploy/kubernetes expects: less than the pods'
    /// terminationGracePeriodSeconds of 60): how long a stopping process may take to hand over its grains and leave
    /// the cluster after SIGTERM. When it is not set, .NET's DOTNET_SHUTDOWNTIMEOUTSECONDS applies if set.
    /// </summary>
    public const string ShutdownTimeoutKey = "Host:ShutdownTimeout";

    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(45);

    public static IServiceCollection AddCivicContractingShutdownTimeout(this IServiceCollection services, IConfiguration configuration)
    {
        var timeout = DefaultShutdownTimeout;
        if (configuration[ShutdownTimeoutKey] is { Length: > 0 } text
            && (!TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out timeout) || timeout <= TimeSpan.Zero))
        {
            throw new OptionsValidationException(ShutdownTimeoutKey, typeof(HostOptions),
                [$"{ShutdownTimeoutKey} '{text}' is not a positive time span such as 00:00:45."]);
        }
        // .NET's own DOTNET_SHUTDOWNTIMEOUTSECONDS (configuration key shutdownTimeoutSeconds) still counts when
        // Host:ShutdownTimeout is not set.
        if (configuration[ShutdownTimeoutKey] is not { Length: > 0 } && configuration["shutdownTimeoutSeconds"] is { Length: > 0 })
            return services;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout);
        return services;
    }
}
