using CivicContracting.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicContracting.Commitments;

/// <summary>
/// Earlier versions' durable list of waiting conditions and their deadlines (see <see cref="ICommitmentDeadlineGrain"/>;
/// deadlines are now entries of the reporting schedule, and only commitments listed before stay here). It is kept in
/// the platform's grain storage, so it survives restarts on every storage profile; its timer (kept alive while the silo
/// runs) tells each commitment whose deadline has passed, one-way, and the <see cref="CommitmentDeadlineKeepAlive"/> on
/// every silo re-activates it after a restart or the loss of its silo. The commitment decides by its own clock and
/// untracks itself once its condition is met or lapsed; one that does not is told again after
/// <see cref="RetellAfter"/>.
/// </summary>
public sealed partial class CommitmentDeadlineGrain(
    [PersistentState("commitment-deadlines", GrainStorage.Name)] IPersistentState<CommitmentDeadlineState> state,
    TimeProvider clock,
    IOptions<CommitmentConditionOptions> options,
    ILogger<CommitmentDeadlineGrain> logger) : Grain, ICommitmentDeadlineGrain
{
    /// <summary>How long a commitment that was told of its deadline has to untrack itself before it is told again.</summary>
    public static readonly TimeSpan RetellAfter = TimeSpan.FromMinutes(1);

    /// <summary>When each due commitment was last told (<see cref="Environment.TickCount64"/>); memory only.</summary>
    private readonly Dictionary<string, long> _toldAt = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.DeadlineCheckInterval;
        // The first check comes soon after activation: deadlines that passed while no silo ran are acted on at once.
        var first = interval < TimeSpan.FromSeconds(1) ? interval : TimeSpan.FromSeconds(1);
        this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions(first, interval) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public async Task Track(string commitmentId, DateTimeOffset deadline)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commitmentId);
        if (state.State.Pending.TryGetValue(commitmentId, out var known) && known == deadline)
            return;
        state.State.Pending[commitmentId] = deadline;
        await state.WriteStateAsync();
    }

    public async Task Untrack(string commitmentId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commitmentId);
        _toldAt.Remove(commitmentId);
        if (!state.State.Pending.Remove(commitmentId))
            return;
        await state.WriteStateAsync();
    }

    public async Task<int> ExpireDue()
    {
        var now = clock.GetUtcNow();
        var due = state.State.Pending.Where(p => p.Value <= now).OrderBy(p => p.Value).Select(p => p.Key).ToList();
        var tick = Environment.TickCount64;
        foreach (var commitmentId in due)
        {
            if (_toldAt.TryGetValue(commitmentId, out var told) && tick - told < (long)RetellAfter.TotalMilliseconds)
                continue;
            _toldAt[commitmentId] = tick;
            try
            {
                // One-way: this grain never waits for a commitment, which may itself be waiting to untrack here.
                await GrainFactory.GetGrain<ICommitmentLinkGrain>(commitmentId).ConditionDeadlinePassed();
            }
            catch (Exception ex)
            {
                LogTellFailed(logger, commitmentId, ex);
            }
        }
        return due.Count;
    }

    public Task<IReadOnlyList<PendingDeadline>> GetPending() =>
        Task.FromResult<IReadOnlyList<PendingDeadline>>(
            [.. state.State.Pending.OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => new PendingDeadline(p.Key, p.Value))]);

    public Task Ping() => Task.CompletedTask;

    private async Task Tick(CancellationToken cancellationToken)
    {
        try
        {
            await ExpireDue();
        }
        catch (Exception ex)
        {
            LogTickFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell commitment {CommitmentId} that its condition's deadline has passed; it is told again")]
    private static partial void LogTellFailed(ILogger logger, string commitmentId, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The check of condition deadlines failed; it runs again at the next tick")]
    private static partial void LogTickFailed(ILogger logger, Exception ex);
}

/// <summary>How often waiting conditions are checked against their deadlines.</summary>
public sealed class CommitmentConditionOptions
{
    /// <summary>How often the deadline index looks for passed deadlines: a condition lapses at most this long after its deadline.</summary>
    public TimeSpan DeadlineCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public static class CommitmentConditionServices
{
    /// <summary>
    /// What conditional commitments need in a silo: the keep-alive that wakes the deadline index at start and every
    /// minute, so deadlines are acted on without anyone reading a commitment, also after a restart. Idempotent.
    /// </summary>
    public static IServiceCollection AddCommitmentConditions(this IServiceCollection services)
    {
        services.AddOptions<CommitmentConditionOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CommitmentDeadlineKeepAlive>());
        return services;
    }
}

/// <summary>Wakes the deadline index at start and then every minute (it may have lost its silo), like the shards' keep-alive.</summary>
internal sealed partial class CommitmentDeadlineKeepAlive(IGrainFactory grains, ILogger<CommitmentDeadlineKeepAlive> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await grains.GetGrain<ICommitmentDeadlineGrain>(CommitmentDeadlines.IndexKey).Ping();
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not wake the commitment deadline index; retrying")]
    private static partial void LogPingFailed(ILogger logger, Exception ex);
}
