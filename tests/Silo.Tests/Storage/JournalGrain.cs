using CivicContracting.Hosting;

namespace CivicContracting.Silo.Tests.Storage;

/// <summary>A test-only grain with durable state in the platform's store, to observe the storage from outside.</summary>
public interface IJournalGrain : IGrainWithStringKey
{
    /// <summary>Appends an entry and returns once it is written.</summary>
    Task<int> Append(string entry);

    Task<IReadOnlyList<string>> Entries();

    /// <summary>The ETag the storage provider handed back for the last read or write.</summary>
    Task<string?> ETag();

    Task Deactivate();
}

public sealed class JournalGrain([PersistentState("journal", GrainStorage.Name)] IPersistentState<JournalState> state) : Grain, IJournalGrain
{
    public async Task<int> Append(string entry)
    {
        state.State.Entries.Add(entry);
        await state.WriteStateAsync();
        return state.State.Entries.Count;
    }

    public Task<IReadOnlyList<string>> Entries() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Entries]);

    public Task<string?> ETag() => Task.FromResult(state.Etag);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

[GenerateSerializer, Alias("tests.JournalState")]
public sealed class JournalState
{
    [Id(0)] public List<string> Entries { get; set; } = [];
}
