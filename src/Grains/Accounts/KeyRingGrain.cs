using CivicContracting.Hosting;
using CivicContracting.Validation;

namespace CivicContracting.Accounts;

/// <summary>The shared Data Protection key ring (see <see cref="IKeyRingGrain"/>). Calls no other grain.</summary>
public sealed class KeyRingGrain(
    [PersistentState("keyring", GrainStorage.Name)] IPersistentState<KeyRingState> state) : Grain, IKeyRingGrain
{
    public Task<IReadOnlyList<KeyRingEntry>> GetAll() => Task.FromResult<IReadOnlyList<KeyRingEntry>>([.. state.State.Entries]);

    public async Task Add(KeyRingEntry entry)
    {
        KeyRingRules.Entry(entry).ThrowIfAny();
        if (state.State.Entries.FirstOrDefault(e => e.Name == entry.Name) is { } existing)
        {
            if (existing.Xml != entry.Xml)
                throw new StateConflictException($"The key ring already holds another element named '{entry.Name}'.");
            return;
        }
        if (state.State.Entries.Count >= KeyRingRules.MaxEntries)
            throw new StateConflictException($"The key ring holds {KeyRingRules.MaxEntries} elements, its limit.");
        state.State.Entries.Add(entry);
        await state.WriteStateAsync();
    }
}
