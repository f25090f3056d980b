using Orleans.Storage;

namespace CivicContracting.Silo.Storage;

/// <summary>
/// The grain storage of the PostgreSQL profile with group commit: Orleans' ADO.NET provider (our queries in
/// deploy/postgresql, on the pool whose sessions commit with <c>synchronous_commit=off</c>), and after every write or
/// clear the shared <see cref="DurabilityBarrier"/>, so the grain sees success only once its write is durable. The
/// provider's ETag contract is untouched: a stale write still throws its <see cref="InconsistentStateException"/>
/// before any barrier.
/// </summary>
public sealed class GroupCommitGrainStorage(IGrainStorage inner, DurabilityBarrier barrier) : IGrainStorage
{
    // ConfigureAwait(false) throughout, as in the ADO.NET provider: the barrier is joined from the thread that finished
    // the write instead of hopping back to the grain's scheduler first; the grain's own await returns there.

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
        // A stored row may come from a write whose barrier has not completed yet (or failed): wait until it is
        // durable before the grain acts on it. A missing row (no ETag) cannot be undone by a crash.
        if (grainState.ETag is not null)
            await DurableAsync("read", grainId, grainState, cancellationToken).ConfigureAwait(false);
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
        await DurableAsync("write", grainId, grainState, cancellationToken).ConfigureAwait(false);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
        await DurableAsync("clear", grainId, grainState, cancellationToken).ConfigureAwait(false);
    }

    private async Task DurableAsync<T>(string operation, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        try
        {
            await barrier.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // The write committed but is not known to be durable. An InconsistentStateException makes Orleans
            // deactivate the grain whose call fails here, so its next call re-reads what is really stored instead
            // of trusting an in-memory state (and ETag) that a crash may have undone.
            throw new InconsistentStateException(
                $"Grain storage {operation} of {grainId} is not acknowledged: the durability barrier (group commit) failed, so it is not known to be durable. The grain is deactivated and re-reads its state on its next call. {ex.Message}",
                storedEtag: null, currentEtag: grainState.ETag, ex);
        }
    }
}
