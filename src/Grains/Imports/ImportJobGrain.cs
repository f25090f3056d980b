using CivicContracting.Hosting;
using Microsoft.Extensions.Logging;

namespace CivicContracting.Imports;

/// <summary>
/// The durable record of one import (see <see cref="IImportJobGrain"/>). Heartbeats stay in memory; a checkpoint, a
/// start and a finish are written before the call returns, so a run that is killed is continued from its last checkpoint.
/// </summary>
public sealed partial class ImportJobGrain(
    [PersistentState("importJob", GrainStorage.Name)] IPersistentState<ImportJobState> state,
    TimeProvider clock,
    ILogger<ImportJobGrain> logger) : Grain, IImportJobGrain
{
    /// <summary>The most row errors a job keeps; the count says how many there were in all.</summary>
    public const int MaxErrors = 100;

    private ImportJobState S => state.State;

    private ImportProgress? _liveProgress;
    private DateTimeOffset? _lastHeartbeat;

    public async Task<ImportLease> Start(ImportJobStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentException.ThrowIfNullOrWhiteSpace(start.RunId);
        ArgumentException.ThrowIfNullOrWhiteSpace(start.Format);
        ArgumentException.ThrowIfNullOrWhiteSpace(start.StartedBy);
        if (start.LeaseTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(start), "The lease must last a while.");
        var now = clock.GetUtcNow();
        if (S.RunId is { } holder && holder != start.RunId && S.Status is ImportJobStatus.Validating or ImportJobStatus.Loading
            && now - (_lastHeartbeat ?? S.UpdatedAt) < S.LeaseTimeout)
        {
            return new ImportLease(ImportLeaseOutcome.Busy, ToView());
        }
        if (S.Status == ImportJobStatus.Completed && !start.Again)
            return new ImportLease(ImportLeaseOutcome.Completed, ToView());

        if (S.RunId is { } stale && stale != start.RunId && S.Status is ImportJobStatus.Validating or ImportJobStatus.Loading)
            LogTakenOver(logger, this.GetPrimaryKeyString(), stale, start.RunId);
        var fresh = S.Format is null || S.Status is ImportJobStatus.Completed or ImportJobStatus.Rejected;
        S.Format = start.Format;
        S.Bytes = start.Bytes;
        S.StartedBy = start.StartedBy;
        S.RunId = start.RunId;
        S.LeaseTimeout = start.LeaseTimeout;
        S.Runs++;
        S.Status = ImportJobStatus.Validating;
        S.Message = null;
        S.FinishedAt = null;
        S.RunStartedAt = now;
        if (fresh)
        {
            // A new job, or a file loaded (or refused) before and sent again: it is checked and loaded from the start.
            S.StartedAt = now;
            S.Checkpoint = ImportCheckpoint.Start;
            S.Progress = ImportProgress.Empty;
        }
        S.UpdatedAt = now;
        _liveProgress = null;
        _lastHeartbeat = now;
        await state.WriteStateAsync();
        return new ImportLease(ImportLeaseOutcome.Granted, ToView());
    }

    public async Task<bool> Report(string runId, ImportProgress progress, ImportCheckpoint? checkpoint)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (S.RunId != runId || S.Status is not (ImportJobStatus.Validating or ImportJobStatus.Loading))
            return false;
        var now = clock.GetUtcNow();
        _lastHeartbeat = now;
        _liveProgress = Trim(progress);
        if (checkpoint is null)
            return true;
        S.Checkpoint = checkpoint;
        S.Progress = _liveProgress;
        S.Status = ImportJobStatus.Loading;
        S.UpdatedAt = now;
        await state.WriteStateAsync();
        return true;
    }

    public async Task<ImportJobView> Finish(string runId, ImportJobStatus status, ImportProgress progress, string? message)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (status is not (ImportJobStatus.Completed or ImportJobStatus.Rejected or ImportJobStatus.Interrupted))
            throw new ArgumentOutOfRangeException(nameof(status), status, "A run finishes completed, rejected or interrupted.");
        if (S.RunId != runId)
            return ToView(); // taken over meanwhile: the other run writes the outcome
        var now = clock.GetUtcNow();
        S.Status = status;
        S.Progress = Trim(progress);
        S.Message = message;
        S.RunId = null;
        S.UpdatedAt = now;
        S.FinishedAt = now;
        if (status == ImportJobStatus.Completed)
            S.Checkpoint = new ImportCheckpoint(ImportPhase.Done, 0);
        _liveProgress = null;
        _lastHeartbeat = null;
        await state.WriteStateAsync();
        return ToView();
    }

    public Task<ImportJobView?> Get() => Task.FromResult(S.Format is null ? null : ToView());

    private ImportJobView ToView()
    {
        var live = S.RunId is not null && _liveProgress is not null;
        return new ImportJobView(this.GetPrimaryKeyString(), S.Status, S.Format!, S.Bytes, S.StartedBy!, S.StartedAt,
            live ? _lastHeartbeat ?? S.UpdatedAt : S.UpdatedAt, S.FinishedAt, S.Checkpoint, live ? _liveProgress! : S.Progress,
            S.Runs, S.RunId, S.Message, S.FinishedAt is { } finished ? finished - S.RunStartedAt : null);
    }

    private static ImportProgress Trim(ImportProgress progress) =>
        progress.Errors.Count <= MaxErrors ? progress : progress with { Errors = [.. progress.Errors.Take(MaxErrors)] };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId}: run {NewRun} takes over from run {StaleRun}, whose heartbeats stopped; it continues from the checkpoint")]
    private static partial void LogTakenOver(ILogger logger, string importId, string staleRun, string newRun);
}
