using System.Net;
using CivicContracting.Silo.Demo;
using CivicContracting.Silo.Hosting;
using CivicContracting.Silo.Storage;
using CivicContracting.Web.Api;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using Orleans.Configuration;

namespace CivicContracting.Web.Hosting;

/// <summary>How the web app reaches the grains (configuration "Orleans:Mode").</summary>
public enum OrleansMode
{
    /// <summary>The web app runs a silo in its own process: the one-command local run.</summary>
    CoHosted,

    /// <summary>The web app is an Orleans client of a separate silo cluster, reached through Orleans:Gateways.</summary>
    Client,
}

/// <summary>
/// The web app's Orleans settings, read from the "Orleans" section beside the silo's <see cref="ClusterSettings"/>:
/// Mode, Gateways ("host:port", a comma-separated string or an array) and ConnectTimeout. In Client mode with
/// <c>Storage:Profile=PostgreSql</c> the gateways come from the cluster's membership table instead
/// (<see cref="MembershipConnectionString"/>), refreshed every GatewayListRefreshPeriod, and Orleans:Gateways is not used.
/// </summary>
public sealed record OrleansHostingSettings(OrleansMode Mode, IReadOnlyList<IPEndPoint> Gateways, TimeSpan ConnectTimeout, ClusterSettings Cluster)
{
    /// <summary>Client mode, PostgreSQL profile: the Npgsql connection string of the membership table; null otherwise.</summary>
    public string? MembershipConnectionString { get; init; }

