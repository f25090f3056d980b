using CivicContracting.Accounts;
using CivicContracting.Aggregation;
using CivicContracting.Coaching;
using CivicContracting.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicContracting.Hosting;

public static class GrainServices
{
    /// <summary>
    /// Services the grains need in a silo: the clocks (the host's, and the commitments' <see cref="CivicClock"/>), the validated account options, the shard keep-alive and the e-mail
    /// notification queue and sender.
    /// </summary>
    public static IServiceCollection AddCivicContractingGrains(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new CivicClock(sp.GetRequiredService<TimeProvider>()));
        services.AddOptions<AccountOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccountOptions>, AccountOptionsValidator>());
        services.AddHostedService<ContributionShardKeepAlive>();
        // Which organisations need an administrator's verification (section "Participants"), bound like the e-mail options below.
        services.AddOptions<CivicContracting.Participants.ParticipantOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(CivicContracting.Participants.ParticipantOptions.SectionName).Bind(o))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CivicContracting.Participants.ParticipantOptions>, CivicContracting.Participants.ParticipantOptionsValidator>());

        // E-mail notifications (section "Notifications:Smtp", off by default). Bound here from the host's configuration,
        // when it has one, so every silo host gets it; a later Configure (tests) overrides.
        services.AddOptions<SmtpNotificationOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(SmtpNotificationOptions.SectionName).Bind(o))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpNotificationOptions>, SmtpNotificationOptionsValidator>());
        services.TryAddSingleton<NotificationMailQueue>();
        services.TryAddSingleton<INotificationMailer>(sp => sp.GetRequiredService<NotificationMailQueue>());
        services.AddHostedService<SmtpNotificationSender>();
        return services;
    }
}

/// <summary>
/// Wakes every contribution shard shortly after the start (<see cref="AggregationOptions.ShardWakeDelay"/>) and then every minute. A shard that wakes re-publishes its totals, so
/// after a crash or a silo leaving the cluster the aggregates converge without waiting for new reports.
/// </summary>
internal sealed partial class ContributionShardKeepAlive(IGrainFactory grains, IOptions<AggregationOptions> options, ILogger<ContributionShardKeepAlive> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(options.Value.ShardWakeDelay, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.WhenAll(Enumerable.Range(0, AggregateScope.ShardCount)
                    .Select(i => grains.GetGrain<IContributionShardGrain>(i).Ping()));
                await Task.Delay(Period, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The silo may not be up yet, or shutting down: try again shortly.
                LogPingFailed(logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not wake the contribution shards; retrying")]
    private static partial void LogPingFailed(ILogger logger, Exception ex);
}
