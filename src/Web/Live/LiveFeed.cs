using System.Collections.Concurrent;
using System.Threading.Channels;
using CivicContracting.Live;
using CivicContracting.Observability;

namespace CivicContracting.Web.Live;

/// <summary>
/// This web host's view of the live aggregates: the newest change per scope, fed by the silos' batchers through the
/// host's one observer, and fanned out to every open browser connection. Connections read only this memory, so
/// opening a browser never causes grain work.
/// </summary>
public sealed class LiveFeed : ILiveObserver
{
    /// <summary>Changes a slow browser may fall behind by before the oldest are dropped (it catches up from newer versions).</summary>
    private const int ConnectionBuffer = 1_024;

    /// <summary>Open connections of every web host in this process: the gauge is per process, like the meter.</summary>
    private static long _openConnections;

    private readonly ConcurrentDictionary<string, AggregateChange> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Connection, byte> _connections = new();

    public LiveFeed() => CivicMetrics.ObserveLiveSubscribers(() => Interlocked.Read(ref _openConnections));

    private long _accepted;

    /// <summary>The newest change of every scope seen so far.</summary>
    public IEnumerable<AggregateChange> Snapshot => _latest.Values;

    /// <summary>The newest change of <paramref name="scope"/>, if any arrived.</summary>
    public AggregateChange? Latest(string scope) => _latest.GetValueOrDefault(scope);

    /// <summary>Counts the changes that were newer than what was held; caches key on it.</summary>
    public long AcceptedChanges => Interlocked.Read(ref _accepted);

    public int OpenConnections => _connections.Count;

    public Task OnChanges(IReadOnlyList<AggregateChange> changes)
    {
        foreach (var change in changes)
        {
            // Batches from several silos may cross: only a newer version replaces what is held or reaches browsers.
            var kept = _latest.AddOrUpdate(change.Scope, change, (_, known) => known.Version >= change.Version ? known : change);
            if (!ReferenceEquals(kept, change))
                continue;
            Interlocked.Increment(ref _accepted);
            foreach (var connection in _connections.Keys)
                connection.Offer(change);
        }
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

    /// <summary>Opens a connection that receives changes of <paramref name="scope"/> (all scopes when null) from now on.</summary>
    public Connection Open(string? scope)
    {
        var connection = new Connection(this, scope);
        _connections.TryAdd(connection, 0);
        Interlocked.Increment(ref _openConnections);
        return connection;
    }

    private void Close(Connection connection)
    {
        if (_connections.TryRemove(connection, out _))
            Interlocked.Decrement(ref _openConnections);
    }

    /// <summary>One browser's queue of changes.</summary>
    public sealed class Connection(LiveFeed feed, string? scope) : IDisposable
    {
        private readonly Channel<AggregateChange> _queue = Channel.CreateBounded<AggregateChange>(
            new BoundedChannelOptions(ConnectionBuffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public bool Wants(AggregateChange change) => scope is null || string.Equals(change.Scope, scope, StringComparison.Ordinal);

        internal void Offer(AggregateChange change)
        {
            if (Wants(change))
                _queue.Writer.TryWrite(change);
        }

        public IAsyncEnumerable<AggregateChange> ReadAllAsync(CancellationToken cancellationToken) => _queue.Reader.ReadAllAsync(cancellationToken);

        public void Dispose()
        {
            feed.Close(this);
            _queue.Writer.TryComplete();
        }
    }
}
