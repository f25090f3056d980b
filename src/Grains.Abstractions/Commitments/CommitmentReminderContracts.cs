using Orleans.Concurrency;

namespace CivicContracting.Commitments;

/// <summary>
/// The commitments' reporting reminders and the coaches' nudges, on the same activation as <see cref="ICommitmentGrain"/>
/// (same key). The <see cref="ICommitmentReminderIndexGrain"/> calls <see cref="RestoreReminder"/>, one-way, when a silo
/// starts; the web tier calls <see cref="Nudge"/> for a coach (after checking the caller is one).
/// </summary>
public interface ICommitmentCoachingGrain : IGrainWithStringKey
{
    /// <summary>
    /// One-way, from the reminder index at a silo's start: registers this commitment's reporting reminder again (the
    /// in-memory reminder table of the embedded profiles starts empty), or leaves the index if it needs none any more.
    /// </summary>
    [OneWay]
    Task RestoreReminder();

    /// <summary>
    /// A coach asks the owner for a progress report by hand: only a commitment that is reported on (confirmed or active,
    /// in force) can be nudged, else <see cref="Validation.StateConflictException"/>. <paramref name="message"/>: optional,
    /// at most <see cref="ManualNudge.MaxMessageLength"/> characters. Counts as a nudge (<see cref="CommitmentView.NudgeCount"/>,
    /// <see cref="CommitmentView.LastNudgedAt"/>, so the automatic reminder waits a reporting interval before it nudges
    /// again), tells the owner's participant topic (<see cref="Following.FeedEventKind.ReportDue"/>) and updates the
    /// commitment's coach-queue entry. Written without a new version: a nudge changes no terms, status or progress.
    /// </summary>
    Task<CommitmentView> Nudge(string coachId, string? message);

    /// <summary>The last nudge a coach sent by hand (null if none): for the support team's pages, not the public view.</summary>
    Task<ManualNudge?> GetLastManualNudge();
}

/// <summary>A nudge a coach sent by hand: who, when, and the message to the owner (if any).</summary>
[GenerateSerializer, Immutable, Alias("cc.ManualNudge.v1")]
public sealed record ManualNudge(
    [property: Id(0)] string CoachId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string? Message)
{
    public const int MaxMessageLength = 500;
    public const int MaxCoachIdLength = 200;
}

/// <summary>
/// Where the reminder table is in memory (the embedded SQLite default, the Memory profile, the test clusters): the
/// durable list of commitments that have a reporting reminder, in <see cref="CommitmentReminderIndex.ShardCount"/>
/// shards (key <see cref="CommitmentReminderIndex.ShardFor"/>). A hosted service on every silo calls
/// <see cref="RestoreAll"/> at start, so each listed commitment registers its reminder again and reminders survive a
/// restart. Commitments call it (awaited); it calls them one-way only.
/// </summary>
public interface ICommitmentReminderIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Lists a commitment; returns once durable. A no-op if listed.</summary>
    Task Track(string commitmentId);

    /// <summary>
    /// Lists several commitments of this shard in one write (an operator import, before it loads them, so that each
    /// commitment's own <see cref="Track"/> finds itself listed and writes nothing); returns once durable. Ids listed
    /// already are skipped. A no-op where reminders are durable themselves (no index is kept). A listed id whose
    /// commitment is never stored leaves the index at the next start, when told to register its reminder.
    /// </summary>
    Task TrackMany(IReadOnlyList<string> commitmentIds);

    /// <summary>Forgets a commitment; returns once durable. A no-op if unknown.</summary>
    Task Untrack(string commitmentId);

    /// <summary>Tells every listed commitment, one-way, to register its reminder again; returns how many were told.</summary>
    Task<int> RestoreAll();

    /// <summary>The listed commitments, in id order.</summary>
    Task<IReadOnlyList<string>> GetTracked();
}

public static class CommitmentReminderIndex
{
    /// <summary>Shards of the index, so that one write never carries every commitment of the city.</summary>
    public const int ShardCount = 64;

    /// <summary>The index shard that lists <paramref name="commitmentId"/> (FNV-1a of the id).</summary>
    public static long ShardFor(string commitmentId)
    {
        ArgumentNullException.ThrowIfNull(commitmentId);
        uint hash = 2166136261;
        foreach (var c in commitmentId)
        {
            hash ^= c;
            hash *= 16777619;
        }
        return hash % ShardCount;
    }
}
