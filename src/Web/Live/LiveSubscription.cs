using CivicContracting.Aggregation;
using CivicContracting.Live;

namespace CivicContracting.Web.Live;

/// <summary>
/// Keeps this web host subscribed to live changes: one observer reference for the host, registered under a host id
/// that is stable for the process, under a lease renewed every <see cref="RenewEvery"/>.
/// <para>
/// Design. The registry holds leases in memory only (an observer reference must never be persisted), so when its silo
/// dies it comes back empty on another silo. Nothing tells a host that, except the registry itself: every renewal is a
/// full subscription, and the answer says whether the registry still held this host's lease
/// (<see cref="LiveLease.Renewed"/>). A host therefore finds out at its next renewal — at most
/// <see cref="RenewEvery"/> after the registry is back — is subscribed again by that same call, and then re-reads the
/// aggregates it shows, because changes pushed while it was unknown did not reach it. 5 s costs one small grain call
/// per host per 5 s; a 30 s lease (6 renewals) survives the failed renewals of a silo being declared dead, and drops a
/// host that died within 30 s.
/// </para>
/// <para>
/// A failed renewal (the registry's silo is being declared dead, the cluster restarts) is retried sooner than a
/// normal renewal, with exponential back-off from <see cref="FirstRetry"/> up to <see cref="RenewEvery"/>; a streak
/// of failures is logged once as a warning, once more as an error when the lease has surely run out (browsers get no
/// live changes then), and once when it ends. <see cref="Status"/> (GET /api/live/status, operator) and the
/// <c>civic.live.leases</c> gauge show whether the host holds a lease, so it is never silently unsubscribed.
/// </para>
/// </summary>
public sealed partial class LiveSubscription(IClusterClient orleans, LiveFeed feed, TimeProvider clock, ILogger<LiveSubscription> logger) : BackgroundService
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);

    /// <summary>A renewal that has not answered by then counts as failed (a call to a just-killed silo can hang until it is declared dead).</summary>
    public static readonly TimeSpan RenewTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The first retry after a failed renewal; each further failure doubles it, up to <see cref="RenewEvery"/>.</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);

    /// <summary>Aggregates re-read at a time after a lost lease.</summary>
    private const int ResyncParallelism = 4;

    private readonly Lock _lock = new();
    private LiveSubscriptionStatus? _status;
    private bool _runOutLogged;
    private Task _resync = Task.CompletedTask;

    public string HostId { get; } = $"web-{Environment.MachineName}-{Guid.NewGuid():N}";

    /// <summary>This host's subscription as it stands now.</summary>
    public LiveSubscriptionStatus Status
    {
        get
        {
            LiveSubscriptionStatus status;
            lock (_lock)
                status = Current();
            return status with
            {
                Subscribed = status.LeaseExpiresAt is { } expires && expires > clock.GetUtcNow(),
                OpenConnections = feed.OpenConnections,
                Scopes = feed.Snapshot.Count(),
            };
        }
    }

    /// <summary>Under <see cref="_lock"/>.</summary>
    private LiveSubscriptionStatus Current() => _status ??= new LiveSubscriptionStatus(HostId);

    /// <summary>The wait before the next attempt after <paramref name="failures"/> consecutive failed renewals (before jitter).</summary>
    public static TimeSpan RetryDelay(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        var delay = FirstRetry * Math.Pow(2, Math.Min(failures - 1, 16));
        return delay < RenewEvery ? delay : RenewEvery;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        LiveMetrics.Track(this);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        LiveMetrics.Untrack(this);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The reference only lives while this field does: the client holds observers weakly.
        var reference = orleans.CreateObjectReference<ILiveObserver>(feed);
        var registry = orleans.GetGrain<ILiveRegistryGrain>(0);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = await Renew(registry, reference, stoppingToken);
                await Task.Delay(wait, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await _resync;
            await Leave(registry);
            orleans.DeleteObjectReference<ILiveObserver>(reference);
        }
    }

    /// <summary>One subscription call; returns how long to wait before the next.</summary>
    private async Task<TimeSpan> Renew(ILiveRegistryGrain registry, ILiveObserver reference, CancellationToken stoppingToken)
    {
        var started = clock.GetUtcNow();
        LiveLease lease;
        try
        {
            lease = await registry.Subscribe(HostId, reference, Lease).WaitAsync(RenewTimeout, clock, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            var failures = Failed(ex, started);
            // Up to a quarter shorter, so that many hosts that lost the same registry do not retry in step.
            return RetryDelay(failures) * (0.75 + (Random.Shared.NextDouble() / 4));
        }
        Succeeded(lease, started, stoppingToken);
        return RenewEvery;
    }

    private int Failed(Exception ex, DateTimeOffset at)
    {
        LiveSubscriptionStatus status;
        lock (_lock)
        {
            var before = Current();
            status = _status = before with
            {
                FailedRenewals = before.FailedRenewals + 1,
                FailingSince = before.FailingSince ?? at,
                LastError = $"{ex.GetType().Name}: {ex.Message}",
            };
        }
        var holdsLease = status.LeaseExpiresAt is { } until && until > at;
        if (status.FailedRenewals == 1)
        {
            LogRenewalFailing(logger, ex, holdsLease ? $"its lease runs until {status.LeaseExpiresAt:O}" : "it holds no lease");
        }
        else if (!holdsLease && status.SubscribedAt is not null && !_runOutLogged)
        {
            _runOutLogged = true;
            LogLeaseRunOut(logger, status.FailedRenewals, at - status.FailingSince!.Value, status.LastError!);
        }
        else
        {
            LogRetrying(logger, status.FailedRenewals, status.LastError!);
        }
        return status.FailedRenewals;
    }

    private void Succeeded(LiveLease lease, DateTimeOffset started, CancellationToken stoppingToken)
    {
        LiveSubscriptionStatus before;
        lock (_lock)
        {
            before = Current();
            _status = before with
            {
                LeaseExpiresAt = started + Lease,
                RegistrySilo = lease.Silo,
                LastRenewedAt = clock.GetUtcNow(),
                SubscribedAt = lease.Renewed && before.SubscribedAt is not null ? before.SubscribedAt : clock.GetUtcNow(),
                LostLeases = before.LostLeases + (!lease.Renewed && before.SubscribedAt is not null ? 1 : 0),
                FailedRenewals = 0,
                FailingSince = null,
            };
        }
        _runOutLogged = false;
        if (before.FailedRenewals > 0)
        {
            var streak = started - before.FailingSince!.Value;
            LogRenewalBack(logger, before.FailedRenewals, streak, lease.Silo);
        }
        if (lease.Renewed)
            return;
        if (before.SubscribedAt is null)
        {
            LogSubscribed(logger, HostId, lease.Silo);
            return;
        }
        // The registry had lost this host (re-activated empty after its silo left, or the lease ran out): changes
        // pushed meanwhile did not come here. Re-read what this host shows once every batcher pushes here again.
        LiveMetrics.LeaseLost();
        var scopes = feed.Snapshot.Count();
        LogLeaseLost(logger, lease.Silo, scopes, lease.PushDelay);
        if (_resync.IsCompleted)
            _resync = Resync(lease.PushDelay, stoppingToken);
    }

    /// <summary>Re-reads the aggregate of every scope this host holds; newer versions replace what it has and reach browsers.</summary>
    private async Task Resync(TimeSpan after, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(after, clock, stoppingToken);
            var scopes = feed.Snapshot.Select(c => c.Scope).ToList();
            var failed = 0;
            await Parallel.ForEachAsync(scopes, new ParallelOptions { MaxDegreeOfParallelism = ResyncParallelism, CancellationToken = stoppingToken }, async (scope, _) =>
            {
                try
                {
                    var snapshot = await orleans.GetGrain<IEngagementAggregateGrain>(scope).GetSnapshot();
                    await feed.OnChanges([new AggregateChange(scope, snapshot.Version, snapshot)]);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The next change of the scope repairs it.
                    Interlocked.Increment(ref failed);
                    LogResyncScopeFailed(logger, ex, scope);
                }
            });
            LogResynced(logger, scopes.Count - failed, failed);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Web host {HostId} subscribed to live changes; the live registry runs on {Silo}")]
    private static partial void LogSubscribed(ILogger logger, string hostId, string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live registry no longer held this web host's lease (its silo left the cluster, or the lease ran out): subscribed again, the registry now runs on {Silo}; re-reading the {Scopes} aggregate(s) this host shows in {Delay}")]
    private static partial void LogLeaseLost(ILogger logger, string silo, int scopes, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew this web host's live subscription ({Lease}); retrying with back-off, logged again when it ends")]
    private static partial void LogRenewalFailing(ILogger logger, Exception ex, string lease);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live subscription renewal failed again ({Failures} in a row): {Error}")]
    private static partial void LogRetrying(ILogger logger, int failures, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "This web host's live lease has run out after {Failures} failed renewals over {Duration} (last: {Error}): browsers get no live changes from it until a renewal succeeds")]
    private static partial void LogLeaseRunOut(ILogger logger, int failures, TimeSpan duration, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live subscription renewed again after {Failures} failed attempt(s) over {Duration}; the live registry runs on {Silo}")]
    private static partial void LogRenewalBack(ILogger logger, int failures, TimeSpan duration, string silo);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not re-read the aggregate {Scope} after a lost live lease")]
    private static partial void LogResyncScopeFailed(ILogger logger, Exception ex, string scope);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-read {Scopes} aggregate(s) after a lost live lease ({Failed} failed; their next change repairs them)")]
    private static partial void LogResynced(ILogger logger, int scopes, int failed);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not unsubscribe this web host from live changes; its lease will expire")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception ex);
}

/// <summary>A web host's live subscription (GET /api/live/status, operator only).</summary>
/// <param name="HostId">The id this host subscribes under.</param>
/// <param name="Subscribed">Whether the host holds a lease that has not run out (by its own clock): batchers push to it.</param>
/// <param name="LeaseExpiresAt">When the current lease runs out unless renewed.</param>
/// <param name="RegistrySilo">The silo the live registry ran on at the last successful renewal.</param>
/// <param name="LastRenewedAt">The last successful renewal.</param>
/// <param name="SubscribedAt">When the current lease began (the first subscription, or the one after a lost lease).</param>
/// <param name="LostLeases">How often the registry had lost this host's lease (its silo left) and the host subscribed again.</param>
/// <param name="FailedRenewals">Consecutive failed renewals now (0 when the last one succeeded).</param>
/// <param name="FailingSince">When the current streak of failed renewals began.</param>
/// <param name="LastError">The last renewal error.</param>
/// <param name="OpenConnections">Open GET /api/live connections of this host.</param>
/// <param name="Scopes">Goal and place aggregates this host holds for its live connections.</param>
public sealed record LiveSubscriptionStatus(
    string HostId,
    bool Subscribed = false,
    DateTimeOffset? LeaseExpiresAt = null,
    string? RegistrySilo = null,
    DateTimeOffset? LastRenewedAt = null,
    DateTimeOffset? SubscribedAt = null,
    int LostLeases = 0,
    int FailedRenewals = 0,
    DateTimeOffset? FailingSince = null,
    string? LastError = null,
    int OpenConnections = 0,
    int Scopes = 0);
