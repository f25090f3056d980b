using CivicContracting.Aggregation;
using CivicContracting.Goals;
using CivicContracting.Places;
using CivicContracting.Web.Live;
using CivicContracting.Web.Site;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.ReadModel;

/// <summary>
/// Fills <see cref="SiteData"/> from the grains once, then keeps it current: the goals and every aggregate first (the
/// figures and the map need nothing else), then the commitments through <see cref="ContributionSync"/>, which follows the
/// shards' deltas. Aggregates come straight from the live pushes this host receives anyway and are read again every
/// <see cref="SiteOptions.RepairInterval"/> in case a push was lost (about a thousand small snapshots). The cost is per
/// web host, never per visitor.
/// </summary>
public sealed partial class SiteDataSync(
    IClusterClient orleans, LiveFeed feed, SiteData data, ContributionSync contributions, IOptions<SiteOptions> options, TimeProvider clock,
    ILogger<SiteDataSync> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    /// <summary>How often a goal noted missing by the lists (defined on another host since the last look) is looked for.</summary>
    private static readonly TimeSpan MissingGoalCheck = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var goals = WatchGoalDirectoryAsync(stoppingToken);
        Task? lists = null;
        try
        {
            var nextRepair = DateTimeOffset.MinValue;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (clock.GetUtcNow() >= nextRepair)
                    {
                        await ReloadAggregatesAsync();
                        nextRepair = clock.GetUtcNow() + options.Value.RepairInterval;
                        if (!data.IsLoaded)
                        {
                            data.MarkLoaded();
                            var aggregates = feed.Snapshot.Count();
                            LogLoaded(logger, data.Goals.Length, aggregates);
                            // The figures are in: now the commitments, which the lists need and the figures do not.
                            lists = contributions.RunAsync(stoppingToken);
                        }
                    }
                    if (data.TakeGoalMissing())
                        await ReloadGoalsAsync();
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogReloadFailed(logger, ex);
                    await Task.Delay(RetryAfter, clock, stoppingToken);
                    continue;
                }
                await Task.Delay(MissingGoalCheck, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        if (lists is not null)
            await lists.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await goals.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>
    /// How often the goal directory is checked for goals defined or revised since: a new goal pushes nothing until it has
    /// commitments, and a revision of its title, wording or target pushes nothing at all.
    /// </summary>
    private static readonly TimeSpan GoalDirectoryCheck = TimeSpan.FromSeconds(10);

    private async Task WatchGoalDirectoryAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(GoalDirectoryCheck, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!data.IsLoaded)
                    continue;
                try
                {
                    var listings = await orleans.GetGrain<IGoalDirectoryGrain>(0).List();
                    if (listings.Any(l => data.Goal(l.Id) is not { } held || held.Version < Math.Max(1, l.Version)))
                        await ReloadGoalsAsync();
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogReloadFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReloadAggregatesAsync()
    {
        await ReloadGoalsAsync();
        var scopes = PlaceCatalog.Leuven.All.Select(p => AggregateScope.Place(p.Code))
            .Concat(data.Goals.Select(g => AggregateScope.Goal(g.Id)));
        var snapshots = await Task.WhenAll(scopes.Select(s => orleans.GetGrain<IEngagementAggregateGrain>(s).GetSnapshot()));
        // Into the live feed, which holds the aggregates for the pages and for browsers that connect; it keeps only
        // newer versions, so a reload never moves anything back.
        await feed.OnChanges([.. snapshots.Select(s => new CivicContracting.Live.AggregateChange(s.Scope, s.Version, s))]);
    }

    private async Task ReloadGoalsAsync()
    {
        var listings = await orleans.GetGrain<IGoalDirectoryGrain>(0).List();
        var infos = await Task.WhenAll(listings.Select(l => orleans.GetGrain<IGoalGrain>(l.Id).GetInfo()));
        data.ReplaceGoals(infos.OfType<GoalInfo>());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Public site figures loaded: {Goals} goals, {Aggregates} aggregates; loading the commitments")]
    private static partial void LogLoaded(ILogger logger, int goals, int aggregates);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reload the public site's data from the cluster; retrying")]
    private static partial void LogReloadFailed(ILogger logger, Exception ex);
}
