using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>
/// The test silos' grain storage, counting what it writes: each write of a commitment's states (its own state and its
/// report segments) is recorded with the size of the state in Orleans' binary format, the format the embedded and
/// PostgreSQL stores write. Everything else is passed through to the memory storage untouched.
/// </summary>
public sealed class StorageWrites(IGrainStorage inner, Serializer serializer) : IGrainStorage
{
    /// <summary>The name the memory storage is registered under, inside this one.</summary>
    public const string InnerName = "civic-memory";

    private static readonly ConcurrentDictionary<GrainId, ConcurrentQueue<Write>> Writes = new();

    /// <summary>One write: which state (e.g. "commitment", "commitmentReports.3") and how many bytes it holds.</summary>
    public readonly record struct Write(string StateName, int Bytes);

    /// <summary>The writes of a grain so far, oldest first.</summary>
    public static IReadOnlyList<Write> Of(GrainId grainId) => Writes.TryGetValue(grainId, out var writes) ? [.. writes] : [];

    /// <summary>The size of a value in Orleans' binary format.</summary>
    public static int SizeOf<T>(Serializer serializer, T value) => serializer.SerializeToArray(value).Length;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var bytes = stateName.StartsWith(CivicContracting.Commitments.CommitmentGrain.StateName, StringComparison.Ordinal)
            ? SizeOf(serializer, grainState.State)
            : -1;
        await inner.WriteStateAsync(stateName, grainId, grainState);
        if (bytes >= 0)
            Writes.GetOrAdd(grainId, _ => new ConcurrentQueue<Write>()).Enqueue(new Write(stateName, bytes));
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}
