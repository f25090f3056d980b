using CivicContracting.Commitments;

namespace CivicContracting.Coaching;

/// <summary>
/// A commitment the support team should look at: why its report is due (<see cref="Reason"/>), since when
/// (<see cref="Since"/>), whose it is and where, and how often its owner was reminded.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.CoachQueueEntry.v1")]
public sealed record CoachQueueEntry(
    [property: Id(0)] string CommitmentId,
    [property: Id(1)] ReportingDueReason Reason,
    [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] string ParticipantId,
    [property: Id(4)] string NeighbourhoodCode,
    [property: Id(5)] string Title,
    [property: Id(6)] int NudgeCount,
    [property: Id(7)] DateTimeOffset? LastNudgedAt);

/// <summary>
/// The coaches' queue (one grain, key <see cref="CoachQueue.Key"/>): commitments whose report is due, put there by the
/// commitments' reminders and taken out by the commitments themselves on their next report or closure. Durable. It
/// calls nobody: commitments call it, the web tier reads it.
/// </summary>
public interface ICoachQueueGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or replaces the commitment's entry; returns once durable (no write when nothing changed).</summary>
    Task Put(CoachQueueEntry entry);

    /// <summary>Takes the commitment out; returns once durable. A no-op if it is not queued.</summary>
    Task Remove(string commitmentId);

    /// <summary>The queue, longest waiting first (by <see cref="CoachQueueEntry.Since"/>, then id).</summary>
    Task<IReadOnlyList<CoachQueueEntry>> GetEntries();
}

public static class CoachQueue
{
    /// <summary>The key of the platform's one <see cref="ICoachQueueGrain"/>.</summary>
    public const long Key = 0;

    /// <summary>The most entries the queue holds; beyond it the newest due commitments wait for room (they are put again at their next reminder).</summary>
    public const int MaxEntries = 50_000;
}
