using CivicContracting.Hosting;
using CivicContracting.Observability;
using Microsoft.Extensions.Logging;

namespace CivicContracting.Commitments.Scheduling;

/// <summary>
/// One bucket of the reporting schedule (see <see cref="IReportingScheduleGrain"/>), key "{hour}/{slot}": a small map in
/// grain storage, written whole on each schedule or cancel (a bucket holds about <see cref="ReportingSchedule.CrowdedAt"/>
/// entries at most). Removals of handled entries (<see cref="Done"/>) ride on the next write: losing one only means the
/// commitment is told again and ignores it. An empty bucket clears its row.
/// </summary>
public sealed partial class ReportingScheduleGrain(
    [PersistentState("reporting-schedule", GrainStorage.Name)] IPersistentState<ReportingScheduleState> state,
    CivicClock clock,
    ILogger<ReportingScheduleGrain> logger) : Grain, IReportingScheduleGrain
{
    private ReportingBucket _bucket = null!;
    private long _hour;
    private int _slot;

    /// <summary>Removals not written yet.</summary>
    private bool _dirty;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!ReportingSchedule.TryParseBucketKey(this.GetPrimaryKeyString(), out _hour, out _slot))
            throw new ArgumentException($"'{this.GetPrimaryKeyString()}' is not a reporting schedule bucket key ({{hour}}/{{slot}}).");
        _bucket = new ReportingBucket(state.State.Entries);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (!_dirty)
            return;
        try
        {
            await Write();
        }
        catch (Exception ex)
        {
            LogWriteFailed(logger, this.GetPrimaryKeyString(), ex); // the entries are told again and marked done again
        }
    }

    public async Task<int> Schedule(string commitmentId, DateTimeOffset dueAt)
    {
        RequireEntry(commitmentId, dueAt);
        if (_bucket.Schedule(commitmentId, dueAt) || _dirty)
            await Write();
        return _bucket.Count;
    }

    public async Task Cancel(string commitmentId, DateTimeOffset dueAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commitmentId);
        if (_bucket.Remove(commitmentId, dueAt))
            await Write();
    }

    public Task Done(string commitmentId, DateTimeOffset dueAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commitmentId);
        if (_bucket.Remove(commitmentId, dueAt))
            _dirty = true;
        return Task.CompletedTask;
    }

    public async Task<ReportingBucketSweep> Fire()
    {
        var (due, _) = _bucket.TakeDue(clock.GetUtcNow(), Environment.TickCount64, ReportingSchedule.RetellAfter);
        foreach (var (commitmentId, dueAt) in due)
        {
            // Not awaited: the commitment may be waiting on this bucket (it schedules and marks done here), and this
            // bucket must never wait on it. A failure is logged; the entry is told again after RetellAfter.
            var told = GrainFactory.GetGrain<ICommitmentCoachingGrain>(commitmentId).ReportingDue(dueAt, _slot);
            _ = told.ContinueWith(static (t, s) =>
            {
                var (log, id) = ((ILogger, string))s!;
                var failure = t.Exception!.GetBaseException();
                LogTellFailed(log, id, failure);
            }, (logger, commitmentId), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        if (due.Count > 0)
            CivicMetrics.RecordRemindersDue(due.Count);
        if (_bucket.LastRetold > 0)
            CivicMetrics.RecordRemindersRetold(_bucket.LastRetold);
        if (_dirty)
            await Write();
        return new ReportingBucketSweep(due.Count, _bucket.Count);
    }

    public Task<IReadOnlyList<ScheduledReport>> GetEntries() =>
        Task.FromResult<IReadOnlyList<ScheduledReport>>([.. _bucket.Entries.Select(e => new ScheduledReport(e.Key, e.Value, _slot))]);

    private void RequireEntry(string commitmentId, DateTimeOffset dueAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commitmentId);
        if (ReportingSchedule.HourOf(dueAt) != _hour)
            throw new ArgumentOutOfRangeException(nameof(dueAt), dueAt, $"Bucket '{this.GetPrimaryKeyString()}' holds entries due in hour {_hour} only.");
    }

    private async Task Write()
    {
        if (_bucket.Count == 0)
        {
            // Nothing left: no row kept for an hour that has passed. The state object is new after a clear.
            await state.ClearStateAsync();
            _bucket = new ReportingBucket(state.State.Entries);
        }
        else
        {
            await state.WriteStateAsync();
        }
        _dirty = false;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not tell commitment {CommitmentId} that its reporting reminder is due; it is told again")]
    private static partial void LogTellFailed(ILogger logger, string commitmentId, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reporting schedule bucket {Bucket} could not write its removals at deactivation; those commitments are told again")]
    private static partial void LogWriteFailed(ILogger logger, string bucket, Exception ex);
}
