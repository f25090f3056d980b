using CivicContracting.Coaching;
using CivicContracting.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicContracting.Commitments.Scheduling;

/// <summary>
/// The reporting schedule's sweeper (see <see cref="IReportingSweeperGrain"/>): one grain holding the hours that have
/// entries and their levels, written only when an hour appears, widens or is done (about one hour a day of reporting
/// intervals: a few thousand numbers). Every <see cref="SweepInterval"/>, and at once when the calendar is moved, it has
/// every bucket of every hour up to now fire, so a sweep costs O(buckets of the hours due), never O(commitments). An
/// hour is forgotten once it has passed and all its buckets were found empty twice, an hour apart (an entry scheduled by
/// a silo whose clock runs a little behind still finds it).
/// </summary>
public sealed partial class ReportingSweeperGrain(
    [PersistentState("reporting-sweeper", GrainStorage.Name)] IPersistentState<ReportingSweeperState> state,
    CivicClock clock,
    IOptions<CoachingOptions> coaching,
    ILogger<ReportingSweeperGrain> logger) : Grain, IReportingSweeperGrain
{
    /// <summary>Buckets fired at the same time.</summary>
    private const int ParallelFires = 64;

    private static readonly TimeSpan LongestSweepInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ShortestSweepInterval = TimeSpan.FromMilliseconds(200);

    private ReportingHours _hours = null!;

    /// <summary>Past hours whose buckets were all empty at a sweep: looked at once more after an hour's grace, then forgotten.</summary>
    private readonly HashSet<long> _foundEmpty = [];

    /// <summary>How often the sweeper sweeps: <see cref="CoachingOptions.ReminderDelay"/>, at most 30 s and at least 200 ms.</summary>
    public static TimeSpan SweepInterval(TimeSpan reminderDelay) =>
        reminderDelay > LongestSweepInterval ? LongestSweepInterval : reminderDelay < ShortestSweepInterval ? ShortestSweepInterval : reminderDelay;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _hours = new ReportingHours(state.State.Levels);
        var interval = SweepInterval(coaching.Value.ReminderDelay);
        // The first sweep comes soon after activation: reminders that came due while no silo ran fire at once.
        var first = interval < TimeSpan.FromSeconds(1) ? interval : TimeSpan.FromSeconds(1);
        this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions(first, interval) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public async Task<int> NoteHour(long hour)
    {
        RequireHour(hour);
        var (level, added) = _hours.Note(hour);
        _foundEmpty.Remove(hour);
        if (added)
            await state.WriteStateAsync();
        return level;
    }

    public async Task<int> Widen(long hour, int seenLevel)
    {
        RequireHour(hour);
        ArgumentOutOfRangeException.ThrowIfNegative(seenLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seenLevel, ReportingSchedule.MaxLevel);
        var (level, changed) = _hours.Widen(hour, seenLevel);
        if (changed)
        {
            _foundEmpty.Remove(hour);
            await state.WriteStateAsync();
            var width = ReportingSchedule.Width(level);
            LogWidened(logger, hour, width);
        }
        return level;
    }

    public Task<int?> LevelOf(long hour) => Task.FromResult(_hours.LevelOf(hour));

    public async Task<ReportingSweep> Sweep()
    {
        var current = ReportingSchedule.HourOf(clock.GetUtcNow());
        int hours = 0, buckets = 0, told = 0, remaining = 0, done = 0;
        foreach (var (hour, level) in _hours.DueBy(current))
        {
            var past = hour < current;
            if (past && hour >= current - 1 && _foundEmpty.Contains(hour))
                continue; // found empty: looked at once more after the grace hour
            var width = ReportingSchedule.Width(level);
            var (hourTold, hourRemaining) = await FireHour(hour, width);
            hours++;
            buckets += width;
            told += hourTold;
            remaining += hourRemaining;
            if (hourRemaining > 0 || !past)
            {
                _foundEmpty.Remove(hour);
            }
            else if (hour < current - 1)
            {
                _hours.Forget(hour);
                _foundEmpty.Remove(hour);
                done++;
            }
            else
            {
                _foundEmpty.Add(hour);
            }
        }
        if (done > 0)
            await state.WriteStateAsync();
        return new ReportingSweep(hours, buckets, told, remaining, done);
    }

    public async Task<int> DrainReminderIndex()
    {
        var told = 0;
        for (var shard = 0; shard < CommitmentReminderIndex.ShardCount; shard++)
            told += await GrainFactory.GetGrain<ICommitmentReminderIndexGrain>(shard).Drain();
        if (told > 0)
            LogDrained(logger, told);
        return told;
    }

    public async Task<IReadOnlyList<ScheduledReport>> FindScheduled(string commitmentId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commitmentId);
        var found = new List<ScheduledReport>();
        foreach (var (hour, level) in _hours.All)
        {
            var entries = await Task.WhenAll(ReportingSchedule.CandidateSlots(commitmentId, level)
                .Select(slot => Bucket(hour, slot).GetEntries()));
            found.AddRange(entries.SelectMany(e => e).Where(e => e.CommitmentId == commitmentId));
        }
        return found;
    }

    public Task<IReadOnlyList<ScheduledHour>> GetHours() =>
        Task.FromResult<IReadOnlyList<ScheduledHour>>([.. _hours.All.Select(h => new ScheduledHour(h.Hour, h.Level))]);

    public Task Ping() => Task.CompletedTask;

    private async Task<(int Told, int Remaining)> FireHour(long hour, int width)
    {
        int told = 0, remaining = 0;
        for (var first = 0; first < width; first += ParallelFires)
        {
            var results = await Task.WhenAll(Enumerable.Range(first, Math.Min(ParallelFires, width - first)).Select(slot => FireBucket(hour, slot)));
            foreach (var result in results)
            {
                told += result.Told;
                remaining += result.Remaining;
            }
        }
        return (told, remaining);
    }

    private async Task<ReportingBucketSweep> FireBucket(long hour, int slot)
    {
        try
        {
            return await Bucket(hour, slot).Fire();
        }
        catch (Exception ex)
        {
            // Counted as holding entries, so the hour is kept and the bucket fired again at the next sweep.
            LogBucketFailed(logger, ReportingSchedule.BucketKey(hour, slot), ex);
            return new ReportingBucketSweep(0, 1);
        }
    }

    private IReportingScheduleGrain Bucket(long hour, int slot) =>
        GrainFactory.GetGrain<IReportingScheduleGrain>(ReportingSchedule.BucketKey(hour, slot));

    private async Task Tick(CancellationToken cancellationToken)
    {
        try
        {
            await Sweep();
        }
        catch (Exception ex)
        {
            LogSweepFailed(logger, ex);
        }
    }

    private static void RequireHour(long hour)
    {
        if (hour < 0 || hour > ReportingSchedule.HourOf(DateTimeOffset.MaxValue))
            throw new ArgumentOutOfRangeException(nameof(hour), hour, "An hour since 1970-01-01 (UTC).");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reporting schedule hour {Hour} is crowded: its entries are spread over {Width} buckets from now on")]
    private static partial void LogWidened(ILogger logger, long hour, int width);

    [LoggerMessage(Level = LogLevel.Information, Message = "Told {Count} commitments listed in the reminder index of an earlier version to schedule their reporting reminders; the index is empty now")]
    private static partial void LogDrained(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reporting schedule bucket {Bucket} could not be fired; it is fired again at the next sweep")]
    private static partial void LogBucketFailed(ILogger logger, string bucket, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A sweep of the reporting schedule failed; the next one runs at the next tick")]
    private static partial void LogSweepFailed(ILogger logger, Exception ex);
}
