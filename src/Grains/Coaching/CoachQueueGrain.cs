using CivicContracting.Hosting;

namespace CivicContracting.Coaching;

/// <summary>
/// One shard of the coaches' queue (see <see cref="ICoachQueueGrain"/>): one entry per commitment of the shard whose report
/// is due, in grain storage, written whole per change (at most <see cref="CoachQueue.MaxEntriesPerShard"/> entries).
/// Commitments put and remove their own entries; this grain calls nobody, so no call can cycle through it.
/// </summary>
public sealed class CoachQueueGrain(
    [PersistentState("coach-queue", GrainStorage.Name)] IPersistentState<CoachQueueState> state) : Grain, ICoachQueueGrain
{
    public async Task Put(CoachQueueEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.CommitmentId);
        var entries = state.State.Entries;
        if (entries.TryGetValue(entry.CommitmentId, out var known) && known == entry)
            return;
        if (known is null && entries.Count >= CoachQueue.MaxEntriesPerShard)
            throw new InvalidOperationException($"Coach queue shard {this.GetPrimaryKeyLong()} holds its limit of {CoachQueue.MaxEntriesPerShard} commitments.");
        entries[entry.CommitmentId] = entry;
        await state.WriteStateAsync();
    }

    public async Task Remove(string commitmentId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commitmentId);
        if (!state.State.Entries.Remove(commitmentId))
            return;
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<CoachQueueEntry>> GetEntries() =>
        Task.FromResult<IReadOnlyList<CoachQueueEntry>>(
            [.. state.State.Entries.Values.OrderBy(e => e.Since).ThenBy(e => e.CommitmentId, StringComparer.Ordinal)]);
}
