using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace CivicContracting.PostgresBenchmark;

/// <summary>
/// A private PostgreSQL server for one benchmark run, as tests/Silo.Tests/PostgreSql/PostgreSqlServer.cs runs it:
/// <c>initdb</c> in a temp folder and <c>pg_ctl start</c> on a free loopback port (as the <c>postgres</c> user when
/// run as root), durable settings (fsync=on, synchronous_commit=on), stopped and removed at the end. Also runs
/// <c>pgbench</c> from the same installation against it.
/// </summary>
internal sealed partial class PostgreSqlServer(int maxConnections) : IAsyncDisposable
{
    private static readonly string BinDirectory = FindBinDirectory();
    private readonly bool _asPostgresUser = Environment.UserName == "root";
    private bool _started;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "civic-pgbench-" + Guid.NewGuid().ToString("N")[..12]);

    public int Port { get; private set; }

    public int MaxConnections => maxConnections;

    private string DataDirectory => Path.Combine(Root, "data");

    private string ConnectionString(string database, bool pooling) => string.Create(CultureInfo.InvariantCulture,
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling={pooling};Timeout=15");

    public async Task StartAsync()
    {
        Directory.CreateDirectory(Root);
        if (_asPostgresUser)
            await RunAsync("chown", ["postgres:postgres", Root], asPostgres: false);
        await RunAsync(Path.Combine(BinDirectory, "initdb"),
            ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        Port = FreePort();
        var options = string.Create(CultureInfo.InvariantCulture,
            $"-p {Port} -k {Root} -c listen_addresses=127.0.0.1 -c max_connections={maxConnections} -c fsync=on -c synchronous_commit=on");
        await RunAsync(Path.Combine(BinDirectory, "pg_ctl"),
            ["-D", DataDirectory, "-l", Path.Combine(Root, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
        _started = true;
    }

    public async Task<string> VersionAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres", pooling: false));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SHOW server_version;", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Cumulative server counters: committed transactions of one database and WAL syncs (fsyncs) of the whole server.
    /// PostgreSQL publishes a busy backend's counts at most once a second, so read them a moment after a run.
    /// </summary>
    public async Task<(long Commits, long WalSyncs, long Rows, long WalBytes)> CountersAsync(string database)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres", pooling: false));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT d.xact_commit, w.wal_sync, d.tup_inserted + d.tup_updated + d.tup_deleted, w.wal_bytes::bigint FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = @db;", connection);
        command.Parameters.AddWithValue("db", database);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
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

    /// <summary>Creates a database and returns its (pooled) connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres", pooling: false)))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync();
        }
        return ConnectionString(name, pooling: true);
    }

    public Task<string> PgBenchAsync(IReadOnlyList<string> arguments) =>
        RunAsync(Path.Combine(BinDirectory, "pgbench"), ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", .. arguments], asPostgres: false);

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

    // "tps = 1803.123456 (without initial connection time)" (PostgreSQL 14 and later).
    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsPattern();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex LatencyPattern();

    [GeneratedRegex(@"number of transactions actually processed: ([0-9]+)")]
    private static partial Regex TransactionsPattern();

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (_started)
                await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]);
        }
        finally
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }

    private async Task<string> RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres = true)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres && _asPostgresUser)
        {
            start.FileName = "runuser";
            foreach (var a in (string[])["-u", "postgres", "--", file])
                start.ArgumentList.Add(a);
        }
        else
        {
            start.FileName = file;
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            var log = Path.Combine(Root, "server.log");
            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : "";
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stdout}{await stderr}{serverLog}");
        }
        return await stdout + await stderr;
    }

    private static string FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var found = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version > 0 && File.Exists(Path.Combine(d.Directory, "initdb")) && File.Exists(Path.Combine(d.Directory, "pgbench")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Directory)
                .FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb, pg_ctl and pgbench). benchmarks/run-postgres-benchmark.sh installs it when missing (as root: apt-get install postgresql; pgbench ships in the server package).");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal sealed record PgBenchResult(double Tps, double LatencyMs, long Transactions);
