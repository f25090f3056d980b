using System.Buffers;
using System.IO.Pipelines;

namespace CivicContracting.Web.Live;

/// <summary>
/// One browser's <c>GET /api/live</c> response. It holds no queue: when woken it writes the newest change of each scope
/// that changed since it last wrote (one shared, pre-serialised event each) into the response and flushes once. While a
/// flush waits for a slow client nothing more is written, and what changes meanwhile is taken, coalesced, when it
/// completes; so a client that does not read costs at most Kestrel's response buffer, and never slows the others.
/// <para>
/// Writing is guarded by one flag: the endpoint holds it while it writes the snapshot, then a fan-out round (or the
/// completion of the previous flush) holds it while it writes. <see cref="CloseAsync"/> waits until nobody holds it, so
/// nothing touches the response after the request has ended.
/// </para>
/// </summary>
internal sealed class LiveEventStream : LiveFeed.Listener
{
    /// <summary>Per fan-out thread: the events of one write, reused (a write never spans an await).</summary>
    [ThreadStatic]
    private static List<LiveEvent>? t_batch;

    private readonly PipeWriter _body;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>1 while someone writes to the response; starts held by the endpoint, which writes the snapshot first.</summary>
    private int _writing = 1;
    private int _pending;
    private int _closed;
    private int _started;
    private int _waitingForReader;

    internal LiveEventStream(LiveFeed feed, string? scope, PipeWriter body)
        : base(feed, scope)
    {
        _body = body;
    }

    /// <summary>Completes when the stream cannot go on: the response could not be written, the client left, or the host stops.</summary>
    public Task Ended => _ended.Task;

    /// <summary>Ends the stream from outside (the client left, the host stops); <see cref="CloseAsync"/> does the rest.</summary>
    public void End() => _ended.TrySetResult();

    public override bool IsWaitingForReader => Volatile.Read(ref _waitingForReader) != 0;

    /// <summary>Called by the endpoint once it has written the snapshot and "ready": from now on changes are written as they come.</summary>
    public void Start()
    {
        Volatile.Write(ref _started, 1);
        Volatile.Write(ref _pending, 1);
        ReleaseWriting();
        Pump();
    }

    internal override void Notify()
    {
        Volatile.Write(ref _pending, 1);
        Pump();
    }

    private void Pump()
    {
        while (Volatile.Read(ref _pending) != 0)
        {
            if (Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
                return; // Whoever writes looks at _pending again when done.
            if (Volatile.Read(ref _closed) != 0)
            {
                ReleaseWriting();
                return;
            }
            Volatile.Write(ref _pending, 0);
            ValueTask<FlushResult> flush;
            try
            {
                if (!WritePending())
                {
                    ReleaseWriting();
                    continue;
                }
                flush = _body.FlushAsync();
            }
            catch (Exception)
            {
                // The client is gone (or the event could not be made): this stream ends, the browser reconnects.
                Fail();
                return;
            }
            if (!flush.IsCompleted)
            {
                Volatile.Write(ref _waitingForReader, 1);
                _ = CompleteFlushAsync(flush);
                return;
            }
            if (!Succeeded(flush))
                return;
            ReleaseWriting();
        }
    }

    /// <summary>A flush waiting for a slow client: nothing more is written until it completes, then what is pending goes at once.</summary>
    private async Task CompleteFlushAsync(ValueTask<FlushResult> flush)
    {
        FlushResult result;
        try
        {
            result = await flush.ConfigureAwait(false);
        }
        catch (Exception)
        {
            Fail();
            return;
        }
        finally
        {
            Volatile.Write(ref _waitingForReader, 0);
        }
        if (result.IsCompleted || result.IsCanceled)
        {
            Fail();
            return;
        }
        ReleaseWriting();
        Pump();
    }

    private bool Succeeded(ValueTask<FlushResult> flush)
    {
        try
        {
            var result = flush.GetAwaiter().GetResult();
            if (!result.IsCompleted && !result.IsCanceled)
                return true;
        }
        catch (Exception)
        {
        }
        Fail();
        return false;
    }

    /// <summary>Writes (without flushing) the newest change of every scope this stream has not sent; false when there was none.</summary>
    private bool WritePending()
    {
        var batch = t_batch ??= new List<LiveEvent>(64);
        try
        {
            TakePending(batch);
            if (batch.Count == 0)
                return false;
            foreach (var change in batch)
                _body.Write(change.Frame(Feed));
            return true;
        }
        finally
        {
            batch.Clear();
        }
    }

    /// <summary>The response cannot be written any more: keep the writing flag (nobody writes again) and end the stream.</summary>
    private void Fail()
    {
        Volatile.Write(ref _closed, 1);
        _ended.TrySetResult();
        _stopped.TrySetResult();
    }

    private void ReleaseWriting()
    {
        // A full fence, not a release store: the caller reads _pending next, and a notifier stores _pending before it
        // tries the flag. With a plain store the read could pass it (store-load reordering), both would see the other's
        // old value, and a change would wait for the next one.
        Interlocked.Exchange(ref _writing, 0);
        if (Volatile.Read(ref _closed) != 0 && Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
            _stopped.TrySetResult();
    }

    /// <summary>
    /// Stops the stream: no listener call writes after the returned task completes. A write that waits for a client that
    /// does not read is given <paramref name="patience"/>, then <paramref name="abort"/> (the connection) ends it.
    /// Before <see cref="Start"/> the endpoint itself holds the writing flag, so nobody else can be writing.
    /// </summary>
    public async Task CloseAsync(TimeSpan patience, Action abort)
    {
        Volatile.Write(ref _closed, 1);
        Dispose();
        if (Volatile.Read(ref _started) == 0 || Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
            _stopped.TrySetResult();
        if (await Stopped(patience))
            return;
        // An aborted connection completes the waiting flush at once; should it not, the request ends anyway (the
        // aborted connection serves no other request, so a late write cannot reach anyone).
        abort();
        await Stopped(patience);
    }

    private async Task<bool> Stopped(TimeSpan within)
    {
        try
        {
            await _stopped.Task.WaitAsync(within);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
