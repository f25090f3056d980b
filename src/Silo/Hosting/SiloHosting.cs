using CivicContracting.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace CivicContracting.Silo.Hosting;

/// <summary>Everything a host needs to run a Civic Contracting silo: used by this project's Program and by the co-hosted web app.</summary>
public static class SiloHosting
{
    public static ISiloBuilder AddCivicContractingSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = configuration.GetSection(ClusterSettings.SectionName).Get<ClusterSettings>() ?? new ClusterSettings();
        silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });

        silo.AddMemoryGrainStorage(GrainStorage.Name);

        silo.Services.AddOptions<AggregationOptions>()
            .Bind(configuration.GetSection(AggregationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddOptions<PlaceOptions>()
            .Bind(configuration.GetSection(PlaceOptions.SectionName));
        return silo;
    }
}

/// <summary>Cluster identity and ports (configuration section "Orleans").</summary>
public sealed class ClusterSettings
{
    public const string SectionName = "Orleans";

    public string ClusterId { get; set; } = "civic-local";

    public string ServiceId { get; set; } = "civic-contracting";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;
}
