using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace CivicContracting.Web.Hosting;

/// <summary>Ready when the grain cluster answers: the management grain lists at least one active silo.</summary>
public sealed class OrleansHealthCheck(IClusterClient orleans) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await ActiveHosts().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s).")
                : HealthCheckResult.Unhealthy("No active silo.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The grain cluster does not answer.", exception);
        }
    }

    private Task<Dictionary<SiloAddress, SiloStatus>> ActiveHosts() => orleans.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
}
