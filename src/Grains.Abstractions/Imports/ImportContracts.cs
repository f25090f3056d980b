using CivicContracting.Commitments;
using CivicContracting.Participants;

namespace CivicContracting.Imports;

/// <summary>A participant of an import file: its id, registration, and the file's row it came from (for errors).</summary>
[GenerateSerializer, Immutable, Alias("cc.ImportedParticipant.v1")]
public sealed record ImportedParticipant(
    [property: Id(0)] string Id,
    [property: Id(1)] ParticipantRegistration Registration,
    [property: Id(2)] long Row);

/// <summary>A commitment of an import file: its id, what to import, and the file's row it came from.</summary>
[GenerateSerializer, Immutable, Alias("cc.ImportedCommitment.v1")]
public sealed record ImportedCommitment(
    [property: Id(0)] string Id,
    [property: Id(1)] CommitmentImport Import,
    [property: Id(2)] long Row);

public enum ImportRowStatus
{
    Created = 0,
    AlreadyThere = 1,

    /// <summary>Refused (a conflict with what is stored under the id, or a rule): <see cref="ImportRowResult.Message"/> says why; nothing of the row was stored.</summary>
    Failed = 2,
}

/// <summary>What became of one row. <see cref="Field"/> names the field at fault (API names, e.g. <c>participantId</c>; empty: the row).</summary>
[GenerateSerializer, Immutable, Alias("cc.ImportRowResult.v1")]
public sealed record ImportRowResult(
    [property: Id(0)] long Row,
    [property: Id(1)] ImportRowStatus Status,
    [property: Id(2)] string? Field = null,
    [property: Id(3)] string? Message = null);

/// <summary>
/// Loads an import's participants and commitments inside the silo, through the grains' own methods, so that a web host
/// in client mode sends one message per batch instead of several per record. A stateless worker: as many activations
/// per silo as it needs, no state. A refused row (conflict, rule) is answered in its result; a failure of the platform
/// (storage, timeout) fails the call, and the caller repeats the batch (every step is idempotent).
/// </summary>
public interface IImportLoaderGrain : IGrainWithIntegerKey
{
    /// <summary><see cref="IParticipantGrain.Register"/> for each, concurrently; a registration that exists with other details fails its row.</summary>
    Task<IReadOnlyList<ImportRowResult>> RegisterParticipants(IReadOnlyList<ImportedParticipant> participants);

    /// <summary>
    /// <see cref="ICommitmentImportGrain.Import"/> for each commitment, concurrently, then one
    /// <see cref="IParticipantGrain.AddCommitments"/> per participant with the ones that are stored.
    /// </summary>
    Task<IReadOnlyList<ImportRowResult>> LoadCommitments(IReadOnlyList<ImportedCommitment> commitments);
}

public enum ImportPhase
{
    /// <summary>Receiving and checking the file; nothing is stored yet.</summary>
    Validating = 0,
    Goals = 1,
    Participants = 2,
    Commitments = 3,
    Done = 4,
}

public enum ImportJobStatus
{
    Validating = 0,
    Loading = 1,
    Completed = 2,

    /// <summary>A run stopped before the end (cancelled, failed, or its process died): the next run continues from the checkpoint.</summary>
    Interrupted = 3,

    /// <summary>The file has errors: nothing was loaded.</summary>
    Rejected = 4,
}

/// <summary>
/// How far a job got: every record of <see cref="Phase"/>'s kind before <see cref="Position"/> (its ordinal among the
/// file's records of that kind) is loaded, and every record of the earlier phases.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.ImportCheckpoint.v1")]
public sealed record ImportCheckpoint(
    [property: Id(0)] ImportPhase Phase,
    [property: Id(1)] long Position)
{
    public static ImportCheckpoint Start { get; } = new(ImportPhase.Goals, 0);
}

/// <summary>Records of one kind: in the file, created now, there already, failed, and skipped because an earlier run loaded them (checkpoint).</summary>
[GenerateSerializer, Immutable, Alias("cc.ImportCounts.v1")]
public sealed record ImportCounts(
    [property: Id(0)] long InFile,
    [property: Id(1)] long Created = 0,
    [property: Id(2)] long AlreadyThere = 0,
    [property: Id(3)] long Failed = 0,
    [property: Id(4)] long Skipped = 0)
{
    public static ImportCounts None { get; } = new(0);

    public long Done => Created + AlreadyThere + Failed + Skipped;
}

/// <summary>An error of one row: <see cref="Field"/> as the API keys it (<c>rows[17].goals[0].goalId</c>).</summary>
[GenerateSerializer, Immutable, Alias("cc.ImportRowError.v1")]
public sealed record ImportRowError(
    [property: Id(0)] long Row,
    [property: Id(1)] string Field,
    [property: Id(2)] string Message);

