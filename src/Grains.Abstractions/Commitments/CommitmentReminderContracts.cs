using Orleans.Concurrency;

namespace CivicContracting.Commitments;

/// <summary>
/// The commitments' reporting reminders and the coaches' nudges, on the same activation as <see cref="ICommitmentGrain"/>
/// (same key). A bucket of the reporting schedule calls <see cref="ReportingDue"/> when the commitment's reminder is due;
/// the sweeper's one-time move from the reminder index of earlier versions calls <see cref="RestoreReminder"/>; the web
/// tier calls <see cref="Nudge"/> for a coach (after checking the caller is one).
/// </summary>
public interface ICommitmentCoachingGrain : IGrainWithStringKey
{
    /// <summary>
    /// One-way, from the move off the reminder index of earlier versions (<see cref="IReportingSweeperGrain.DrainReminderIndex"/>):
    /// schedules this commitment's reporting reminder in the <see cref="IReportingScheduleGrain">reporting schedule</see>
    /// if it is reported on.
    /// </summary>
    [OneWay]
    Task RestoreReminder();

    /// <summary>
    /// From the reporting schedule's bucket at <paramref name="slot"/> of the hour of <paramref name="dueAt"/>: the entry
    /// due at <paramref name="dueAt"/> came due. If it is the commitment's current reminder, the commitment nudges its
    /// owner and queues itself when a report is due, schedules its next reminder and tells the bucket it is done; an
    /// out-of-date entry (the reminder was moved or dropped) is only marked done. The bucket does not wait for the answer.
    /// </summary>
    Task ReportingDue(DateTimeOffset dueAt, int slot);

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
/// Earlier versions' durable list of commitments with a reporting reminder (where the reminder table was in memory), in
/// <see cref="CommitmentReminderIndex.ShardCount"/> shards (key <see cref="CommitmentReminderIndex.ShardFor"/>). Kept only
/// so existing databases move to the reporting schedule: <see cref="IReportingSweeperGrain.DrainReminderIndex"/> has
/// every shard <see cref="Drain"/> itself once. Nothing lists commitments in it any more.
/// </summary>
public interface ICommitmentReminderIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Lists a commitment; returns once durable. A no-op if listed. (Earlier versions; tests emulate them with it.)</summary>
    Task Track(string commitmentId);

    /// <summary>Forgets a commitment; returns once durable. A no-op if unknown.</summary>
    Task Untrack(string commitmentId);

    /// <summary>
    /// Tells every listed commitment, one-way, to schedule its reporting reminder (<see cref="ICommitmentCoachingGrain.RestoreReminder"/>),
    /// then empties the shard (one write, none when it is empty). Returns how many were told.
    /// </summary>
    Task<int> Drain();

    /// <summary>The listed commitments, in id order.</summary>
    Task<IReadOnlyList<string>> GetTracked();
}

public static class CommitmentReminderIndex
{
    /// <summary>Shards of the index of earlier versions.</summary>
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
