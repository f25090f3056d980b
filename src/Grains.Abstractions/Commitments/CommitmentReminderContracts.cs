using Orleans.Concurrency;

namespace CivicContracting.Commitments;

/// <summary>
/// The commitments' reporting reminders, on the same activation as <see cref="ICommitmentGrain"/> (same key). Not for
/// the web tier: the <see cref="ICommitmentReminderIndexGrain"/> calls it, one-way, when a silo starts.
/// </summary>
public interface ICommitmentCoachingGrain : IGrainWithStringKey
{
    /// <summary>
    /// One-way, from the reminder index at a silo's start: registers this commitment's reporting reminder again (the
    /// in-memory reminder table of the embedded profiles starts empty), or leaves the index if it needs none any more.
    /// </summary>
    [OneWay]
    Task RestoreReminder();
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
