using CivicContracting.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicContracting.Commitments;

/// <summary>
/// One shard of the durable list of commitments with a reporting reminder (see <see cref="ICommitmentReminderIndexGrain"/>),
/// kept in the platform's grain storage so that it survives restarts where the reminder table does not. Like the
/// <see cref="CommitmentDeadlineGrain"/>, it is woken at every silo's start (by <see cref="CommitmentReminderRestorer"/>)
/// and tells each commitment one-way, so it never waits for a commitment that may be waiting for it.
/// </summary>
public sealed partial class CommitmentReminderIndexGrain(
    [PersistentState("commitment-reminders", GrainStorage.Name)] IPersistentState<CommitmentReminderIndexState> state,
    IOptions<CommitmentReminderOptions> options,
    ILogger<CommitmentReminderIndexGrain> logger) : Grain, ICommitmentReminderIndexGrain
{
    public async Task Track(string commitmentId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commitmentId);
        if (!state.State.Commitments.Add(commitmentId))
            return;
        await state.WriteStateAsync();
    }

    public async Task TrackMany(IReadOnlyList<string> commitmentIds)
    {
        ArgumentNullException.ThrowIfNull(commitmentIds);
        if (!options.Value.RestoreOnStart)
            return;
        var shard = this.GetPrimaryKeyLong();
        var added = new List<string>();
        foreach (var commitmentId in commitmentIds)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(commitmentId);
            if (CommitmentReminderIndex.ShardFor(commitmentId) != shard)
                throw new ArgumentException($"Commitment '{commitmentId}' belongs to reminder index shard {CommitmentReminderIndex.ShardFor(commitmentId)}, not {shard}.", nameof(commitmentIds));
            if (state.State.Commitments.Add(commitmentId))
                added.Add(commitmentId);
        }
        if (added.Count == 0)
            return;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Commitments.ExceptWith(added);
            throw;
        }
    }

    public async Task Untrack(string commitmentId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commitmentId);
        if (!state.State.Commitments.Remove(commitmentId))
            return;
        await state.WriteStateAsync();
    }

    public async Task<int> RestoreAll()
    {
        var told = 0;
        foreach (var commitmentId in state.State.Commitments.Order(StringComparer.Ordinal).ToList())
        {
            try
            {
                // One-way: the commitment registers its reminder (or leaves this index) in its own turn.
                await GrainFactory.GetGrain<ICommitmentCoachingGrain>(commitmentId).RestoreReminder();
                told++;
            }
            catch (Exception ex)
            {
                LogTellFailed(logger, commitmentId, ex);
            }
        }
        return told;
    }

    public Task<IReadOnlyList<string>> GetTracked() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Commitments.Order(StringComparer.Ordinal)]);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell commitment {CommitmentId} to register its reminder again; it does so at its next change or activation")]
    private static partial void LogTellFailed(ILogger logger, string commitmentId, Exception ex);
}

[GenerateSerializer, Alias("cc.CommitmentReminderIndexState.v1")]
public sealed class CommitmentReminderIndexState
{
    /// <summary>The commitments of this shard that have a reporting reminder.</summary>
    [Id(0)] public HashSet<string> Commitments { get; set; } = [];
}

public static class CommitmentCoachingServices
{
    /// <summary>
    /// What coaching commitments needs in a silo: <see cref="CoachingOptions"/> (section "Coaching", validated at start)
    /// and, with <paramref name="restoreRemindersOnStart"/> (a reminder table in memory), the durable reminder index and
    /// the <see cref="CommitmentReminderRestorer"/> that has every listed commitment register its reminder again when the
    /// silo starts. The host configures the reminder service itself (in memory, or ADO.NET). Idempotent.
    /// </summary>
    public static IServiceCollection AddCommitmentCoaching(this IServiceCollection services, bool restoreRemindersOnStart)
    {
        services.AddOptions<CoachingOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(CoachingOptions.SectionName).Bind(o))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CoachingOptions>, CoachingOptionsValidator>());
        services.Configure<CommitmentReminderOptions>(o => o.RestoreOnStart = restoreRemindersOnStart);
        if (restoreRemindersOnStart)
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CommitmentReminderRestorer>());
        return services;
    }
}

/// <summary>
/// At the silo's start, asks every shard of the reminder index to tell its commitments to register their reminders again
/// (retrying a shard that cannot be reached yet), so reminders kept in memory survive a restart; and again whenever the
/// <see cref="CivicClock"/> is moved forward.
/// </summary>
internal sealed partial class CommitmentReminderRestorer(IGrainFactory grains, CivicClock clock, ILogger<CommitmentReminderRestorer> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _calendarMoved = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // When the commitments' calendar is moved forward (tests, demonstrations), reminders registered for the old
        // calendar would fire late: every listed commitment registers its reminder again, as at a start.
        clock.Advanced += _ => _calendarMoved.Release();
        await RestoreAll(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _calendarMoved.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await RestoreAll(stoppingToken);
        }
    }

    private async Task RestoreAll(CancellationToken stoppingToken)
    {
        var pending = Enumerable.Range(0, CommitmentReminderIndex.ShardCount).ToList();
        var told = 0;
        while (pending.Count > 0)
        {
            foreach (var shard in pending.ToList())
            {
                try
                {
                    told += await grains.GetGrain<ICommitmentReminderIndexGrain>(shard).RestoreAll();
                    pending.Remove(shard);
                }
                catch (Exception ex)
                {
                    if (stoppingToken.IsCancellationRequested)
                        return;
                    // The silo may not be up yet: try again shortly.
                    LogShardFailed(logger, shard, ex);
                }
            }
            if (pending.Count == 0)
                break;
            try
            {
                await Task.Delay(RetryDelay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        LogRestored(logger, told);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not reach reminder index shard {Shard}; retrying")]
    private static partial void LogShardFailed(ILogger logger, int shard, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Told {Count} commitments to register their reporting reminders again")]
    private static partial void LogRestored(ILogger logger, int count);
}
