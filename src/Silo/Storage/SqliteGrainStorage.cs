using System.Globalization;
using CivicContracting.Observability;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace CivicContracting.Silo.Storage;

/// <summary>
/// The grain storage of the embedded SQLite profile, with group commit: one writer thread with its own connection
/// commits every write. A write that arrives while no transaction runs starts one at once; everything that arrives
/// while a transaction runs is written together in the next single transaction. There is no timer and no batching
/// delay: under load many writes share one commit (and SQLite's one write lock is never contended by this process),
/// when idle a write costs one short transaction.
/// <list type="bullet">
/// <item><b>Durable when acknowledged.</b> A write's task completes only after the transaction that carries it
/// committed (WAL, <c>synchronous</c> as set by <see cref="SqliteStore"/>: with the default <c>FULL</c> the commit is
/// fsynced, so it survives a power loss; with <c>NORMAL</c> only a crash of the process). A transaction that fails is rolled back and fails every write in it with the error; nothing of it is
/// stored, and the grains keep their ETags, so a retry works.</item>
/// <item><b>Orleans' ETag contract.</b> The ETag is the row's version. A write or clear applies only when it names the
/// stored version (a first write only when there is no row); otherwise that write alone fails with
/// <see cref="InconsistentStateException"/> (its statement changes nothing) and the others of the transaction commit.
/// A clear keeps the row with its version and no payload: <see cref="IGrainState{T}.RecordExists"/> is false
/// afterwards and the next write still checks the version.</item>
/// <item><b>Reads</b> run on pooled connections of their own (WAL lets them run beside the writer), always on the
/// thread pool: Microsoft.Data.Sqlite is synchronous, and a grain's scheduler thread must not wait for the disk.</item>
/// <item><b>Databases of earlier versions.</b> They hold grain state in Orleans' ADO.NET table <c>OrleansStorage</c>.
/// When that table has any rows (decided once at start), a grain whose row is not in <see cref="Table"/> is read
/// through the ADO.NET provider and copied here with its version before the read returns; a new database never looks
/// there.</item>
/// </list>
/// </summary>
public sealed partial class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    public const string Table = "civic_grain_state";

    /// <summary>The legacy table of Orleans' ADO.NET provider (deploy/sqlite/0001).</summary>
    public const string LegacyTable = "OrleansStorage";

    private const string SelectSql = $"SELECT etag, payload FROM {Table} WHERE grain_type = $type AND grain_key = $key AND state_name = $state;";

    // A first write (no ETag), or the copy of a legacy row with its version: only when there is no row yet.
    private const string InsertSql = $"""
        INSERT INTO {Table} (grain_type, grain_key, state_name, etag, payload) VALUES ($type, $key, $state, $etag, $payload)
        ON CONFLICT DO NOTHING RETURNING etag;
        """;

    // A write (payload) or a clear (NULL) of the version the grain holds.
    private const string UpdateSql = $"""
        UPDATE {Table} SET etag = etag + 1, payload = $payload
        WHERE grain_type = $type AND grain_key = $key AND state_name = $state AND etag = $etag RETURNING etag;
        """;

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly SqliteStore _store;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly Func<IGrainStorage>? _legacy;
    private readonly ILogger<SqliteGrainStorage> _logger;

    // The queue: guarded by _gate; the writer swaps the list it drained with its spare one.
    private readonly object _gate = new();
    private List<PendingWrite> _queue = [];
    private List<PendingWrite> _spare = [];
    private readonly List<PendingWrite> _batch = [];
    private bool _writerWaiting;
    private bool _started;
    private bool _stopping;
    private Thread? _writer;
    private readonly TaskCompletionSource _writerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WriterSession? _session; // the writer thread's connection; reopened after a failed transaction
    private Checkpointer? _checkpointer;
    // The writer's estimates of the pages it appended to the write-ahead log: since it last asked the checkpointer, and
    // since the log last started from the beginning.
    private long _pagesSinceCheckpoint;
    private long _pagesInLog;
    private bool _readLegacy;

    private int _inFlight;
    private long _writes;
    private long _transactions;
    private long _bytesWritten;
    private long _conflicts;
    private long _failedTransactions;
    private long _copiedFromLegacy;
    private long _busyTicks;

    /// <param name="legacy">Orleans' ADO.NET provider on the same database (resolved on first use), for grains whose state
    /// an earlier version stored in <see cref="LegacyTable"/>; null: never look there.</param>
    public SqliteGrainStorage(SqliteStore store, IGrainStorageSerializer serializer, IActivatorProvider activators,
        ILogger<SqliteGrainStorage> logger, Func<IGrainStorage>? legacy = null)
    {
        _store = store;
        _serializer = serializer;
        _activators = activators;
        _logger = logger;
        _legacy = legacy;
    }

    /// <summary>What the writer did since start (read at any time, from any thread).</summary>
    public SqliteGrainStorageStatistics Statistics => new(
        Interlocked.Read(ref _writes),
        Interlocked.Read(ref _transactions),
        Interlocked.Read(ref _bytesWritten),
        Interlocked.Read(ref _conflicts),
        Interlocked.Read(ref _failedTransactions),
        Interlocked.Read(ref _copiedFromLegacy),
        TimeSpan.FromTicks((long)(Interlocked.Read(ref _busyTicks) * TicksPerTimestamp)));

    private static readonly double TicksPerTimestamp = (double)TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency;

    /// <summary>Writes waiting for the next transaction.</summary>
    public int QueuedWrites
    {
        get
        {
            lock (_gate)
                return _queue.Count;
        }
    }

    /// <summary>Writes in the transaction that is running now (0 when the writer is idle).</summary>
    public int WritesInFlight => Volatile.Read(ref _inFlight);

    /// <summary>Whether grains missing from <see cref="Table"/> are looked up in <see cref="LegacyTable"/> (decided at start).</summary>
    public bool ReadsLegacyTable => _readLegacy;

    /// <summary>
    /// After the schema (<see cref="SqliteSchema"/>, <see cref="ServiceLifecycleStage.RuntimeInitialize"/>); stops after
    /// every grain has been deactivated (deactivations write state), having committed what is queued.
    /// </summary>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SqliteGrainStorage), ServiceLifecycleStage.RuntimeStorageServices,
            ct => Task.Run(Start, ct), StopAsync);

    /// <summary>Opens the writer's connection, decides whether the legacy table is read, and starts the writer thread.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started)
                return;
            ObjectDisposedException.ThrowIf(_stopping, this);
        }
        _session = new WriterSession(_store);
        try
        {
            _readLegacy = _legacy is not null && LegacyTableHasRows(_session.Connection);
        }
        catch
        {
            _session.Dispose();
            _session = null;
            throw;
        }
        _checkpointer = new Checkpointer(_store, _logger);
        if (_readLegacy)
            LogReadingLegacyTable(_store.DatabasePath, LegacyTable, Table);
        var writer = new Thread(WriterLoop) { IsBackground = true, Name = "civic-sqlite-writer" };
        lock (_gate)
        {
            _started = true;
            _writer = writer;
        }
        writer.Start();
    }

    /// <summary>Commits what is queued, then stops the writer and closes its connection. Later writes fail.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Thread? writer;
        lock (_gate)
        {
            _stopping = true;
            writer = _writer;
            Monitor.Pulse(_gate);
        }
        if (writer is null)
            return;
        await _writerStopped.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        Thread? writer;
        lock (_gate)
        {
            _stopping = true;
            writer = _writer;
            Monitor.Pulse(_gate);
        }
        if (writer is not null && writer != Thread.CurrentThread)
            _writerStopped.Task.Wait(StopTimeout);
        while (TryTakeReader(out var reader))
            reader.Dispose();
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var key = StateKey.Of(stateName, grainId);
        // On the thread pool: the statement (and the deserialisation) must not occupy the grain's scheduler thread.
        var row = await Task.Run(() => ReadRow<T>(key), cancellationToken).ConfigureAwait(false);
        if (row.Found)
        {
            grainState.State = row.State;
            grainState.ETag = FormatETag(row.ETag);
            grainState.RecordExists = row.RecordExists;
            return;
        }
        if (_readLegacy && _legacy is not null)
        {
            await ReadLegacyAsync(stateName, grainId, grainState, key, cancellationToken).ConfigureAwait(false);
            return;
        }
        grainState.State = Create<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (!TryParseETag(grainState.ETag, out var expected))
            return Task.FromException(UnknownETag("write", stateName, grainId, grainState.ETag));
        // Serialised here, on the caller's thread, so the grain cannot change the state while it waits in the queue.
        var payload = Serialize(grainState.State);
        var write = new StateWrite<T>(WriteKind.Write, StateKey.Of(stateName, grainId), grainId, expected, payload, grainState, this);
        return Enqueue(write, cancellationToken);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (grainState.ETag is null && !grainState.RecordExists)
        {
            // The grain knows of no row (as Orleans' ADO.NET provider does): look, and clear only what is there.
            await ReadStateAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
            if (!grainState.RecordExists)
                return;
        }
        if (!TryParseETag(grainState.ETag, out var expected) || expected is null)
            throw UnknownETag("clear", stateName, grainId, grainState.ETag);
        var clear = new StateWrite<T>(WriteKind.Clear, StateKey.Of(stateName, grainId), grainId, expected, payload: null, grainState, this);
        await Enqueue(clear, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReadLegacyAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, StateKey key, CancellationToken cancellationToken)
    {
        await _legacy!().ReadStateAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
        grainState.State ??= Create<T>();
        if (grainState.ETag is null)
            return; // not there either: a new grain
        if (!TryParseETag(grainState.ETag, out var version) || version is null)
            throw UnknownETag("copy from the legacy table", stateName, grainId, grainState.ETag);
        // Copied with its version (a cleared row without payload), so that the grain's next write finds it here. When a
        // row appeared here meanwhile (another activation copied or wrote it), the copy does nothing, and a write with a
        // stale version fails as it should.
        var payload = grainState.RecordExists ? Serialize(grainState.State) : null;
        await Enqueue(new LegacyCopy(key, grainId, version.Value, payload), cancellationToken).ConfigureAwait(false);
    }

    private Task Enqueue(PendingWrite write, CancellationToken cancellationToken)
    {
        // Registered before the write is queued, so the writer never sees it half set up.
        if (cancellationToken.CanBeCanceled)
        {
            write.CancelWith(cancellationToken);
            if (write.Task.IsCompleted)
                return write.Task; // cancelled already
        }
        string? refusal = null;
        lock (_gate)
        {
            if (!_started || _stopping)
            {
                refusal = _stopping ? "stopped" : "not started yet";
            }
            else
            {
                _queue.Add(write);
                if (_writerWaiting)
                    Monitor.Pulse(_gate);
            }
        }
        if (refusal is not null)
            write.Fail(new InvalidOperationException($"The SQLite grain storage of '{_store.DatabasePath}' is {refusal}; {write.Describe()} was not written."));
        return write.Task;
    }

    private void WriterLoop()
    {
        try
        {
            while (true)
            {
                List<PendingWrite> batch;
                lock (_gate)
                {
                    while (_queue.Count == 0)
                    {
                        if (_stopping)
                            return;
                        _writerWaiting = true;
                        Monitor.Wait(_gate);
                        _writerWaiting = false;
                    }
                    // Everything that arrived while the previous transaction ran goes into this one.
                    batch = _queue;
                    _queue = _spare;
                    _spare = batch;
                }
                CommitBatch(batch);
                batch.Clear();
            }
        }
        catch (Exception ex)
        {
            // Not expected (CommitBatch handles database errors); fail what is left rather than leave callers waiting.
            LogWriterCrashed(ex, _store.DatabasePath);
            foreach (var write in _batch)
                write.Fail(ex); // those already completed stay as they are
            lock (_gate)
            {
                _stopping = true;
                foreach (var write in _queue)
                    write.Fail(ex);
                _queue.Clear();
            }
        }
        finally
        {
            _session?.Dispose();
            _session = null;
            _checkpointer?.Dispose();
            _writerStopped.TrySetResult();
        }
    }

    private void CommitBatch(List<PendingWrite> queued)
    {
        var batch = _batch;
        batch.Clear();
        foreach (var write in queued)
        {
            if (write.TryStart()) // skips writes cancelled while they waited
                batch.Add(write);
        }
        if (batch.Count == 0)
            return;

        Volatile.Write(ref _inFlight, batch.Count);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var rows = 0;
        long bytes = 0;
        long pages = 0;
        try
        {
            _session ??= new WriterSession(_store);
            using (var transaction = _session.Connection.BeginTransaction(deferred: false))
            {
                foreach (var write in batch)
                {
                    write.NewETag = _session.Execute(write, transaction);
                    if (write.NewETag is not null)
                    {
                        rows++;
                        bytes += write.Payload?.Length ?? 0;
                        // Its leaf page and the payload's overflow pages (a cell keeps up to about a quarter page).
                        pages += 1 + ((write.Payload?.Length ?? 0) + _session.PageSize - 1) / _session.PageSize;
                    }
                }
                transaction.Commit();
            }
        }
        catch (Exception ex)
        {
            // Disposing the transaction rolled it back (or SQLite already had): nothing of this batch is stored. The
            // connection may be broken (I/O error, file replaced): the next batch opens a fresh one.
            Volatile.Write(ref _inFlight, 0);
            Interlocked.Add(ref _busyTicks, System.Diagnostics.Stopwatch.GetTimestamp() - started);
            Interlocked.Increment(ref _failedTransactions);
            CivicMetrics.StorageTransactionFailed();
            LogTransactionFailed(ex, batch.Count, _store.DatabasePath);
            _session?.Dispose();
            _session = null;
            foreach (var write in batch)
            {
                write.Fail(new OrleansException(
                    $"SQLite grain storage: the transaction that carried {write.Describe()} with {batch.Count - 1} other write(s) failed and was rolled back; nothing of it was stored. {ex.Message}", ex));
            }
            return;
        }

        Volatile.Write(ref _inFlight, 0);
        Interlocked.Add(ref _busyTicks, System.Diagnostics.Stopwatch.GetTimestamp() - started);
        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _writes, rows);
        Interlocked.Add(ref _bytesWritten, bytes);
        CivicMetrics.StorageTransactionCommitted(rows, bytes);
        _pagesSinceCheckpoint += pages;
        _pagesInLog += pages;
        if (_pagesSinceCheckpoint >= Checkpointer.RequestPages)
        {
            _pagesSinceCheckpoint = 0;
            _checkpointer?.Request();
        }
        foreach (var write in batch)
        {
            if (write.NewETag is { } etag)
            {
                if (write is LegacyCopy)
                    Interlocked.Increment(ref _copiedFromLegacy);
                write.Committed(etag);
            }
            else if (write is LegacyCopy)
            {
                write.Committed(0); // a row was there already: nothing to copy
            }
            else
            {
                Interlocked.Increment(ref _conflicts);
                write.Conflicted();
            }
        }

        // After the acknowledgements: only the next batch waits for this.
        if (_pagesInLog >= Checkpointer.CatchUpPages && _checkpointer is not null)
            CatchUpCheckpoint(_checkpointer);
    }

    /// <summary>
    /// Under sustained writing the checkpointer never quite catches up (the writer appends while it copies), and the log
    /// starts again from the beginning only after a checkpoint that copied all of it. When the log has grown past
    /// <see cref="Checkpointer.CatchUpPages"/>, the writer finishes the job between two transactions: the checkpointer has
    /// copied nearly everything, so this copies only the rest, and the next transaction starts the log from the beginning.
    /// </summary>
    private void CatchUpCheckpoint(Checkpointer checkpointer)
    {
        // While the checkpointer runs, try again after the next transaction; wait for it only when the log has grown
        // to twice the mark (a slow disk), so that it stays bounded.
        if (_pagesInLog >= 2 * Checkpointer.CatchUpPages)
            Monitor.Enter(checkpointer.Running);
        else if (!Monitor.TryEnter(checkpointer.Running))
            return;
        try
        {
            using var command = _session!.Connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            using var reader = command.ExecuteReader();
            // busy, frames in the log, frames copied: all copied means the next transaction restarts the log
            if (reader.Read() && reader.GetInt64(0) == 0 && reader.GetInt64(2) == reader.GetInt64(1))
            {
                _pagesInLog = 0;
                _pagesSinceCheckpoint = 0;
            }
        }
        catch (Exception ex)
        {
            LogCatchUpFailed(ex, _store.DatabasePath);
        }
        finally
        {
            Monitor.Exit(checkpointer.Running);
        }
    }

    private StoredRow<T> ReadRow<T>(StateKey key)
    {
        var session = TryTakeReader(out var idle) ? idle : new ReaderSession(_store);
        var keep = false;
        try
        {
            var (etag, payload, found) = session.Read(key);
            keep = true;
            if (!found)
                return default;
            if (payload is null)
                return new StoredRow<T>(true, etag, Create<T>(), RecordExists: false);
            return new StoredRow<T>(true, etag, _serializer.Deserialize<T>(new BinaryData(payload)) ?? Create<T>(), RecordExists: true);
        }
        finally
        {
            // A session that failed may hold a broken connection: it is dropped, and the next read opens a new one.
            if (!keep || !TryReturnReader(session))
                session.Dispose();
        }
    }

    /// <summary>Idle reader sessions kept for the next reads (more may exist while reads run at once).</summary>
    private const int MaxIdleReaders = 8;

    // A queue and a count of its own: ConcurrentBag.Count takes every lock of the bag, and every read asked it.
    private readonly System.Collections.Concurrent.ConcurrentQueue<ReaderSession> _readers = new();
    private int _idleReaders;

    private bool TryTakeReader([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ReaderSession? reader)
    {
        if (!_readers.TryDequeue(out reader))
            return false;
        Interlocked.Decrement(ref _idleReaders);
        return true;
    }

    private bool TryReturnReader(ReaderSession reader)
    {
        if (Interlocked.Increment(ref _idleReaders) > MaxIdleReaders)
        {
            Interlocked.Decrement(ref _idleReaders);
            return false;
        }
        _readers.Enqueue(reader);
        return true;
    }

    /// <summary>
    /// A reader's own connection with its SELECT prepared once and a page cache of its own that stays warm between reads
    /// (a pooled connection per read prepared the statement and ran the connection's pragmas every time, and started
    /// with whatever its small default cache held: reads of a large database then cost several times the lookup).
    /// </summary>
    private sealed class ReaderSession : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _select;
        private readonly SqliteParameter _type;
        private readonly SqliteParameter _key;
        private readonly SqliteParameter _state;

        public ReaderSession(SqliteStore store)
        {
            _connection = (SqliteConnection)store.OpenConnection();
            try
            {
                using (var pragma = _connection.CreateCommand())
                {
                    // 16 MB of B-tree pages per reader (the default is 2 MB): the upper levels of the table stay cached.
                    pragma.CommandText = "PRAGMA cache_size = -16384;";
                    pragma.ExecuteNonQuery();
                }
                _select = _connection.CreateCommand();
                _select.CommandText = SelectSql;
                _type = _select.Parameters.Add("$type", SqliteType.Text);
                _key = _select.Parameters.Add("$key", SqliteType.Text);
                _state = _select.Parameters.Add("$state", SqliteType.Text);
                _select.Prepare();
            }
            catch
            {
                _connection.Dispose();
                throw;
            }
        }

        public (long ETag, byte[]? Payload, bool Found) Read(StateKey key)
        {
            _type.Value = key.GrainType;
            _key.Value = key.GrainKey;
            _state.Value = key.StateName;
            using var reader = _select.ExecuteReader();
            if (!reader.Read())
                return (0, null, false);
            var etag = reader.GetInt64(0);
            return reader.IsDBNull(1) ? (etag, null, true) : (etag, reader.GetFieldValue<byte[]>(1), true);
        }

        public void Dispose()
        {
            _select.Dispose();
            _connection.Dispose();
        }
    }

    private static bool LegacyTableHasRows(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{LegacyTable}');";
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            return false;
        command.CommandText = $"SELECT EXISTS (SELECT 1 FROM {LegacyTable});";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) != 0;
    }

    private byte[] Serialize<T>(T? state)
    {
        var data = _serializer.Serialize(state);
        return data.ToArray();
    }

    private T Create<T>() => _activators.GetActivator<T>().Create();

    private static string FormatETag(long etag) => etag.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseETag(string? etag, out long? version)
    {
        version = null;
        if (etag is null)
            return true;
        if (long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
        {
            version = parsed;
            return true;
        }
        return false;
    }

    private static InconsistentStateException UnknownETag(string operation, string stateName, GrainId grainId, string? etag) =>
        new($"SQLite grain storage cannot {operation} state '{stateName}' of {grainId}: its ETag '{etag}' is not a version this storage handed out. The grain is deactivated and re-reads its state.",
            storedEtag: null, currentEtag: etag);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite grain storage of {Path}: the legacy table {Legacy} has rows, so grains missing from {Table} are read from it once and copied")]
    private partial void LogReadingLegacyTable(string path, string legacy, string table);

    [LoggerMessage(Level = LogLevel.Error, Message = "SQLite grain storage: a transaction of {Writes} write(s) to {Path} failed and was rolled back; every write in it failed")]
    private partial void LogTransactionFailed(Exception exception, int writes, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite grain storage: the writer's catch-up checkpoint of the write-ahead log of {Path} failed; the log grows until one succeeds")]
    private partial void LogCatchUpFailed(Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Critical, Message = "SQLite grain storage: the writer of {Path} stopped unexpectedly; no further grain state can be written")]
    private partial void LogWriterCrashed(Exception exception, string path);

    /// <summary>Where a grain state lives: the key of its row.</summary>
    private readonly record struct StateKey(string GrainType, string GrainKey, string StateName)
    {
        public static StateKey Of(string stateName, GrainId grainId)
        {
            ArgumentException.ThrowIfNullOrEmpty(stateName);
            if (grainId.IsDefault)
                throw new ArgumentException("The grain id is empty.", nameof(grainId));
            return new(grainId.Type.ToString()!, grainId.Key.ToString()!, stateName);
        }
    }

    private readonly record struct StoredRow<T>(bool Found, long ETag, T? State, bool RecordExists);

    private enum WriteKind
    {
        Write,
        Clear,
        LegacyCopy,
    }

    /// <summary>One queued write; its task completes after its transaction committed (or failed).</summary>
    private abstract class PendingWrite(WriteKind kind, StateKey key, GrainId grainId, long? expectedETag, byte[]? payload)
        : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        private const int Queued = 0, Started = 1, Cancelled = 2;
        private int _phase;
        private CancellationTokenRegistration _cancellation;

        public WriteKind Kind { get; } = kind;

        public StateKey Key { get; } = key;

        public GrainId GrainId { get; } = grainId;

        /// <summary>The version the caller holds; null: it expects no row.</summary>
        public long? ExpectedETag { get; } = expectedETag;

        /// <summary>The serialised state; null for a clear (or a cleared legacy row).</summary>
        public byte[]? Payload { get; } = payload;

        /// <summary>Set by the writer inside the transaction: the row's new version, or null when nothing changed.</summary>
        public long? NewETag { get; set; }

        public string Describe() => $"the {Kind switch { WriteKind.Clear => "clear", WriteKind.LegacyCopy => "copy from the legacy table", _ => "write" }} of state '{Key.StateName}' of {GrainId}";

        /// <summary>A cancellation that comes before the writer took the write drops it; after that it has no effect.</summary>
        public void CancelWith(CancellationToken cancellationToken) =>
            _cancellation = cancellationToken.UnsafeRegister(static (state, token) =>
            {
                var write = (PendingWrite)state!;
                if (Interlocked.CompareExchange(ref write._phase, Cancelled, Queued) == Queued)
                    write.TrySetCanceled(token);
            }, this);

        public bool TryStart() => Interlocked.CompareExchange(ref _phase, Started, Queued) == Queued;

        public void Committed(long etag)
        {
            try
            {
                OnCommitted(etag);
            }
            finally
            {
                _cancellation.Dispose();
                TrySetResult();
            }
        }

        public void Conflicted()
        {
            _cancellation.Dispose();
            TrySetException(new InconsistentStateException(
                $"Version conflict: {Describe()} expected {(ExpectedETag is { } v ? $"version {v}" : "no stored row")}, but the stored row differs (another activation wrote it). The grain is deactivated and re-reads its state.",
                storedEtag: null, currentEtag: ExpectedETag?.ToString(CultureInfo.InvariantCulture)));
        }

        public void Fail(Exception exception)
        {
            _cancellation.Dispose();
            TrySetException(exception);
        }

        /// <summary>Runs on the writer thread before the task completes, while the grain waits for it.</summary>
        protected abstract void OnCommitted(long etag);
    }

    private sealed class StateWrite<T>(WriteKind kind, StateKey key, GrainId grainId, long? expectedETag, byte[]? payload,
        IGrainState<T> grainState, SqliteGrainStorage storage) : PendingWrite(kind, key, grainId, expectedETag, payload)
    {
        protected override void OnCommitted(long etag)
        {
            grainState.ETag = FormatETag(etag);
            grainState.RecordExists = Kind == WriteKind.Write;
            if (Kind == WriteKind.Clear)
                grainState.State = storage.Create<T>();
        }
    }

    private sealed class LegacyCopy(StateKey key, GrainId grainId, long version, byte[]? payload)
        : PendingWrite(WriteKind.LegacyCopy, key, grainId, version, payload)
    {
        protected override void OnCommitted(long etag)
        {
        }
    }

    /// <summary>
    /// The writer thread's connection and its prepared statements (reused for every write). Its automatic WAL
    /// checkpoints are off: they would run inside a commit, on the writer thread, and every waiting write would wait for
    /// their fsyncs too. The <see cref="Checkpointer"/> does them beside it.
    /// </summary>
    private sealed class WriterSession : IDisposable
    {
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _update;

        public WriterSession(SqliteStore store)
        {
            Connection = (SqliteConnection)store.OpenConnection();
            try
            {
                using (var pragma = Connection.CreateCommand())
                {
                    pragma.CommandText = "PRAGMA wal_autocheckpoint = 0;";
                    pragma.ExecuteNonQuery();
                    // 64 MB of B-tree pages (the default is 2 MB): a write finds the table's upper levels and recently
                    // written leaves here instead of reading them from the file again, which in a large city is most of
                    // the writer's time.
                    pragma.CommandText = "PRAGMA cache_size = -65536;";
                    pragma.ExecuteNonQuery();
                    pragma.CommandText = "PRAGMA page_size;";
                    PageSize = Math.Max(512, Convert.ToInt32(pragma.ExecuteScalar(), CultureInfo.InvariantCulture));
                }
                _insert = Prepare(InsertSql);
                _update = Prepare(UpdateSql);
            }
            catch
            {
                Connection.Dispose();
                throw;
            }
        }

        public SqliteConnection Connection { get; }

        public int PageSize { get; }

        /// <summary>Runs one write inside <paramref name="transaction"/>; returns the row's new version, or null when nothing changed.</summary>
        public long? Execute(PendingWrite write, SqliteTransaction transaction)
        {
            SqliteCommand command;
            long etag;
            if (write.Kind == WriteKind.LegacyCopy)
            {
                command = _insert;
                etag = write.ExpectedETag!.Value;
            }
            else if (write.ExpectedETag is { } expected)
            {
                command = _update;
                etag = expected;
            }
            else
            {
                command = _insert;
                etag = 1;
            }
            command.Transaction = transaction;
            command.Parameters[0].Value = write.Key.GrainType;
            command.Parameters[1].Value = write.Key.GrainKey;
            command.Parameters[2].Value = write.Key.StateName;
            command.Parameters[3].Value = etag;
            command.Parameters[4].Value = (object?)write.Payload ?? DBNull.Value;
            return command.ExecuteScalar() is long version ? version : null;
        }

        public void Dispose()
        {
            _insert.Dispose();
            _update.Dispose();
            Connection.Dispose();
        }

        // Both statements take the same five parameters, in this order (Execute sets them by position).
        private SqliteCommand Prepare(string sql)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.Add("$type", SqliteType.Text);
            command.Parameters.Add("$key", SqliteType.Text);
            command.Parameters.Add("$state", SqliteType.Text);
            command.Parameters.Add("$etag", SqliteType.Integer);
            command.Parameters.Add("$payload", SqliteType.Blob);
            return command;
        }
    }

    /// <summary>
    /// Copies the write-ahead log into the database file (<c>PRAGMA wal_checkpoint(PASSIVE)</c>) on a thread and
    /// connection of its own, when the writer has appended about <see cref="RequestPages"/> pages since it last asked. A passive
    /// checkpoint never blocks the writer or the readers; it is where SQLite syncs the database file (and, with
    /// <c>synchronous = NORMAL</c>, the log), so that cost stays off the acknowledgement path. Requests that arrive while one runs are merged. When it
    /// leaves a long log behind, the writer finishes the copy (<see cref="CatchUpCheckpoint"/>).
    /// </summary>
    private sealed partial class Checkpointer : IDisposable
    {
        /// <summary>Half of SQLite's default automatic-checkpoint threshold: small steps keep the writer's catch-up short.</summary>
        public const int RequestPages = 500;

        /// <summary>
        /// A log of about this many pages (16 MB) makes the writer catch up (<see cref="CatchUpCheckpoint"/>): the
        /// checkpointer has copied all but the last step by then, and the log stays near this size however long the
        /// writing goes on.
        /// </summary>
        public const int CatchUpPages = 8 * RequestPages;

        /// <summary>Held while a checkpoint runs (by the checkpointer, or by the writer catching up).</summary>
        public object Running { get; } = new();


        private readonly object _gate = new();
        private readonly SqliteStore _store;
        private readonly ILogger _logger;
        private readonly Thread _thread;
        private bool _wanted;
        private bool _stopped;

        public Checkpointer(SqliteStore store, ILogger logger)
        {
            _store = store;
            _logger = logger;
            _thread = new Thread(Run) { IsBackground = true, Name = "civic-sqlite-checkpoint" };
            _thread.Start();
        }

        public void Request()
        {
            lock (_gate)
            {
                _wanted = true;
                Monitor.Pulse(_gate);
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _stopped = true;
                Monitor.Pulse(_gate);
            }
            if (_thread != Thread.CurrentThread)
                _thread.Join(StopTimeout);
        }

        private void Run()
        {
            SqliteConnection? connection = null;
            try
            {
                while (true)
                {
                    lock (_gate)
                    {
                        while (!_wanted && !_stopped)
                            Monitor.Wait(_gate);
                        if (_stopped)
                            return; // closing the last connection checkpoints anyway
                        _wanted = false;
                    }
                    try
                    {
                        connection ??= (SqliteConnection)_store.OpenConnection();
                        lock (Running)
                        {
                            using var command = connection.CreateCommand();
                            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                            command.ExecuteNonQuery();
                        }
                    }
                    catch (Exception ex)
                    {
                        // Not fatal: the log only grows until the next checkpoint succeeds.
                        LogCheckpointFailed(ex, _store.DatabasePath);
                        connection?.Dispose();
                        connection = null;
                    }
                }
            }
            finally
            {
                connection?.Dispose();
            }
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite grain storage: a checkpoint of the write-ahead log of {Path} failed; the next one retries")]
        private partial void LogCheckpointFailed(Exception exception, string path);
    }
}

