using CivicContracting.Coaching;
using CivicContracting.Commitments.Scheduling;
using CivicContracting.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicContracting.Commitments;

public static class CommitmentCoachingServices
{
    /// <summary>
    /// What coaching commitments needs in a silo: <see cref="CoachingOptions"/> (section "Coaching", validated at start)
    /// and the <see cref="ReportingSweeperKeepAlive"/>, which wakes the reporting schedule's sweeper on every silo, has it
    /// sweep when the <see cref="CivicClock"/> is moved, and moves the reminder index of earlier versions to the schedule.
    /// Nothing else is needed at a start: no commitment is activated, no reminder registered. Idempotent.
    /// </summary>
    public static IServiceCollection AddCommitmentCoaching(this IServiceCollection services)
    {
        services.AddOptions<CoachingOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(CoachingOptions.SectionName).Bind(o))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CoachingOptions>, CoachingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReportingSweeperKeepAlive>());
        return services;
    }
}

/// <summary>
/// Wakes the reporting schedule's sweeper at start and then every minute (it may have lost its silo), like the shards'
/// keep-alive; after the first wake, has it drain the reminder index of earlier versions (a no-op once empty); and asks
/// for a sweep at once whenever the <see cref="CivicClock"/> is moved forward, so reminders due on the new date fire.
/// </summary>
internal sealed partial class ReportingSweeperKeepAlive(IGrainFactory grains, CivicClock clock, ILogger<ReportingSweeperKeepAlive> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    private IReportingSweeperGrain Sweeper => grains.GetGrain<IReportingSweeperGrain>(ReportingSchedule.SweeperKey);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        clock.Advanced += OnCalendarMoved;
        try
        {
            var drained = false;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await Sweeper.Ping();
                    if (!drained)
                    {
                        await Sweeper.DrainReminderIndex();
                        drained = true;
                    }
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
                        await Task.Delay(RetryDelay, stoppingToken);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }
        finally
        {
            clock.Advanced -= OnCalendarMoved;
        }
    }

    private void OnCalendarMoved(TimeSpan by) => _ = SweepNow();

    private async Task SweepNow()
    {
        try
        {
            await Sweeper.Sweep();
        }
        catch (Exception ex)
        {
            // The timer's next sweep catches up.
            LogSweepFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not wake the reporting schedule's sweeper; retrying")]
    private static partial void LogPingFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not sweep the reporting schedule after the calendar moved; the sweeper's timer does")]
    private static partial void LogSweepFailed(ILogger logger, Exception ex);
}
