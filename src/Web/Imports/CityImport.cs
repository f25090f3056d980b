using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Hosting;
using CivicContracting.Imports;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Api;
using Microsoft.Extensions.Options;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Imports;

/// <summary>A file to import, on disk: its format, size and SHA-256 (lowercase hex), which is the import's id.</summary>
public sealed record ImportFile(string Path, ImportFormat Format, long Bytes, string Sha256)
{
    public static async Task<ImportFile> DescribeAsync(string path, ImportFormat format, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken);
        return new ImportFile(path, format, stream.Length, Convert.ToHexStringLower(hash));
    }
}

/// <summary>What a finished (or already finished) import answers.</summary>
public sealed record ImportSummary(
    string Id,
    ImportJobStatus Status,
    ImportFormat Format,
    long Bytes,
    long Records,
    ImportCounts Goals,
    ImportCounts Participants,
    ImportCounts Commitments,
    long Created,
    long AlreadyThere,
    long Failed,
    long Skipped,
    long ErrorCount,
    IReadOnlyList<ImportRowError> Errors,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    double CommitmentsPerSecond,
    bool AlreadyImported,
    ImportCheckpoint ResumedFrom,
    int Runs)
{
    public static ImportSummary From(ImportJobView job, ImportFormat format, bool alreadyImported, ImportCheckpoint resumedFrom)
    {
        var p = job.Progress;
        if (alreadyImported)
        {
            // Nothing is loaded now: what the completed run stored is there already, what it refused is refused still.
            static ImportCounts There(ImportCounts c) => new(c.InFile, 0, c.Created + c.AlreadyThere + c.Skipped, c.Failed, 0);
            p = p with { Goals = There(p.Goals), Participants = There(p.Participants), Commitments = There(p.Commitments), CommitmentsPerSecond = 0, SecondsLeft = null };
        }
        var kinds = new[] { p.Goals, p.Participants, p.Commitments };
        return new ImportSummary(job.Id, job.Status, format, job.Bytes, kinds.Sum(k => k.InFile), p.Goals, p.Participants, p.Commitments,
            kinds.Sum(k => k.Created), kinds.Sum(k => k.AlreadyThere), kinds.Sum(k => k.Failed), kinds.Sum(k => k.Skipped),
            p.ErrorCount, p.Errors, job.StartedAt, job.Duration?.TotalSeconds ?? 0, p.CommitmentsPerSecond, alreadyImported, resumedFrom, job.Runs);
    }
}

/// <summary>The file has errors: nothing was loaded. <see cref="Errors"/>: the first ones, keyed <c>rows[n].field</c>.</summary>
public sealed class ImportRejectedException(ImportJobView job, IReadOnlyList<ImportRowError> errors, long errorCount)
    : Exception($"The file has {errorCount:N0} error(s); nothing was loaded.")
{
    public ImportJobView Job { get; } = job;
    public IReadOnlyList<ImportRowError> Errors { get; } = errors;
    public long ErrorCount { get; } = errorCount;
}

/// <summary>Another run holds the import (the same file, sent again while it loads).</summary>
public sealed class ImportBusyException(ImportJobView job)
    : Exception(ApiText.ImportBusy(job.Id, job.UpdatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)))
{
    public ImportJobView Job { get; } = job;
}

/// <summary>
/// The operator import of a city: one service behind the HTTP endpoint and the command line. A file is read twice,
/// streaming: first every record is checked — its fields, the input rules, ids, duplicates and references to records in
/// the file or already stored — and a single bad row refuses the file with nothing loaded; then goals (parents first),
/// participants and commitments are loaded through the grains' own methods, in batches of one participant's commitments,
/// many batches at a time. The job grain of the file's SHA-256 keeps a checkpoint, so a run that stops is continued by
/// the next, and a file loaded before loads nothing twice.
/// </summary>
public sealed partial class CityImport(IClusterClient grains, IOptions<ImportOptions> settings, CivicClock clock, ILogger<CityImport> logger)
{
    private readonly ImportOptions _options = settings.Value;

    private IImportLoaderGrain Loader => grains.GetGrain<IImportLoaderGrain>(0);

