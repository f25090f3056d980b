using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CivicContracting.Aggregation;
using CivicContracting.Live;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CivicContracting.Web.Live;

/// <summary>
/// This web host's view of the live aggregates: the newest change per scope, fed by the silos' batchers through the
/// host's one observer, and fanned out to every listener (browser streams, and the host's own read model). Listeners
/// read only this memory, so opening a browser never causes grain work.
/// <para>
/// Design (issue 12, many viewers). Every accepted change gets the next sequence number and is remembered in a short
/// ring, in order. A listener keeps only a cursor — the sequence it has caught up to — so its pending state is one
/// number, whatever it has missed: when it is woken it takes, for each scope that changed after its cursor, that scope's
/// newest change (older versions are skipped: a slow reader coalesces), and moves its cursor. When it has fallen behind
/// further than the ring reaches, or than there are scopes, it scans the scopes instead, so catching up never costs more
/// than one entry per scope. <see cref="OnChanges"/> only records the changes and schedules the fan-out on the thread
/// pool (<see cref="FanOut"/>), so the silo → host push returns at once whatever the number of listeners; each
/// change's server-sent event is serialised once (<see cref="LiveEvent.Frame"/>), not once per browser.
/// </para>
/// </summary>
public sealed partial class LiveFeed : ILiveObserver
{
    /// <summary>
    /// Accepted changes the ring remembers (a power of two): listeners further behind scan the scopes instead. Entries
    /// carry no payload (the newest change of a scope is held once, in its slot), so this costs about half a megabyte.
    /// </summary>
    private const int LogCapacity = 1 << 14;

    /// <summary>Shares of the listeners a fan-out round wakes one after the other, each in a work item of its own.</summary>
    private const int PartitionCount = 16;

    /// <summary>Open listeners of every web host in this process: the gauge is per process, like the meter.</summary>
    private static long _openListeners;

    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, ScopeSlot> _scopes = new(StringComparer.Ordinal);
    private readonly LogEntry?[] _log = new LogEntry?[LogCapacity];
    private readonly Partition[] _partitions;
    private readonly FanOut _fanOut;
    private readonly IOptions<HttpJsonOptions> _json;
    private JsonTypeInfo? _changeJson;
    private long _head;
    private int _scopeCount;
    private int _nextPartition;
    private int _listeners;

    public LiveFeed(IOptions<HttpJsonOptions> json, ILogger<LiveFeed>? logger = null)
    {
        _json = json;
        var log = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _partitions = [.. Enumerable.Range(0, PartitionCount).Select(_ => new Partition())];
        _fanOut = new FanOut(this, log);
        LiveMetrics.ObserveSubscribers(() => Interlocked.Read(ref _openListeners));
    }

    /// <summary>The newest change of every scope seen so far.</summary>
    public IEnumerable<AggregateChange> Snapshot => _scopes.Values.Select(s => s.Current.Change);

    /// <summary>The newest change of <paramref name="scope"/>, if any arrived.</summary>
    public AggregateChange? Latest(string scope) => _scopes.TryGetValue(scope, out var slot) ? slot.Current.Change : null;

    /// <summary>Counts the changes that were newer than what was held; caches key on it.</summary>
    public long AcceptedChanges => Volatile.Read(ref _head);

    /// <summary>Open listeners: browser streams and this host's own.</summary>
    public int OpenConnections => Volatile.Read(ref _listeners);

    /// <summary>The open listeners, for diagnostics and tests (a copy).</summary>
    public IReadOnlyList<Listener> Listeners => [.. _partitions.SelectMany(p => p.Members)];

    /// <summary>Scopes held (goals and places that have changed at least once).</summary>
    public int Scopes => Volatile.Read(ref _scopeCount);

