using CivicContracting.Live;

namespace CivicContracting.Web.Live;

/// <summary>
/// Keeps this web host subscribed to live changes: one observer reference for the host, registered under a host id
/// that is stable for the process and renewed well before its lease ends. A renewal that fails (the registry's silo
/// died, the cluster is restarting) is retried shortly; since the registry keeps entries in memory only, the next
/// renewal after such a loss is also the re-subscription.
/// </summary>
public sealed partial class LiveSubscription(IClusterClient orleans, LiveFeed feed, ILogger<LiveSubscription> logger) : BackgroundService
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    public string HostId { get; } = $"web-{Environment.MachineName}-{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The reference only lives while this field does: the client holds observers weakly.
        var reference = orleans.CreateObjectReference<ILiveObserver>(feed);
        var registry = orleans.GetGrain<ILiveRegistryGrain>(0);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                TimeSpan wait;
                try
                {
                    await registry.Subscribe(HostId, reference, Lease);
                    wait = RenewEvery;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogSubscribeFailed(logger, ex);
                    wait = RetryAfter;
                }
                await Task.Delay(wait, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Leave(registry);
            orleans.DeleteObjectReference<ILiveObserver>(reference);
        }
    }

    /// <summary>Tells the registry at shutdown, so batchers stop pushing here before the lease would end; best effort.</summary>
    private async Task Leave(ILiveRegistryGrain registry)
    {
        try
        {
            await registry.Unsubscribe(HostId).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex)
        {
            LogUnsubscribeFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe this web host to live changes; retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not unsubscribe this web host from live changes; its lease will expire")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception ex);
}
