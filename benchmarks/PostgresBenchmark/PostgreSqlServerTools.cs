using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

// The private server itself is tests/Silo.Tests/PostgreSql/PostgreSqlServer.cs (linked in the project file, shared
// with the tests); this part adds what only the benchmark needs: pgbench and the server's counters.
namespace CivicContracting.Silo.Tests.PostgreSql;

public sealed partial class PostgreSqlServer
{
    public async Task<string> VersionAsync()
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SHOW server_version;", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Cumulative server counters: committed transactions of one database and WAL syncs (fsyncs) of the whole server.
    /// PostgreSQL publishes a busy backend's counts at most once a second, so read them a moment after a run.
    /// </summary>
    public async Task<ServerCounters> CountersAsync(string database)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT d.xact_commit, w.wal_sync, d.tup_inserted + d.tup_updated + d.tup_deleted, w.wal_bytes::bigint FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = @db;", connection);
        command.Parameters.AddWithValue("db", database);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new ServerCounters(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    /// <summary>Rows of a query on one database, as text columns (for the closing breakdown).</summary>
    public async Task<List<string[]>> QueryAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database, pooling: false));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? "")]);
        return rows;
    }

    public Task<string> PgBenchAsync(IReadOnlyList<string> arguments) =>
        RunAsync(PgBenchPath, ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", .. arguments], asPostgres: false);

    /// <summary><c>pgbench -N -c C -j 2 -T T</c> (the TPC-B-like script without the branch and teller updates).</summary>
    public async Task<PgBenchResult> PgBenchRunAsync(string database, int clients, TimeSpan duration)
    {
        var output = await PgBenchAsync(["-N", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2",
            "-T", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture), database]);
        var tps = TpsPattern().Match(output);
        if (!tps.Success)
            throw new InvalidOperationException("Cannot read the TPS from pgbench's output:\n" + output);
        var latency = LatencyPattern().Match(output);
        var transactions = TransactionsPattern().Match(output);
        return new PgBenchResult(
            double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture),
            latency.Success ? double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN,
            transactions.Success ? long.Parse(transactions.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
    }

    private static string PgBenchPath
    {
        get
        {
            var path = BinDirectory is null ? null : Path.Combine(BinDirectory, "pgbench");
            return path is not null && File.Exists(path) ? path : throw new InvalidOperationException(
                "pgbench is not installed next to initdb and pg_ctl (/usr/lib/postgresql/<version>/bin). benchmarks/run-postgres-benchmark.sh installs PostgreSQL when missing (as root: apt-get install postgresql; pgbench ships in the server package).");
        }
    }

    // "tps = 1803.123456 (without initial connection time)" (PostgreSQL 14 and later).
    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsPattern();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex LatencyPattern();

    [GeneratedRegex(@"number of transactions actually processed: ([0-9]+)")]
    private static partial Regex TransactionsPattern();
}

public sealed record PgBenchResult(double Tps, double LatencyMs, long Transactions);

public sealed record ServerCounters(long Commits, long WalSyncs, long Rows, long WalBytes)
{
    public static readonly ServerCounters None = new(0, 0, 0, 0);

    public static ServerCounters operator -(ServerCounters a, ServerCounters b) =>
        new(a.Commits - b.Commits, a.WalSyncs - b.WalSyncs, a.Rows - b.Rows, a.WalBytes - b.WalBytes);
}