    /// <summary>
    /// Records the newer of <paramref name="changes"/> and schedules the fan-out; never waits for a listener. Batches
    /// from several silos (and the host's own re-reads) may cross: only a newer version replaces what is held.
    /// </summary>
    public Task OnChanges(IReadOnlyList<AggregateChange> changes)
    {
        if (changes is null || changes.Count == 0)
            return Task.CompletedTask;
        var accepted = false;
        lock (_lock)
        {
            var sequence = _head;
            foreach (var change in changes)
            {
                if (change?.Scope is null || change.Snapshot is null)
                    continue;
                if (_scopes.TryGetValue(change.Scope, out var slot))
                {
                    if (slot.Current.Version >= change.Version)
                        continue;
                    slot.Current = new LiveEvent(change, ++sequence);
                }
                else
                {
                    slot = new ScopeSlot(new LiveEvent(change, ++sequence));
                    _scopes[change.Scope] = slot;
                    _scopeCount++;
                }
                Volatile.Write(ref _log[sequence & (LogCapacity - 1)], new LogEntry(sequence, slot));
                accepted = true;
            }
            // Published last, once per batch: whoever reads the head finds the slots and ring entries up to it, and a
            // batch reaches a listener whole.
            Volatile.Write(ref _head, sequence);
        }
        if (accepted)
            _fanOut.Schedule();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Contribution deltas of the shards (<see cref="ILiveObserver.OnContributions"/>), handed to the read model of
    /// commitments; called on the observer's thread, so a handler only records and returns.
    /// </summary>
    public event Action<IReadOnlyList<ContributionDelta>>? ContributionsArrived;

    public Task OnContributions(IReadOnlyList<ContributionDelta> deltas)
    {
        ContributionsArrived?.Invoke(deltas);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Opens a listener that receives changes of <paramref name="scope"/> (all scopes when null) from now on, for code in
    /// this host (not counted against <see cref="LiveStreamOptions"/>).
    /// </summary>
    public Connection Open(string? scope)
    {
        var connection = new Connection(this, scope);
        Register(connection, snapshot: null);
        return connection;
    }

    /// <summary>Opens a browser's stream: <paramref name="snapshot"/> gets what it must be sent first, then the stream goes on from there.</summary>
    internal LiveEventStream OpenStream(string? scope, System.IO.Pipelines.PipeWriter body, List<LiveEvent> snapshot)
    {
        var stream = new LiveEventStream(this, scope, body);
        Register(stream, snapshot);
        return stream;
    }

    /// <summary>The server-sent event of <paramref name="change"/>, serialised as the API serialises JSON.</summary>
    internal byte[] FrameOf(AggregateChange change)
    {
        var typeInfo = Volatile.Read(ref _changeJson);
        if (typeInfo is null)
        {
            typeInfo = _json.Value.SerializerOptions.GetTypeInfo(typeof(AggregateChange));
            Volatile.Write(ref _changeJson, typeInfo);
        }
        return LiveFrames.Change(JsonSerializer.SerializeToUtf8Bytes(change, typeInfo));
    }

    private void Register(Listener listener, List<LiveEvent>? snapshot)
    {
        var partition = _partitions[(int)((uint)Interlocked.Increment(ref _nextPartition) % PartitionCount)];
        lock (_lock)
        {
            // Cursor, snapshot and membership together: a change is either in the snapshot or after the cursor, never lost.
            listener.StartAt(_head, partition);
            if (snapshot is not null)
            {
                foreach (var slot in _scopes.Values)
                {
                    if (listener.Wants(slot.Current.Change.Scope))
                        snapshot.Add(slot.Current);
                }
                snapshot.Sort(BySequence);
            }
            partition.Add(listener);
        }
        Interlocked.Increment(ref _listeners);
        Interlocked.Increment(ref _openListeners);
    }

    private void Unregister(Listener listener)
    {
        if (listener.Partition?.Remove(listener) == true)
        {
            Interlocked.Decrement(ref _listeners);
            Interlocked.Decrement(ref _openListeners);
        }
    }

    private static readonly Comparison<LiveEvent> BySequence = (a, b) => a.Sequence.CompareTo(b.Sequence);
    private static readonly IComparer<LiveEvent> SequenceOrder = Comparer<LiveEvent>.Create(BySequence);

    /// <summary>
    /// Adds to <paramref name="into"/>, in order of arrival, the newest change of every scope that changed after
    /// <paramref name="cursor"/>; returns the new cursor. Costs at most one step per scope.
    /// </summary>
    private long TakeAll(long cursor, List<LiveEvent> into)
    {
        var head = Volatile.Read(ref _head);
        if (head <= cursor)
            return cursor;
        var start = into.Count;
        if (head - cursor <= Math.Min(LogCapacity, Volatile.Read(ref _scopeCount)) && Walk(cursor, head, into))
            return head;
        into.RemoveRange(start, into.Count - start);
        Scan(cursor, head, into);
        into.Sort(start, into.Count - start, SequenceOrder);
        return head;
    }

    /// <summary>The ring from <paramref name="after"/> to <paramref name="upTo"/>; false when part of it was overwritten already.</summary>
    private bool Walk(long after, long upTo, List<LiveEvent> into)
    {
        for (var sequence = after + 1; sequence <= upTo; sequence++)
        {
            var entry = Volatile.Read(ref _log[sequence & (LogCapacity - 1)]);
            if (entry is null || entry.Sequence != sequence)
                return false;
            // Only the scope's newest change; an older one is skipped (the newer one comes later in the ring, or next time).
            var current = entry.Slot.Current;
            if (current.Sequence == sequence)
                into.Add(current);
        }
        return true;
    }

    /// <summary>Every scope whose newest change came after <paramref name="after"/> and not after <paramref name="upTo"/> (newer ones: next time).</summary>
    private void Scan(long after, long upTo, List<LiveEvent> into)
    {
        foreach (var slot in _scopes.Values)
        {
            var current = slot.Current;
            if (current.Sequence > after && current.Sequence <= upTo)
                into.Add(current);
        }
    }

    private ScopeSlot? SlotOf(string scope) => _scopes.GetValueOrDefault(scope);

    /// <summary>Scopes whose newest change came after <paramref name="cursor"/> (and that <paramref name="listener"/> wants).</summary>
    private int PendingAfter(long cursor, Listener listener) =>
        _scopes.Values.Count(s => s.Current.Sequence > cursor && listener.Wants(s.Current.Change.Scope));

    /// <summary>
    /// One consumer of the feed: where it has caught up to, and which scopes it wants. Subclasses decide what being
    /// woken means (<see cref="Notify"/>) and take what is new with <see cref="TakePending"/>, one caller at a time.
    /// </summary>
    public abstract class Listener : IDisposable
    {
        private readonly LiveFeed _feed;
        private ScopeSlot? _slot;
        private long _cursor;
        private int _disposed;

        private protected Listener(LiveFeed feed, string? scope)
        {
            _feed = feed;
            Scope = scope;
        }

        /// <summary>The one scope this listener wants; null: every scope.</summary>
        public string? Scope { get; }

        internal Partition? Partition { get; private set; }

        private protected LiveFeed Feed => _feed;

        /// <summary>
        /// Scopes whose newest change this listener has not taken yet: all it could still be sent, never more than one
        /// change per scope however long it has not read.
        /// </summary>
        public int PendingScopes => _feed.PendingAfter(Volatile.Read(ref _cursor), this);

        /// <summary>True while a write waits for the client to read (its buffers are full); changes meanwhile are coalesced.</summary>
        public virtual bool IsWaitingForReader => false;

        public bool Wants(AggregateChange change) => Wants(change.Scope);

        internal bool Wants(string scope) => Scope is null || string.Equals(scope, Scope, StringComparison.Ordinal);

        internal void StartAt(long cursor, Partition partition)
        {
            _cursor = cursor;
            Partition = partition;
        }

        /// <summary>Changes arrived (possibly of other scopes); called by the fan-out, on a thread-pool thread.</summary>
        internal abstract void Notify();

        /// <summary>Adds the newest change of each wanted scope that changed since the last call, in order of arrival.</summary>
        private protected void TakePending(List<LiveEvent> into)
        {
            if (Scope is null)
            {
                Volatile.Write(ref _cursor, _feed.TakeAll(Volatile.Read(ref _cursor), into));
                return;
            }
            var slot = _slot ??= _feed.SlotOf(Scope);
            if (slot?.Current is { } current && current.Sequence > Volatile.Read(ref _cursor))
            {
                into.Add(current);
                Volatile.Write(ref _cursor, current.Sequence);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
                return;
            _feed.Unregister(this);
            OnDisposed();
            GC.SuppressFinalize(this);
        }

        private protected virtual void OnDisposed()
        {
        }
    }

    /// <summary>A listener for code in this host: <see cref="ReadAllAsync"/> yields the newest change of each scope that changed.</summary>
    public sealed class Connection : Listener
    {
        private readonly Lock _signalLock = new();
        private TaskCompletionSource? _waiter;
        private bool _signalled;
        private bool _ended;

        internal Connection(LiveFeed feed, string? scope)
            : base(feed, scope)
        {
        }

        /// <summary>
        /// Changes from the moment the connection was opened until it is disposed or <paramref name="cancellationToken"/>
        /// fires. A reader that falls behind gets the newest change of each scope that changed meanwhile, not every version.
        /// </summary>
        public async IAsyncEnumerable<AggregateChange> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var batch = new List<LiveEvent>();
            while (true)
            {
                TakePending(batch);
                foreach (var change in batch)
                    yield return change.Change;
                batch.Clear();
                if (!await WaitAsync(cancellationToken))
                    yield break;
            }
        }

        internal override void Notify()
        {
            TaskCompletionSource? waiter;
            lock (_signalLock)
            {
                waiter = _waiter;
                _waiter = null;
                if (waiter is null)
                    _signalled = true;
            }
            waiter?.TrySetResult();
        }

        /// <summary>True when woken; false when the connection was disposed.</summary>
        private async Task<bool> WaitAsync(CancellationToken cancellationToken)
        {
            Task wait;
            lock (_signalLock)
            {
                if (_ended)
                    return false;
                if (_signalled)
                {
                    _signalled = false;
                    return true;
                }
                _waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }
            await wait.WaitAsync(cancellationToken);
            lock (_signalLock)
                return !_ended;
        }

        private protected override void OnDisposed()
        {
            TaskCompletionSource? waiter;
            lock (_signalLock)
            {
                _ended = true;
                waiter = _waiter;
                _waiter = null;
            }
            waiter?.TrySetResult();
        }
    }

    /// <summary>A share of the listeners (copy-on-write: a fan-out round reads it without locking).</summary>
    internal sealed class Partition
    {
        private readonly Lock _lock = new();
        private Listener[] _members = [];

        public Listener[] Members => Volatile.Read(ref _members);

        public void Add(Listener listener)
        {
            lock (_lock)
                _members = [.. _members, listener];
        }

        public bool Remove(Listener listener)
        {
            lock (_lock)
            {
                var index = Array.IndexOf(_members, listener);
                if (index < 0)
                    return false;
                var members = new Listener[_members.Length - 1];
                Array.Copy(_members, 0, members, 0, index);
                Array.Copy(_members, index + 1, members, index, members.Length - index);
                _members = members;
                return true;
            }
        }
    }

    /// <summary>
    /// Wakes every listener after changes arrived: one thread-pool work item per partition, one after the other, each
    /// queued behind whatever else waits for the pool. So the fan-out uses at most one thread at a time, and requests
    /// (a progress report's acknowledgement, a page) interleave with it between partitions instead of waiting behind
    /// all of it. One round at a time: changes that arrive during a round make it go round once more when done, so
    /// rounds coalesce under load (each listener then writes everything new at once) instead of piling up.
    /// </summary>
    private sealed class FanOut(LiveFeed feed, ILogger logger) : IThreadPoolWorkItem
    {
        private const int Idle = 0;
        private const int Queued = 1;
        private const int Again = 2;

        private int _state;

        /// <summary>The partition the round wakes next; only the running work item touches it.</summary>
        private int _next;
        private long _roundStarted;

        /// <summary>Queues a round, or asks the queued or running one to go round once more.</summary>
        public void Schedule()
        {
            while (true)
            {
                var state = Volatile.Read(ref _state);
                if (state == Again)
                    return;
                if (Interlocked.CompareExchange(ref _state, state == Idle ? Queued : Again, state) != state)
                    continue;
                if (state == Idle)
                    ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return;
            }
        }

        public void Execute()
        {
            if (_next == 0)
            {
                // From here on, a change that arrives asks for another round. A full fence: the listeners read the head
                // next, and a plain store could let that read pass it, so a change published meanwhile whose Schedule
                // still saw Again would be taken by neither this round nor another.
                Interlocked.Exchange(ref _state, Queued);
                _roundStarted = Stopwatch.GetTimestamp();
            }
            foreach (var listener in feed._partitions[_next].Members)
            {
                try
                {
                    listener.Notify();
                }
                catch (Exception ex)
                {
                    // A listener's failure must not stop the others (nor, on the thread pool, the process).
                    LogListenerFailed(logger, ex);
                }
            }
            if (++_next < feed._partitions.Length)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return;
            }
            _next = 0;
            LiveMetrics.FanOutRound(Stopwatch.GetElapsedTime(_roundStarted));
            if (Interlocked.CompareExchange(ref _state, Idle, Queued) != Queued)
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>A scope's newest change; replaced, never changed.</summary>
    private sealed class ScopeSlot(LiveEvent current)
    {
        private LiveEvent _current = current;

        public LiveEvent Current
        {
            get => Volatile.Read(ref _current);
            set => Volatile.Write(ref _current, value);
        }
    }

    /// <summary>A ring entry: which scope changed at <see cref="Sequence"/>.</summary>
    private sealed record LogEntry(long Sequence, ScopeSlot Slot);

    [LoggerMessage(Level = LogLevel.Error, Message = "A live listener failed while it was woken; the others go on")]
    private static partial void LogListenerFailed(ILogger logger, Exception ex);
}

/// <summary>An accepted change with its place in the feed, and its server-sent event once some browser needed it.</summary>
internal sealed class LiveEvent(AggregateChange change, long sequence)
{
    private byte[]? _frame;

    public AggregateChange Change { get; } = change;

    public long Sequence { get; } = sequence;

    public long Version => Change.Version;

    /// <summary>The "change" event's bytes, serialised on first use and then shared by every browser.</summary>
    public byte[] Frame(LiveFeed feed)
    {
        var frame = Volatile.Read(ref _frame);
        if (frame is not null)
            return frame;
        frame = feed.FrameOf(Change);
        return Interlocked.CompareExchange(ref _frame, frame, null) ?? frame;
    }
}
