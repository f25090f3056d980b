using Orleans.Concurrency;

namespace CivicContracting.Commitments;

/// <summary>
/// What a commitment tells a commitment that wants to depend on it (a reciprocal condition): whether it accepts
/// dependants and when it was first confirmed (null while it is not).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.ConditionTarget.v1")]
public sealed record ConditionTarget(
    [property: Id(0)] string CommitmentId,
    [property: Id(1)] bool Accepted,
    [property: Id(2)] string? RefusalReason,
    [property: Id(3)] DateTimeOffset? ConfirmedAt);

/// <summary>
/// The commitments' coordination with each other, on the same activation as <see cref="ICommitmentGrain"/> (same key).
/// Not for the web tier. Calls only go one way, so no two commitment grains ever await each other: a dependant awaits
/// the commitment it depends on (<see cref="RegisterDependant"/>, <see cref="GetConditionTarget"/>), a copy awaits its
/// template (<see cref="RegisterCopy"/>); the other direction is one-way (<see cref="ConditionTargetConfirmed"/>), and
/// so is the deadline index's call (<see cref="ConditionDeadlinePassed"/>).
/// </summary>
public interface ICommitmentLinkGrain : IGrainWithStringKey
{
    /// <summary>
    /// Called by a new commitment with a reciprocal condition on this one, at its creation. Null if this commitment does
    /// not exist. Registers the dependant only if accepted (not a template, not withdrawn before any confirmation), so
    /// that this commitment's confirmation tells it.
    /// </summary>
    Task<ConditionTarget?> RegisterDependant(string dependantId);

    /// <summary>The same answer without registering anything (a dependant checks again before its condition lapses).</summary>
    Task<ConditionTarget?> GetConditionTarget();

    /// <summary>Called by a copy of this template after the copy was created: the template lists it. Idempotent.</summary>
    Task RegisterCopy(string copyId);

    /// <summary>One-way, from the commitment this one depends on: it was confirmed (first) at <paramref name="confirmedAt"/>.</summary>
    [OneWay]
    Task ConditionTargetConfirmed(string commitmentId, DateTimeOffset confirmedAt);

    /// <summary>
    /// One-way, from earlier versions' <see cref="ICommitmentDeadlineGrain"/>: the condition's deadline has passed. The commitment checks
    /// against its own clock, so an early call changes nothing; a reciprocal condition looks at its target once more.
    /// </summary>
    [OneWay]
    Task ConditionDeadlinePassed();
}

/// <summary>A commitment whose condition is waiting, and when it lapses unless met.</summary>
[GenerateSerializer, Immutable, Alias("cc.PendingDeadline.v1")]
public sealed record PendingDeadline(
    [property: Id(0)] string CommitmentId,
    [property: Id(1)] DateTimeOffset Deadline);

/// <summary>
/// Earlier versions' durable list of conditional commitments whose condition is still waiting (one grain, key
/// <see cref="CommitmentDeadlines.IndexKey"/>, written whole per change). A waiting condition's deadline is now the
/// commitment's entry in the reporting schedule (<see cref="IReportingScheduleGrain"/>), and nothing is tracked here any
/// more; the grain keeps telling the commitments it still lists when their deadlines pass (its timer calls
/// <see cref="ExpireDue"/>, a keep-alive wakes it), and they untrack themselves as before. Commitments call it; it calls
/// them one-way only.
/// </summary>
public interface ICommitmentDeadlineGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or moves a commitment's deadline; returns once durable.</summary>
    Task Track(string commitmentId, DateTimeOffset deadline);

    /// <summary>Forgets a commitment (its condition was met or lapsed); returns once durable. A no-op if unknown.</summary>
    Task Untrack(string commitmentId);

    /// <summary>
    /// Tells every commitment whose deadline has passed (by this grain's clock) one-way, and returns how many were due.
    /// What the timer runs; each stays listed until it untracks itself, and is told again after a while if it does not.
    /// </summary>
    Task<int> ExpireDue();

    /// <summary>The waiting deadlines, earliest first.</summary>
    Task<IReadOnlyList<PendingDeadline>> GetPending();

    /// <summary>Activates the index (and with it its timer).</summary>
    Task Ping();
}

public static class CommitmentDeadlines
{
    /// <summary>The key of the one <see cref="ICommitmentDeadlineGrain"/>.</summary>
    public const long IndexKey = 0;
}