/// <summary>
/// Where a run stands: its phase, the records read so far (while validating) and the counts per kind, the load rate of
/// commitments in this run and the estimated time left, and the first row errors.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.ImportProgress.v1")]
public sealed record ImportProgress(
    [property: Id(0)] ImportPhase Phase,
    [property: Id(1)] long RecordsRead,
    [property: Id(2)] ImportCounts Goals,
    [property: Id(3)] ImportCounts Participants,
    [property: Id(4)] ImportCounts Commitments,
    [property: Id(5)] double CommitmentsPerSecond,
    [property: Id(6)] double? SecondsLeft,
    [property: Id(7)] IReadOnlyList<ImportRowError> Errors,
    [property: Id(8)] long ErrorCount)
{
    public static ImportProgress Empty { get; } = new(ImportPhase.Validating, 0, ImportCounts.None, ImportCounts.None, ImportCounts.None, 0, null, [], 0);
}

/// <summary>What a run asks when it starts: who runs it, the file, and how long its lease lasts without a heartbeat.</summary>
[GenerateSerializer, Immutable, Alias("cc.ImportJobStart.v1")]
public sealed record ImportJobStart(
    [property: Id(0)] string RunId,
    [property: Id(1)] string Format,
    [property: Id(2)] long Bytes,
    [property: Id(3)] string StartedBy,
    [property: Id(4)] TimeSpan LeaseTimeout,
    [property: Id(5)] bool Again = false);

/// <summary>
/// One import, known by the SHA-256 of its file: where it stands, which run holds it (<see cref="RunId"/>, renewed by
/// its heartbeats), its durable <see cref="Checkpoint"/> and progress, and how many runs it took.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.ImportJobView.v1")]
public sealed record ImportJobView(
    [property: Id(0)] string Id,
    [property: Id(1)] ImportJobStatus Status,
    [property: Id(2)] string Format,
    [property: Id(3)] long Bytes,
    [property: Id(4)] string StartedBy,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] DateTimeOffset UpdatedAt,
    [property: Id(7)] DateTimeOffset? FinishedAt,
    [property: Id(8)] ImportCheckpoint Checkpoint,
    [property: Id(9)] ImportProgress Progress,
    [property: Id(10)] int Runs,
    [property: Id(11)] string? RunId,
    [property: Id(12)] string? Message,
    [property: Id(13)] TimeSpan? Duration);

public enum ImportLeaseOutcome
{
    /// <summary>This run holds the job; it starts from <see cref="ImportJobView.Checkpoint"/>.</summary>
    Granted = 0,

    /// <summary>Another run holds the job and sent a heartbeat within its lease.</summary>
    Busy = 1,

    /// <summary>The file was loaded completely before; nothing to do unless asked to run it again.</summary>
    Completed = 2,
}

[GenerateSerializer, Immutable, Alias("cc.ImportLease.v1")]
public sealed record ImportLease(
    [property: Id(0)] ImportLeaseOutcome Outcome,
    [property: Id(1)] ImportJobView Job);

/// <summary>
/// The durable record of one import, keyed by the lowercase hex SHA-256 of its file: the same file is the same job,
/// so a file loaded again is recognised, and a run that stopped (its process killed) is continued by the next one from
/// the checkpoint. One run at a time holds the job; it sends a heartbeat with its progress every second or so and a
/// checkpoint when the records before a point are all loaded (written at once); a run whose heartbeats stop for its
/// lease's length is taken over by the next start.
/// </summary>
public interface IImportJobGrain : IGrainWithStringKey
{
    Task<ImportLease> Start(ImportJobStart start);

    /// <summary>
    /// A heartbeat with the run's progress (kept in memory) and, when given, a checkpoint (written with the progress
    /// before the call returns). False when <paramref name="runId"/> no longer holds the job: the run must stop.
    /// </summary>
    Task<bool> Report(string runId, ImportProgress progress, ImportCheckpoint? checkpoint);

    /// <summary>Ends the run: <see cref="ImportJobStatus.Completed"/>, <see cref="ImportJobStatus.Rejected"/> or <see cref="ImportJobStatus.Interrupted"/>, with its last progress.</summary>
    Task<ImportJobView> Finish(string runId, ImportJobStatus status, ImportProgress progress, string? message);

    /// <summary>The job, or null if no run ever started it.</summary>
    Task<ImportJobView?> Get();
}

/// <summary>The key of <see cref="IImportJobGrain"/>: 64 lowercase hex digits.</summary>
public static class ImportJobIds
{
    public static bool IsWellFormed(string? id) =>
        id is { Length: 64 } && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
