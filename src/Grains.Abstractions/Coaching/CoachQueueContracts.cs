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
/// One shard of the coaches' queue (<see cref="CoachQueue.ShardCount"/> grains, key <see cref="CoachQueue.ShardFor"/>):
/// commitments whose report is due, put there by the commitments' reminders and taken out by the commitments themselves
/// on their next report or closure. Durable; a shard's write carries only its share of the queue. It calls nobody:
/// commitments call it, the web tier reads all shards (<see cref="CoachQueue.ReadAllAsync"/>).
/// </summary>
public interface ICoachQueueGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or replaces the commitment's entry; returns once durable (no write when nothing changed).</summary>
    Task Put(CoachQueueEntry entry);

    /// <summary>Takes the commitment out; returns once durable. A no-op if it is not queued here.</summary>
    Task Remove(string commitmentId);

    /// <summary>This shard's entries, longest waiting first (by <see cref="CoachQueueEntry.Since"/>, then id).</summary>
    Task<IReadOnlyList<CoachQueueEntry>> GetEntries();
}

public static class CoachQueue
{
    /// <summary>
    /// The first shard, which in earlier versions was the whole queue: entries it still holds for commitments of other
    /// shards are read with the rest and removed when those commitments leave the queue.
    /// </summary>
    public const long Key = 0;

    /// <summary>Shards of the queue, so that putting or removing one commitment writes about 1/64 of it.</summary>
    public const int ShardCount = 64;

    /// <summary>The most entries the queue holds, about; beyond it the newest due commitments wait for room (they are put again at their next reminder).</summary>
    public const int MaxEntries = 50_000;

    /// <summary>The most entries one shard holds.</summary>
    public const int MaxEntriesPerShard = MaxEntries / ShardCount;

    /// <summary>The shard that holds <paramref name="commitmentId"/>'s entry (FNV-1a of the id).</summary>
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

    /// <summary>
    /// The whole queue, longest waiting first (by <see cref="CoachQueueEntry.Since"/>, then id): every shard read at once,
    /// one entry per commitment (its own shard's, over one left in the first shard by an earlier version).
    /// </summary>
    public static async Task<IReadOnlyList<CoachQueueEntry>> ReadAllAsync(IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var shards = await Task.WhenAll(Enumerable.Range(0, ShardCount).Select(shard => grains.GetGrain<ICoachQueueGrain>(shard).GetEntries()));
        var entries = new Dictionary<string, CoachQueueEntry>(StringComparer.Ordinal);
        for (var shard = 0; shard < shards.Length; shard++)
        {
            foreach (var entry in shards[shard])
            {
                if (!entries.ContainsKey(entry.CommitmentId) || ShardFor(entry.CommitmentId) == shard)
                    entries[entry.CommitmentId] = entry;
            }
        }
        return [.. entries.Values.OrderBy(e => e.Since).ThenBy(e => e.CommitmentId, StringComparer.Ordinal)];
    }
}