/// <summary>What <see cref="SqliteGrainStorage"/>'s writer did since start.</summary>
/// <param name="Writes">Rows written (writes, clears and copies from the legacy table) in committed transactions.</param>
/// <param name="Transactions">Committed transactions (each one group commit).</param>
/// <param name="BytesWritten">Serialised payload bytes of those rows.</param>
/// <param name="Conflicts">Writes and clears refused for a stale ETag.</param>
/// <param name="FailedTransactions">Transactions that failed and were rolled back.</param>
/// <param name="CopiedFromLegacy">Grain states copied from the legacy ADO.NET table.</param>
/// <param name="WriterBusy">Time the writer spent in transactions (the rest it waited for writes).</param>
public readonly record struct SqliteGrainStorageStatistics(long Writes, long Transactions, long BytesWritten, long Conflicts, long FailedTransactions, long CopiedFromLegacy, TimeSpan WriterBusy)
{
    /// <summary>The difference from an earlier snapshot: what happened in between.</summary>
    public SqliteGrainStorageStatistics Since(SqliteGrainStorageStatistics earlier) => new(
        Writes - earlier.Writes, Transactions - earlier.Transactions, BytesWritten - earlier.BytesWritten, Conflicts - earlier.Conflicts,
        FailedTransactions - earlier.FailedTransactions, CopiedFromLegacy - earlier.CopiedFromLegacy, WriterBusy - earlier.WriterBusy);
}