    /// <summary>How often the client re-reads the gateway list from membership (Orleans:GatewayListRefreshPeriod, default 10 s).</summary>
    public TimeSpan GatewayListRefreshPeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the client waits for a grain call's answer (Orleans:ResponseTimeout, default Orleans' 30 s). A call in
    /// flight to a silo that crashed waits this long before the web tier can retry it.
    /// </summary>
    public TimeSpan? ResponseTimeout { get; init; }

    /// <summary>Where the gateways come from, for messages.</summary>
    public string GatewaySource => MembershipConnectionString is { } cs
        ? $"the membership table in PostgreSQL {PostgreSqlStore.Describe(cs)}"
        : string.Join(", ", Gateways);

    public static OrleansHostingSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(ClusterSettings.SectionName);
        var failures = new List<string>();

        var modeText = section["Mode"];
        var mode = OrleansMode.CoHosted;
        if (!string.IsNullOrWhiteSpace(modeText) && !Enum.TryParse(modeText.Trim(), ignoreCase: true, out mode))
            failures.Add($"Orleans:Mode is '{modeText}'; use 'CoHosted' (the default: the web app runs the silo itself) or 'Client' (connect to the silo cluster at Orleans:Gateways).");
        if (!Enum.IsDefined(mode))
            failures.Add($"Orleans:Mode '{modeText}' is not a mode; use 'CoHosted' or 'Client'.");

        var cluster = new ClusterSettings();
        section.Bind(cluster);
        if (string.IsNullOrWhiteSpace(cluster.ClusterId) || string.IsNullOrWhiteSpace(cluster.ServiceId))
            failures.Add("Orleans:ClusterId and Orleans:ServiceId must not be empty.");

        var timeout = TimeSpan.FromSeconds(60);
        if (section["ConnectTimeout"] is { Length: > 0 } timeoutText && (!TimeSpan.TryParse(timeoutText, System.Globalization.CultureInfo.InvariantCulture, out timeout) || timeout < TimeSpan.Zero))
            failures.Add($"Orleans:ConnectTimeout '{timeoutText}' is not a time span such as 00:01:00.");

        var refresh = TimeSpan.FromSeconds(10);
        if (section["GatewayListRefreshPeriod"] is { Length: > 0 } refreshText && (!TimeSpan.TryParse(refreshText, System.Globalization.CultureInfo.InvariantCulture, out refresh) || refresh <= TimeSpan.Zero))
            failures.Add($"Orleans:GatewayListRefreshPeriod '{refreshText}' is not a positive time span such as 00:00:10.");

        TimeSpan? responseTimeout = null;
        if (section["ResponseTimeout"] is { Length: > 0 } responseText)
        {
            if (TimeSpan.TryParse(responseText, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero)
                responseTimeout = parsed;
            else
                failures.Add($"Orleans:ResponseTimeout '{responseText}' is not a positive time span such as 00:00:30.");
        }

        var gateways = new List<IPEndPoint>();
        string? membership = null;
        var storage = configuration.GetSection(StorageOptions.SectionName);
        if (mode == OrleansMode.Client && StorageProfiles.Normalise(storage[nameof(StorageOptions.Profile)]) == StorageProfiles.PostgreSql)
        {
            // The gateway list comes from the silos' membership table, so it follows silos as they come and go.
            var options = new StorageOptions();
            storage.Bind(options);
            var result = new StorageOptionsValidator().Validate(null, options);
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
            else
            {
                var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                if (string.IsNullOrWhiteSpace(builder.ApplicationName))
                    builder.ApplicationName = "civic-contracting-web";
                options.ConnectionString = builder.ConnectionString;
                membership = PostgreSqlStore.ConnectionString(options);
            }
        }
        else if (mode == OrleansMode.Client)
        {
            var entries = section.GetSection("Gateways").GetChildren().Select(c => c.Value).ToList();
            if (entries.Count == 0)
                entries = (section["Gateways"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(e => (string?)e).ToList();
            if (entries.Count == 0)
                failures.Add("Orleans:Mode is Client but Orleans:Gateways is empty; list the silo gateways, e.g. \"127.0.0.1:30000,10.0.0.2:30000\".");
            foreach (var entry in entries)
            {
                if (TryResolve(entry, out var endpoint, out var problem))
                    gateways.Add(endpoint);
                else
                    failures.Add($"Orleans:Gateways entry '{entry}': {problem}");
            }
        }

        if (failures.Count > 0)
            throw new OptionsValidationException(ClusterSettings.SectionName, typeof(OrleansHostingSettings), failures);
        return new OrleansHostingSettings(mode, gateways, timeout, cluster) { MembershipConnectionString = membership, GatewayListRefreshPeriod = refresh, ResponseTimeout = responseTimeout };
    }

    private static bool TryResolve(string? entry, out IPEndPoint endpoint, out string problem)
    {
        endpoint = null!;
        problem = "";
        if (string.IsNullOrWhiteSpace(entry))
        {
            problem = "empty.";
            return false;
        }
        if (IPEndPoint.TryParse(entry, out var parsed) && parsed.Port != 0)
        {
            endpoint = parsed;
            return true;
        }
        var colon = entry.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(entry[(colon + 1)..], out var port) || port is < 1 or > 65535)
        {
            problem = "expected host:port, e.g. 127.0.0.1:30000 or silo:30000.";
            return false;
        }
        try
        {
            var address = Dns.GetHostAddresses(entry[..colon]).OrderBy(a => a.AddressFamily).FirstOrDefault();
            if (address is null)
            {
                problem = $"the host '{entry[..colon]}' has no address.";
                return false;
            }
            endpoint = new IPEndPoint(address, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException exception)
        {
            problem = $"the host '{entry[..colon]}' could not be resolved ({exception.Message}).";
            return false;
        }
    }
}

/// <summary>
/// The web host's one entry point to the silo assembly: starting or joining the cluster, and the few pieces of the silo's
/// hosting it shares (telemetry, health, the storage profile). Elsewhere the web host names no silo type, so it stays a
/// client of Grains.Abstractions (checked by tests/Web.Tests/Architecture/BoundaryTests.cs).
/// </summary>
public static class OrleansHosting
{
    /// <summary>Where Prometheus scrapes the metrics (the silo's own path).</summary>
    public const string MetricsPath = Telemetry.PrometheusPath;

    /// <summary>Canonical <c>Storage:Profile</c> values, as <see cref="ReadStorage"/> answers them.</summary>
    public const string MemoryStorage = StorageProfiles.Memory;
    public const string PostgreSqlStorage = StorageProfiles.PostgreSql;

    /// <summary>Co-hosts a silo or connects to a cluster, as <see cref="OrleansHostingSettings.Mode"/> says.</summary>
    public static OrleansHostingSettings AddCivicContractingOrleans(this WebApplicationBuilder builder)
    {
        var settings = OrleansHostingSettings.Read(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddCivicContractingShutdownTimeout(builder.Configuration);
        if (settings.Mode == OrleansMode.CoHosted)
        {
            // The co-hosted silo includes the Leuven demo seed (Demo:Seed) and simulator (Demo:Simulate).
            builder.UseOrleans(silo => silo.AddCivicContractingSilo(builder.Configuration));
            return settings;
        }

        builder.UseOrleansClient(client =>
        {
            if (settings.MembershipConnectionString is { } membership)
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = PostgreSqlStore.Invariant;
                    o.ConnectionString = membership;
                });
            }
            else
            {
                client.UseStaticClustering([.. settings.Gateways]);
            }
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = settings.GatewayListRefreshPeriod);
            if (settings.ResponseTimeout is { } responseTimeout)
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.Cluster.ClusterId;
                o.ServiceId = settings.Cluster.ServiceId;
            });
            client.UseConnectionRetryFilter<ConnectionRetry>();
            client.AddActivityPropagation();
        });

        // Idempotent requests (reads, and progress reports with a reportId) are retried a few times inside the web
        // tier when the cluster is briefly unavailable (a silo stopping or crashing), so the caller sees success.
        builder.Services.AddSingleton<IStartupFilter, IdempotentRetry.StartupFilter>();
        return settings;
    }

    /// <summary>The platform's telemetry, set up as in a silo: Orleans', the runtime's and the CivicContracting meter, Prometheus, OTLP.</summary>
    public static IOpenTelemetryBuilder AddPlatformTelemetry(this WebApplicationBuilder builder, string serviceName) =>
        builder.AddCivicContractingTelemetry(serviceName);

    /// <summary>Whether traces are exported (OTEL_EXPORTER_OTLP_ENDPOINT set, or Telemetry:Tracing=true), as in a silo.</summary>
    public static bool IsTracingEnabled(IConfiguration configuration) => Telemetry.IsTracingEnabled(configuration);

    /// <summary>
    /// Health checks with the silo's tags: a co-hosted silo's own checks; in client mode whether the cluster answers
    /// (<see cref="OrleansHealthCheck"/>), for readiness and startup alike.
    /// </summary>
    public static IHealthChecksBuilder AddPlatformHealthChecks(this IServiceCollection services, OrleansHostingSettings settings)
    {
        var health = services.AddHealthChecks();
        return settings.Mode == OrleansMode.CoHosted
            ? health.AddCivicContractingSiloChecks()
            : health.AddCheck<OrleansHealthCheck>("orleans", tags: [SiloHealthChecks.ReadyTag, SiloHealthChecks.StartupTag]);
    }

    /// <summary>The silo's health endpoints (/health/live, /health/ready, /health/startup), then Prometheus at <see cref="MetricsPath"/> when enabled.</summary>
    public static IEndpointRouteBuilder MapPlatformEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapCivicContractingHealth().MapCivicContractingMetrics();

    /// <summary>The command word of an online backup of the embedded profile (<c>CivicContracting.Web backup FOLDER</c>).</summary>
    public const string BackupCommand = SiloBackup.Command;

    /// <summary>Runs the backup command (Silo/Hosting/SiloBackup.cs) and returns its exit code.</summary>
    public static Task<int> RunBackupAsync(string[] args) => SiloBackup.RunAsync(args);

    /// <summary>A co-hosted silo's port that another process holds already, described for the operator; null when all are free.</summary>
    public static string? FindTakenSiloPort(IConfiguration configuration) => SiloPorts.FindTaken(configuration);

    /// <summary>A start failure that is a taken port, described for the operator; null for any other failure.</summary>
    public static string? DescribeTakenPort(Exception failure) => SiloPorts.Describe(failure);

    /// <summary>Listens where ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS / --urls say, else on <paramref name="defaultUrls"/>; no Server header.</summary>
    public static WebApplicationBuilder ListenAsConfigured(WebApplicationBuilder builder, string defaultUrls) =>
        HostListening.ListenAsConfigured(builder, defaultUrls);

    /// <summary>
    /// The grain storage as configured for the silo: <c>Storage:Profile</c> in its canonical spelling (null when it is not
    /// a profile; the silo refuses to start then) and <c>Storage:DataDirectory</c> or the silo's default, for stores that
    /// keep their data beside the grains' (evidence).
    /// </summary>
    public static (string? Profile, string DataDirectory) ReadStorage(IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.SectionName);
        var dataDirectory = storage[nameof(StorageOptions.DataDirectory)] is { Length: > 0 } configured ? configured : new StorageOptions().DataDirectory;
        return (StorageProfiles.Normalise(storage[nameof(StorageOptions.Profile)]), dataDirectory);
    }

    /// <summary>Keeps trying to reach the cluster at start for Orleans:ConnectTimeout, so web and silo can start in any order.</summary>
    private sealed class ConnectionRetry(OrleansHostingSettings settings, ILogger<ConnectionRetry> logger) : IClientConnectionRetryFilter
    {
        private readonly DateTimeOffset _giveUpAt = DateTimeOffset.UtcNow + settings.ConnectTimeout;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (DateTimeOffset.UtcNow >= _giveUpAt)
            {
                logger.LogError("Could not reach the Orleans cluster at {Gateways} within {Timeout}: {Message}", settings.GatewaySource, settings.ConnectTimeout, exception.Message);
                return false;
            }
            logger.LogWarning("Waiting for the Orleans cluster at {Gateways}: {Message}", settings.GatewaySource, exception.Message);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        }
    }
}