    public async Task<ImportSummary> RunAsync(ImportFile file, string startedBy, bool again, CancellationToken cancellationToken)
    {
        var runId = Guid.NewGuid().ToString("N");
        var job = grains.GetGrain<IImportJobGrain>(file.Sha256);
        var lease = await job.Start(new ImportJobStart(runId, FormatName(file.Format), file.Bytes, startedBy, _options.LeaseTimeout, again));
        switch (lease.Outcome)
        {
            case ImportLeaseOutcome.Busy:
                throw new ImportBusyException(lease.Job);
            case ImportLeaseOutcome.Completed:
                return ImportSummary.From(lease.Job, file.Format, alreadyImported: true, lease.Job.Checkpoint);
        }
        var resumeFrom = lease.Job.Checkpoint;
        var run = new Run(_options.MaxErrors) { StartedBy = startedBy };
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = HeartbeatAsync(job, file.Sha256, runId, run, stopping);
        try
        {
            var formatName = FormatName(file.Format);
            LogStarted(logger, file.Sha256, formatName, file.Bytes, startedBy, resumeFrom.Phase, resumeFrom.Position);
            var plan = await ValidateAsync(file, run, stopping.Token);
            if (run.ErrorCount > 0)
            {
                var rejected = await job.Finish(runId, ImportJobStatus.Rejected, run.Snapshot(), $"{run.ErrorCount:N0} row error(s); nothing was loaded.");
                throw new ImportRejectedException(rejected, run.SortedErrors(), run.ErrorCount);
            }
            await LoadGoalsAsync(plan, resumeFrom, run, stopping.Token);
            run.Checkpoint(ImportPhase.Participants, resumeFrom.Phase == ImportPhase.Participants ? resumeFrom.Position : 0);
            await LoadParticipantsAsync(file, resumeFrom, run, stopping.Token);
            run.Checkpoint(ImportPhase.Commitments, resumeFrom.Phase == ImportPhase.Commitments ? resumeFrom.Position : 0);
            plan.ReleaseIds();
            await LoadCommitmentsAsync(file, resumeFrom, run, stopping.Token);
            run.Phase = ImportPhase.Done;
            await stopping.CancelAsync();
            await heartbeat;
            var done = await job.Finish(runId, ImportJobStatus.Completed, run.Snapshot(), null);
            var (seconds, rate, failed) = (done.Duration?.TotalSeconds ?? 0, run.Rate(), run.Failed);
            LogFinished(logger, file.Sha256, done.Progress.Commitments.Created, done.Progress.Commitments.AlreadyThere, failed, seconds, rate);
            return ImportSummary.From(done, file.Format, alreadyImported: false, resumeFrom);
        }
        catch (ImportRejectedException)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Cancelled (the caller went away), the lease lost, or the platform failed: the checkpoint stays, the next run continues.
            var reason = cancellationToken.IsCancellationRequested ? "Cancelled by the caller." : run.LeaseLost ? "Another run took over." : ex.Message;
            LogInterrupted(logger, ex, file.Sha256, run.CheckpointValue.Phase, run.CheckpointValue.Position, reason);
            try
            {
                await job.Finish(runId, ImportJobStatus.Interrupted, run.Snapshot(), reason);
            }
            catch (Exception finishFailed)
            {
                LogFinishFailed(logger, finishFailed, file.Sha256);
            }
            throw;
        }
        finally
        {
            await stopping.CancelAsync();
            await heartbeat;
        }
    }

    /// <summary>The job's state for GET /api/operations/imports/{id}; null if there is no such import.</summary>
    public Task<ImportJobView?> GetAsync(string id) => grains.GetGrain<IImportJobGrain>(id).Get();

    public static string FormatName(ImportFormat format) => format == ImportFormat.Csv ? "csv" : "jsonl";

    private IAsyncEnumerable<ImportRow> Rows(Stream stream, ImportFormat format, CancellationToken cancellationToken) =>
        format == ImportFormat.Csv
            ? new CsvImportReader(_options.MaxRecordBytes).ReadAsync(stream, cancellationToken)
            : new JsonLinesReader(_options.MaxRecordBytes).ReadAsync(stream, cancellationToken);

    private static FileStream Open(ImportFile file) =>
        new(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan | FileOptions.Asynchronous);

    // ---- the first pass: everything is checked, nothing is stored ----

    private async Task<Plan> ValidateAsync(ImportFile file, Run run, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var plan = new Plan();
        var participantRefs = new Dictionary<string, (long Row, string Field)>(StringComparer.Ordinal);
        var goalRefs = new Dictionary<string, (long Row, string Field)>(StringComparer.Ordinal);
        await using (var stream = Open(file))
        {
            await foreach (var row in Rows(stream, file.Format, cancellationToken))
            {
                run.RecordsRead++;
                switch (row)
                {
                    case BadRow bad:
                        foreach (var (field, messages) in bad.Errors)
                            run.Error(row.Row, Field(file.Format, field), string.Join(" ", messages));
                        break;
                    case GoalRow goal:
                        var goalErrors = InputRules.Goal(goal.Definition);
                        ApiIds.Check(goalErrors, "id", goal.Id);
                        Report(run, file.Format, row.Row, goalErrors);
                        if (plan.GoalRows.TryGetValue(goal.Id, out var firstGoal))
                            run.Error(row.Row, Field(file.Format, "id"), ApiText.ImportGoalTwice(goal.Id, firstGoal.Row));
                        else if (plan.Goals.Count >= _options.MaxGoals)
                            run.Error(row.Row, Field(file.Format, ""), ApiText.ImportTooManyGoals(_options.MaxGoals));
                        else
                        {
                            plan.GoalRows[goal.Id] = goal;
                            plan.Goals.Add(goal);
                            if (goal.Definition.ParentGoalId is { } parent)
                                goalRefs.TryAdd(parent, (row.Row, "parentGoalId"));
                        }
                        break;
                    case ParticipantRow participant:
                        var participantErrors = InputRules.Registration(participant.Registration);
                        ApiIds.Check(participantErrors, "id", participant.Id);
                        Report(run, file.Format, row.Row, participantErrors);
                        if (!plan.Participants.TryAdd(participant.Id, row.Row))
                            run.Error(row.Row, Field(file.Format, "id"), ApiText.ImportParticipantTwice(participant.Id, plan.Participants[participant.Id]));
                        plan.ParticipantCount++;
                        break;
                    case CommitmentRow commitment:
                        Report(run, file.Format, row.Row, CommitmentImportRules.Check(commitment.Import, now, commitment.Id));
                        if (!plan.Commitments.TryAdd(commitment.Id, (row.Row, commitment.Import.Confirmation is not null)))
                            run.Error(row.Row, Field(file.Format, "id"), ApiText.ImportCommitmentTwice(commitment.Id, plan.Commitments[commitment.Id].Row));
                        plan.CommitmentCount++;
                        var draft = commitment.Import.Draft;
                        if (draft.ParticipantId is { Length: > 0 } participantId)
                            participantRefs.TryAdd(participantId, (row.Row, "participantId"));
                        for (var i = 0; i < (draft.Goals?.Count ?? 0); i++)
                        {
                            if (draft.Goals![i]?.GoalId is { Length: > 0 } goalId)
                                goalRefs.TryAdd(goalId, (row.Row, $"goals[{i}].goalId"));
                        }
                        break;
                }
                if (run.RecordsRead % 4096 == 0)
                    run.Totals(plan.Goals.Count, plan.ParticipantCount, plan.CommitmentCount);
            }
        }
        run.Totals(plan.Goals.Count, plan.ParticipantCount, plan.CommitmentCount);
        if (run.RecordsRead == 0)
            run.Error(1, "", ApiText.ImportNoRecords);

        CheckGoalTree(plan, run, file.Format);
        foreach (var id in plan.Participants.Keys)
            participantRefs.Remove(id);
        foreach (var id in plan.GoalRows.Keys)
            goalRefs.Remove(id);
        // The store is asked only about a file that is otherwise sound: a file of garbage costs no grain activations.
        if (run.ErrorCount == 0)
        {
            if (participantRefs.Count + goalRefs.Count > _options.MaxStoreLookups)
            {
                run.Error(1, "", ApiText.ImportTooManyLookups(participantRefs.Count + goalRefs.Count, _options.MaxStoreLookups));
            }
            else
            {
                await LookUpAsync(participantRefs, async id => await grains.GetGrain<IParticipantGrain>(id).GetProfile() is not null, "participant", run, file.Format, cancellationToken);
                await LookUpAsync(goalRefs, async id => await grains.GetGrain<IGoalGrain>(id).GetInfo() is not null, "goal", run, file.Format, cancellationToken);
            }
        }
        return plan;
    }

    private async Task LookUpAsync(Dictionary<string, (long Row, string Field)> references, Func<string, Task<bool>> exists, string what, Run run, ImportFormat format, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(references, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (reference, _) =>
        {
            if (!ApiIds.IsWellFormed(reference.Key) || !await exists(reference.Key))
                run.Error(reference.Value.Row, Field(format, reference.Value.Field), what == "participant" ? ApiText.ImportNoParticipant(reference.Key) : ApiText.ImportNoGoal(reference.Key));
        });
    }

    /// <summary>A goal whose parents, followed within the file, lead back to itself would make the tree a cycle.</summary>
    private static void CheckGoalTree(Plan plan, Run run, ImportFormat format)
    {
        foreach (var goal in plan.Goals)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { goal.Id };
            for (var parent = goal.Definition.ParentGoalId; parent is not null && plan.GoalRows.TryGetValue(parent, out var next); parent = next.Definition.ParentGoalId)
            {
                if (!seen.Add(parent))
                {
                    run.Error(goal.Row, Field(format, "parentGoalId"), ApiText.ImportGoalCycle(goal.Id));
                    break;
                }
            }
        }
    }

    private static void Report(Run run, ImportFormat format, long row, InputRules.Errors errors)
    {
        if (errors.IsValid)
            return;
        foreach (var (field, messages) in errors.ByField)
            run.Error(row, Field(format, field), string.Join(" ", messages));
    }

    /// <summary>
    /// A field of a row as the API keys it: the JSON path for JSON Lines (<c>goals[0].goalId</c>), the column for CSV
    /// (<c>goals</c>, <c>baseline</c>), where the JSON names nest what CSV flattens.
    /// </summary>
    public static string Field(ImportFormat format, string field)
    {
        if (format == ImportFormat.JsonLines || field.Length == 0 || field == "header")
            return field;
        var root = field.Split('.', '[')[0];
        if (root is "goals" or "scope")
            return root;
        if (field.StartsWith("terms.milestones", StringComparison.Ordinal) || field.StartsWith("milestones", StringComparison.Ordinal))
            return "actions";
        if (field == "reportingInterval")
            return "reportingIntervalDays";
        if (field == "confirmation.language")
            return "textLanguage";
        var last = field[(field.LastIndexOf('.') + 1)..];
        return last switch
        {
            "level" or "title" or "description" or "metric" or "unit" or "baseline" or "target" or "deadline" or "confirmedBy" or "signedAt" or "textHash" => last,
            _ => field,
        };
    }

    // ---- the second pass: loading ----

    private async Task LoadGoalsAsync(Plan plan, ImportCheckpoint resumeFrom, Run run, CancellationToken cancellationToken)
    {
        run.Phase = ImportPhase.Goals;
        if (resumeFrom.Phase > ImportPhase.Goals)
        {
            run.Goals.Skipped = plan.Goals.Count;
            return;
        }
        // Parents first: by depth within the file (a parent outside it is stored already).
        int Depth(GoalRow goal)
        {
            var depth = 0;
            for (var parent = goal.Definition.ParentGoalId; parent is not null && plan.GoalRows.TryGetValue(parent, out var next); parent = next.Definition.ParentGoalId)
                depth++;
            return depth;
        }
        foreach (var level in plan.Goals.GroupBy(Depth).OrderBy(g => g.Key))
        {
            await Parallel.ForEachAsync(level, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (goal, _) =>
            {
                var grain = grains.GetGrain<IGoalGrain>(goal.Id);
                try
                {
                    var existed = await grain.GetInfo() is not null;
                    await grain.DefineAs(goal.Definition, run.StartedBy ?? "import");
                    if (existed)
                        Interlocked.Increment(ref run.Goals.AlreadyThere);
                    else
                        Interlocked.Increment(ref run.Goals.Created);
                }
                catch (Exception ex) when (ex is StateConflictException or InputRejectedException)
                {
                    Interlocked.Increment(ref run.Goals.Failed);
                    run.Error(goal.Row, "id", ex.Message);
                }
            });
        }
    }

    private async Task LoadParticipantsAsync(ImportFile file, ImportCheckpoint resumeFrom, Run run, CancellationToken cancellationToken)
    {
        run.Phase = ImportPhase.Participants;
        var start = resumeFrom.Phase switch
        {
            ImportPhase.Participants => resumeFrom.Position,
            > ImportPhase.Participants => long.MaxValue,
            _ => 0,
        };
        var tracker = new OrderedCompletion(start);
        using var slots = new SemaphoreSlim(_options.Concurrency);
        var inFlight = new List<Task>();
        var batch = new List<ImportedParticipant>(_options.BatchSize);
        long ordinal = 0, batchStart = 0;
        await using (var stream = Open(file))
        {
            await foreach (var row in Rows(stream, file.Format, cancellationToken))
            {
                if (row is not ParticipantRow participant)
                    continue;
                if (ordinal++ < start)
                {
                    run.Participants.Skipped++;
                    continue;
                }
                if (batch.Count == 0)
                    batchStart = ordinal - 1;
                batch.Add(new ImportedParticipant(participant.Id, participant.Registration, participant.Row));
                if (batch.Count >= _options.BatchSize)
                {
                    inFlight.Add(await DispatchAsync(batch, batchStart, ordinal));
                    batch = new List<ImportedParticipant>(_options.BatchSize);
                }
                inFlight.RemoveAll(t => t.IsCompletedSuccessfully);
                if (inFlight.Find(t => t.IsFaulted || t.IsCanceled) is { } failed)
                    await failed;
            }
        }
        if (batch.Count > 0)
            inFlight.Add(await DispatchAsync(batch, batchStart, ordinal));
        await Task.WhenAll(inFlight);

        async Task<Task> DispatchAsync(List<ImportedParticipant> participants, long from, long to)
        {
            await slots.WaitAsync(cancellationToken);
            return Task.Run(async () =>
            {
                try
                {
                    var results = await WithRetries(() => Loader.RegisterParticipants(participants), cancellationToken);
                    Tally(run, run.Participants, results, file.Format);
                    run.Checkpoint(ImportPhase.Participants, tracker.Complete(from, to));
                }
                finally
                {
                    slots.Release();
                }
            }, cancellationToken);
        }
    }

    private async Task LoadCommitmentsAsync(ImportFile file, ImportCheckpoint resumeFrom, Run run, CancellationToken cancellationToken)
    {
        run.Phase = ImportPhase.Commitments;
        var start = resumeFrom.Phase == ImportPhase.Commitments ? resumeFrom.Position : 0;
        var tracker = new OrderedCompletion(start);
        using var slots = new SemaphoreSlim(_options.Concurrency);
        var inFlight = new List<Task>();
        var window = new List<ImportedCommitment>(_options.WindowSize);
        long ordinal = 0, windowStart = start;
        run.StartRate();
        await using (var stream = Open(file))
        {
            await foreach (var row in Rows(stream, file.Format, cancellationToken))
            {
                if (row is not CommitmentRow commitment)
                    continue;
                if (ordinal++ < start)
                {
                    run.Commitments.Skipped++;
                    continue;
                }
                window.Add(new ImportedCommitment(commitment.Id, commitment.Import, commitment.Row));
                if (window.Count >= _options.WindowSize)
                {
                    await DispatchWindowAsync(window, windowStart, ordinal);
                    window = new List<ImportedCommitment>(_options.WindowSize);
                    windowStart = ordinal;
                }
            }
        }
        if (window.Count > 0)
            await DispatchWindowAsync(window, windowStart, ordinal);
        await Task.WhenAll(inFlight);

        // A window's commitments are grouped by participant and packed into batches; the checkpoint passes the window
        // once all its batches are done (and every window before it).
        async Task DispatchWindowAsync(List<ImportedCommitment> commitments, long from, long to)
        {
            var batches = Pack(commitments);
            var outstanding = batches.Count;
            foreach (var batch in batches)
            {
                await slots.WaitAsync(cancellationToken);
                inFlight.Add(Task.Run(async () =>
                {
                    try
                    {
                        var results = await WithRetries(() => Loader.LoadCommitments(batch), cancellationToken);
                        Tally(run, run.Commitments, results, file.Format);
                        if (Interlocked.Decrement(ref outstanding) == 0)
                            run.Checkpoint(ImportPhase.Commitments, tracker.Complete(from, to));
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, cancellationToken));
                inFlight.RemoveAll(t => t.IsCompletedSuccessfully);
                if (inFlight.Find(t => t.IsFaulted || t.IsCanceled) is { } failed)
                    await failed;
            }
        }
    }

    /// <summary>Batches of at most BatchSize commitments; a participant's commitments of the window stay together unless they are more than that.</summary>
    private List<List<ImportedCommitment>> Pack(List<ImportedCommitment> commitments)
    {
        var batches = new List<List<ImportedCommitment>>();
        var current = new List<ImportedCommitment>(_options.BatchSize);
        foreach (var group in commitments.GroupBy(c => c.Import.Draft.ParticipantId, StringComparer.Ordinal))
        {
            foreach (var part in group.Chunk(_options.BatchSize))
            {
                if (current.Count + part.Length > _options.BatchSize)
                {
                    batches.Add(current);
                    current = new List<ImportedCommitment>(_options.BatchSize);
                }
                current.AddRange(part);
            }
        }
        if (current.Count > 0)
            batches.Add(current);
        return batches;
    }

    private static void Tally(Run run, Run.Counts counts, IReadOnlyList<ImportRowResult> results, ImportFormat format)
    {
        foreach (var result in results)
        {
            switch (result.Status)
            {
                case ImportRowStatus.Created:
                    Interlocked.Increment(ref counts.Created);
                    break;
                case ImportRowStatus.AlreadyThere:
                    Interlocked.Increment(ref counts.AlreadyThere);
                    break;
                default:
                    Interlocked.Increment(ref counts.Failed);
                    run.Error(result.Row, Field(format, result.Field ?? ""), result.Message ?? "Refused.");
                    break;
            }
        }
    }

    /// <summary>A batch that fails for the platform's reasons (a timeout, a silo leaving) is sent again: every step is idempotent.</summary>
    private static async Task<T> WithRetries<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (attempt < 3 && ex is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), cancellationToken);
            }
        }
    }

    private static async Task WithRetries(Func<Task> call, CancellationToken cancellationToken) =>
        await WithRetries(async () =>
        {
            await call();
            return true;
        }, cancellationToken);

    /// <summary>Every heartbeat interval: the progress, and the checkpoint when it moved. A refused heartbeat (another run took over) stops this run.</summary>
    private async Task HeartbeatAsync(IImportJobGrain job, string importId, string runId, Run run, CancellationTokenSource stopping)
    {
        ImportCheckpoint? persisted = null;
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping.Token))
            {
                var checkpoint = run.CheckpointValue;
                var moved = run.Phase != ImportPhase.Validating && checkpoint != persisted;
                try
                {
                    if (!await job.Report(runId, run.Snapshot(), moved ? checkpoint : null))
                    {
                        run.LeaseLost = true;
                        await stopping.CancelAsync();
                        return;
                    }
                    if (moved)
                        persisted = checkpoint;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogHeartbeatFailed(logger, ex, importId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    /// <summary>The first pass's findings: the goals (in memory, to load parents first), and the ids of participants and commitments.</summary>
    private sealed class Plan
    {
        public List<GoalRow> Goals { get; } = [];
        public Dictionary<string, GoalRow> GoalRows { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> Participants { get; private set; } = new(StringComparer.Ordinal);
        public Dictionary<string, (long Row, bool Confirmed)> Commitments { get; private set; } = new(StringComparer.Ordinal);
        public long ParticipantCount { get; set; }
        public long CommitmentCount { get; set; }

        /// <summary>The ids are needed no more once the reminders are listed: a million of them are worth giving back.</summary>
        public void ReleaseIds()
        {
            Participants = new(StringComparer.Ordinal);
            Commitments = new(StringComparer.Ordinal);
        }
    }

    /// <summary>What one run counts, shared by its batches.</summary>
    private sealed class Run(int maxErrors)
    {
        public sealed class Counts
        {
            public long InFile;
            public long Created;
            public long AlreadyThere;
            public long Failed;
            public long Skipped;

            public ImportCounts ToCounts() => new(InFile, Interlocked.Read(ref Created), Interlocked.Read(ref AlreadyThere), Interlocked.Read(ref Failed), Skipped);
        }

        private readonly ConcurrentBag<ImportRowError> _errors = [];
        private long _errorCount;
        private long _rateStarted;
        private long _rateBase;
        private ImportCheckpoint _checkpoint = ImportCheckpoint.Start;

        public Counts Goals { get; } = new();
        public Counts Participants { get; } = new();
        public Counts Commitments { get; } = new();
        public long RecordsRead { get; set; }
        public ImportPhase Phase { get; set; } = ImportPhase.Validating;
        public string? StartedBy { get; set; }
        public bool LeaseLost { get; set; }
        public long ErrorCount => Interlocked.Read(ref _errorCount);
        public long Failed => Interlocked.Read(ref Goals.Failed) + Interlocked.Read(ref Participants.Failed) + Interlocked.Read(ref Commitments.Failed);
        public ImportCheckpoint CheckpointValue => Volatile.Read(ref _checkpoint);

        public void Checkpoint(ImportPhase phase, long position)
        {
            lock (this)
            {
                var current = _checkpoint;
                if (phase > current.Phase || (phase == current.Phase && position > current.Position))
                    Volatile.Write(ref _checkpoint, new ImportCheckpoint(phase, position));
            }
        }

        public void Totals(long goals, long participants, long commitments)
        {
            Goals.InFile = goals;
            Participants.InFile = participants;
            Commitments.InFile = commitments;
        }

        public void Error(long row, string field, string message)
        {
            // The first errors by row are what an answer lists; keep a few more than that while rows arrive out of order.
            if (Interlocked.Increment(ref _errorCount) <= maxErrors * 4L)
                _errors.Add(new ImportRowError(row, field.Length == 0 ? $"rows[{row}]" : $"rows[{row}].{field}", message));
        }

        public IReadOnlyList<ImportRowError> SortedErrors() => [.. _errors.OrderBy(e => e.Row).ThenBy(e => e.Field, StringComparer.Ordinal).Take(maxErrors)];

        public void StartRate()
        {
            _rateBase = Commitments.Created + Commitments.AlreadyThere + Commitments.Failed;
            _rateStarted = Stopwatch.GetTimestamp();
        }

        public double Rate()
        {
            if (_rateStarted == 0)
                return 0;
            var seconds = Stopwatch.GetElapsedTime(_rateStarted).TotalSeconds;
            var done = Interlocked.Read(ref Commitments.Created) + Interlocked.Read(ref Commitments.AlreadyThere) + Interlocked.Read(ref Commitments.Failed) - _rateBase;
            return seconds <= 0 ? 0 : done / seconds;
        }

        public ImportProgress Snapshot()
        {
            var commitments = Commitments.ToCounts();
            var rate = Rate();
            double? left = rate > 0 && Phase == ImportPhase.Commitments ? (commitments.InFile - commitments.Done) / rate : null;
            return new ImportProgress(Phase, RecordsRead, Goals.ToCounts(), Participants.ToCounts(), commitments, Math.Round(rate, 1),
                left is { } l ? Math.Round(l, 1) : null, SortedErrors(), ErrorCount);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} ({Format}, {Bytes} bytes) started by {StartedBy}, from {Phase} {Position}")]
    private static partial void LogStarted(ILogger logger, string importId, string format, long bytes, string startedBy, ImportPhase phase, long position);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} done: {Created} commitments created, {AlreadyThere} there already, {Failed} rows failed, in {Seconds:N1} s ({Rate:N0} commitments/s)")]
    private static partial void LogFinished(ILogger logger, string importId, long created, long alreadyThere, long failed, double seconds, double rate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId} stopped at {Phase} {Position}: {Reason}; running it again continues from there")]
    private static partial void LogInterrupted(ILogger logger, Exception ex, string importId, ImportPhase phase, long position, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId} could not record that its run stopped; the next run takes over when the lease runs out")]
    private static partial void LogFinishFailed(ILogger logger, Exception ex, string importId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Import {ImportId}: a heartbeat failed; the next one repeats it")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception ex, string importId);
}

/// <summary>Ranges of ordinals completed in any order; <see cref="Complete"/> answers the low-water mark: everything before it is done.</summary>
internal sealed class OrderedCompletion(long start)
{
    private readonly SortedDictionary<long, long> _done = [];
    private long _mark = start;

    public long Complete(long from, long to)
    {
        lock (_done)
        {
            _done[from] = to;
            while (_done.Remove(_mark, out var end))
                _mark = end;
            return _mark;
        }
    }
}
