using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CivicContracting.Silo.Storage;

/// <summary>
/// Group commit for grain storage on PostgreSQL (<see cref="StorageOptions.GroupCommit"/>): grain writes commit with
/// <c>synchronous_commit=off</c>, then wait here until one shared "barrier" transaction, started after they
/// committed, has committed with <c>synchronous_commit=on</c>. One barrier is in flight at a time; every write that
/// arrives while it runs waits for the next one, which starts as soon as the current one ends. So under load one WAL
/// flush acknowledges a whole batch of writes, and when idle a write waits for one short transaction.
/// <para><b>Why this is durable.</b> An asynchronous commit has inserted its commit record into the WAL before the
/// server answers it; it only has not waited for the flush. The barrier starts after that answer, so its own commit
/// record lies later in the WAL, and a synchronous commit returns only once the WAL is flushed up to its record.
/// WAL is one sequential log, so that flush covers every earlier record: all writes of the batch are on disk (and
/// on synchronous standbys, if any) before any of them is acknowledged. The barrier updates a row of
/// <c>civic_durability_barrier</c> because PostgreSQL waits for the flush at commit only when the transaction wrote
/// WAL of its own (a transaction that merely took a transaction id commits without waiting).</para>
/// <para><b>What a crash loses.</b> Only a suffix of the WAL that was not flushed: writes that committed
/// asynchronously but whose barrier had not completed. None of them was acknowledged: their grain calls were still
/// waiting, and fail. A barrier that fails (connection lost, server stopped) fails all its waiters the same way;
/// their writes may or may not survive, exactly like a synchronous commit whose answer was lost.</para>
/// <para>Other sessions can see an asynchronously committed row before it is durable; <see cref="GroupCommitGrainStorage"/>
/// therefore also waits for a barrier after reading a stored row, so nothing grain storage returns can vanish in a crash.</para>
/// </summary>
public sealed partial class DurabilityBarrier(NpgsqlDataSource dataSource, ILogger<DurabilityBarrier> logger)
{
    public const string Table = "civic_durability_barrier";

    /// <summary>Rows of <see cref="Table"/> (deploy/postgresql/0004): each silo process updates one, picked at random.</summary>
    public const int Slots = 64;

    private readonly Lock _lock = new();
    private TaskCompletionSource? _next; // the waiters of the barrier that has not started yet
    private int _nextWaiters;
    private int _inFlightWaiters; // the waiters of the barrier that is running
    private bool _running;
    private long _barriers;
    private long _released;
    private long _failures;

    /// <summary>
    /// The row this process updates: spread over <see cref="Slots"/> so that barriers of different silos rarely
    /// wait for each other's row lock (when they do, they only wait; it is still correct).
    /// </summary>
    public short Slot { get; } = (short)Random.Shared.Next(Slots);

    /// <summary>Barrier transactions committed since start.</summary>
    public long Barriers => Interlocked.Read(ref _barriers);

    /// <summary>Waits released by committed barriers since start (writes and reads made durable).</summary>
    public long Released => Interlocked.Read(ref _released);

    /// <summary>Barrier transactions that failed since start (their waiters failed).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Waits not yet released: those of the running barrier and those of the next one.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
                return _inFlightWaiters + _nextWaiters;
        }
    }

    /// <summary>
    /// Completes once a barrier transaction that started after this call has committed synchronously: then every
    /// transaction committed before this call is durable. Throws the barrier's error when it fails. Cancelling
    /// stops only this wait, never the shared barrier.
    /// </summary>
    public Task WaitAsync(CancellationToken cancellationToken = default)
    {
        Task barrier;
        var start = false;
        lock (_lock)
        {
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _nextWaiters++;
            barrier = _next.Task;
            if (!_running)
                _running = start = true;
        }
        if (start)
        {
            // The loop must not run on a grain's scheduler (it would wait for that grain's turns): from there, hand it
            // to the thread pool; from the thread pool (the usual case, after the provider's I/O), start it here.
            if (SynchronizationContext.Current is null && TaskScheduler.Current == TaskScheduler.Default)
                _ = RunAsync();
            else
                _ = Task.Run(RunAsync, CancellationToken.None);
        }
        return cancellationToken.CanBeCanceled ? barrier.WaitAsync(cancellationToken) : barrier;
    }

    private async Task RunAsync()
    {
        while (true)
        {
            TaskCompletionSource batch;
            int waiters;
            lock (_lock)
            {
                if (_next is null)
                {
                    _running = false;
                    return;
                }
                // Taken before the transaction starts: exactly the waiters whose writes committed before it.
                batch = _next;
                waiters = _inFlightWaiters = _nextWaiters;
                _next = null;
                _nextWaiters = 0;
            }
            try
            {
                await CommitBarrierAsync().ConfigureAwait(false);
                Interlocked.Increment(ref _barriers);
                Interlocked.Add(ref _released, waiters);
                CivicContracting.Observability.CivicMetrics.BarrierCommitted(waiters);
                batch.TrySetResult();
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _failures);
                CivicContracting.Observability.CivicMetrics.BarrierFailed();
                LogBarrierFailed(ex, waiters);
                batch.TrySetException(ex);
            }
            lock (_lock)
                _inFlightWaiters = 0;
        }
    }

    /// <summary>
    /// One statement in its own (implicit) transaction on the control pool, whose sessions commit synchronously: a
    /// single round trip. Npgsql completes the command only at the server's ReadyForQuery, which follows the commit,
    /// and so the flush. The statement answers the session's synchronous_commit, so a session that would commit
    /// asynchronously after all (a changed connection string) fails the barrier instead of acknowledging anything.
    /// </summary>
    private async Task CommitBarrierAsync()
    {
        await using var command = dataSource.CreateCommand(
            $"UPDATE {Table} SET barriers = barriers + 1, last_at = now() WHERE slot = @slot RETURNING current_setting('synchronous_commit');");
        command.Parameters.Add(new NpgsqlParameter<short>("slot", Slot));
        var synchronousCommit = await command.ExecuteScalarAsync().ConfigureAwait(false);
        if (synchronousCommit is not string setting)
        {
            // Without the row the transaction writes no WAL, and its commit would not flush anything.
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The durability barrier row {Slot} of table {Table} is missing on {PostgreSqlStore.Describe(dataSource.ConnectionString)}; schema script 0004-durability-barrier.sql creates rows 0 to {Slots - 1}. Restore them, or set {StorageOptions.SectionName}:GroupCommit=false."));
        }
        if (string.Equals(setting, "off", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"The durability barrier ran in a session with synchronous_commit=off on {PostgreSqlStore.Describe(dataSource.ConnectionString)}, so it flushed nothing. Remove synchronous_commit from the Options of {StorageOptions.SectionName}:ConnectionString (the silo sets it on).");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Durability barrier failed; {Waiters} grain storage operation(s) that waited for it fail and are not acknowledged")]
    private partial void LogBarrierFailed(Exception exception, int waiters);
}
