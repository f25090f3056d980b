using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Places;
using CivicContracting.Web.Live;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.ReadModel;

/// <summary>
/// Fills <see cref="SiteData"/> from the grains once, then keeps it current: aggregates straight from the live pushes
/// this host receives anyway, the commitments list reloaded at most once per <see cref="SiteOptions.ListRefreshInterval"/>
/// while changes arrive, and everything reloaded every <see cref="SiteOptions.RepairInterval"/> in case a push was lost.
/// The cost is per web host, never per visitor.
/// </summary>
public sealed partial class SiteDataSync(
    IClusterClient orleans, LiveFeed feed, SiteData data, IOptions<SiteOptions> options, TimeProvider clock, ILogger<SiteDataSync> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Open before loading, so that no change pushed during the load is missed.
        using var connection = feed.Open(scope: null);
        var listStale = new SemaphoreSlim(0, 1);
        var pushes = WatchPushesAsync(connection, listStale, stoppingToken);
        var goals = WatchGoalDirectoryAsync(stoppingToken);
        try
        {
            var nextRepair = DateTimeOffset.MinValue;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (clock.GetUtcNow() >= nextRepair)
                    {
                        await ReloadAllAsync();
                        nextRepair = clock.GetUtcNow() + options.Value.RepairInterval;
                        if (!data.IsLoaded)
                        {
                            data.MarkLoaded();
                            LogLoaded(logger, data.Goals.Length, data.Contributions.All.Length);
                        }
                    }
                    else
                    {
                        await ReloadContributionsAsync();
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogReloadFailed(logger, ex);
                    await Task.Delay(RetryAfter, clock, stoppingToken);
                    continue;
                }

                // Wait for a pushed change (the list is stale) or the repair, then give changes a moment to gather.
                // A big city makes the reload itself slow: never spend more than a tenth of the time reloading.
                var untilRepair = nextRepair - clock.GetUtcNow();
                if (untilRepair > TimeSpan.Zero)
                    await listStale.WaitAsync(untilRepair, stoppingToken);
                var gap = options.Value.ListRefreshInterval;
                if (_lastReload * 10 > gap)
                    gap = _lastReload * 10;
                await Task.Delay(gap, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await pushes.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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

    private async Task WatchPushesAsync(LiveFeed.Connection connection, SemaphoreSlim listStale, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in connection.ReadAllAsync(stoppingToken))
            {
                // Any change may have moved a commitment in the lists; one signal is enough however many arrive.
                if (listStale.CurrentCount == 0)
                {
                    try
                    {
                        listStale.Release();
                    }
                    catch (SemaphoreFullException)
                    {
                    }
                }
                if (AggregateScope.IsGoal(change.Scope) && data.Goal(change.Scope[AggregateScope.GoalPrefix.Length..]) is null)
                    await ReloadGoalsAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReloadAllAsync()
    {
        await ReloadGoalsAsync();
        var scopes = PlaceCatalog.Leuven.All.Select(p => AggregateScope.Place(p.Code))
            .Concat(data.Goals.Select(g => AggregateScope.Goal(g.Id)));
        var snapshots = await Task.WhenAll(scopes.Select(s => orleans.GetGrain<IEngagementAggregateGrain>(s).GetSnapshot()));
        // Into the live feed, which holds the aggregates for the pages and for browsers that connect; it keeps only
        // newer versions, so a reload never moves anything back.
        await feed.OnChanges([.. snapshots.Select(s => new CivicContracting.Live.AggregateChange(s.Scope, s.Version, s))]);
        await ReloadContributionsAsync();
    }

    private async Task ReloadGoalsAsync()
    {
        var listings = await orleans.GetGrain<IGoalDirectoryGrain>(0).List();
        var infos = await Task.WhenAll(listings.Select(l => orleans.GetGrain<IGoalGrain>(l.Id).GetInfo()));
        data.ReplaceGoals(infos.OfType<GoalInfo>());
    }

    private TimeSpan _lastReload;

    private async Task ReloadContributionsAsync()
    {
        var started = clock.GetTimestamp();
        var takenAt = clock.GetUtcNow();
        var city = AggregateScope.Place(PlaceCatalog.CityCode);
        var shards = await Task.WhenAll(Enumerable.Range(0, AggregateScope.ShardCount)
            .Select(i => orleans.GetGrain<IContributionShardGrain>(i).GetContributions(city)));
        data.ReplaceContributions(new ContributionIndex(shards.SelectMany(s => s), takenAt));
        _lastReload = clock.GetElapsedTime(started);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Public site data loaded: {Goals} goals, {Commitments} commitments")]
    private static partial void LogLoaded(ILogger logger, int goals, int commitments);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reload the public site's data from the cluster; retrying")]
    private static partial void LogReloadFailed(ILogger logger, Exception ex);
}
