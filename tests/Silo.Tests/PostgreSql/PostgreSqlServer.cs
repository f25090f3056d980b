using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CivicContracting.Silo.Tests.PostgreSql;

/// <summary>
/// A private PostgreSQL server: <c>initdb</c> in a temp folder and <c>pg_ctl start</c> on a free loopback port (as the
/// <c>postgres</c> user when run as root, since PostgreSQL refuses to run as root), durable settings (fsync=on,
/// synchronous_commit=on), stopped and removed again at the end. Each test makes its own database with
/// <see cref="CreateDatabaseAsync()"/>. ./test.sh installs Debian's PostgreSQL when it is missing; without it the
/// fixture fails (never skips).
/// <para>One file for every private server of the repository: tests/Silo.Tests (a collection fixture, see
/// PostgreSqlCollection.cs), tests/Cluster.Tests and benchmarks/PostgresBenchmark (which adds pgbench) compile it
/// as a linked file, so it uses nothing of xUnit.</para>
/// </summary>
public sealed partial class PostgreSqlServer
{
    /// <summary>The newest Debian PostgreSQL install (/usr/lib/postgresql/&lt;version&gt;/bin), 15 on Debian 12; null when none.</summary>
    public static readonly string? BinDirectory = FindBinDirectory();

    /// <summary>The default <see cref="MaxConnections"/>: kept small so that the pool-sizing check has a limit to trip over.</summary>
    public const int DefaultMaxConnections = 60;

    private readonly bool _asPostgresUser = Environment.UserName == "root";
    private bool _started;

    /// <summary>The server's max_connections.</summary>
    public int MaxConnections { get; init; } = DefaultMaxConnections;

    /// <summary>The temp folder of the data directory, socket and log.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "civic-pg-" + Guid.NewGuid().ToString("N")[..12]);

    public int Port { get; private set; }

    /// <summary>Whether the server runs (false after <see cref="CrashAsync"/> until <see cref="StartAsync"/>).</summary>
    public bool Running => _started;

    private string DataDirectory => Path.Combine(Root, "data");

    public string AdminConnectionString => ConnectionString("postgres", pooling: false);

    /// <summary>A connection string for <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database, bool pooling) => string.Create(CultureInfo.InvariantCulture,
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling={pooling};Timeout=15");

    /// <summary>Creates the cluster and starts the server.</summary>
    public async Task InitializeAsync()
    {
        if (BinDirectory is null)
        {
            throw new InvalidOperationException(
                "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb and pg_ctl). Run ./test.sh, which installs it when missing (as root: apt-get install postgresql), or install Debian's 'postgresql' package yourself.");
        }
        Directory.CreateDirectory(Root);
        if (_asPostgresUser)
            await RunAsync("chown", ["postgres:postgres", Root], asPostgres: false);

        await RunAsync(Path.Combine(BinDirectory, "initdb"),
            ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        Port = FreePort();
        await StartAsync();
    }

    /// <summary>Starts the server (again, after <see cref="CrashAsync"/>) on the same port and data.</summary>
    public async Task StartAsync()
    {
        var serverOptions = string.Create(CultureInfo.InvariantCulture,
            $"-p {Port} -k {Root} -c listen_addresses=127.0.0.1 -c max_connections={MaxConnections} -c fsync=on -c synchronous_commit=on");
        await RunAsync(Path.Combine(BinDirectory!, "pg_ctl"),
            ["-D", DataDirectory, "-l", Path.Combine(Root, "server.log"), "-o", serverOptions, "-w", "-t", "60", "start"]);
        _started = true;
    }

    /// <summary>
    /// Stops the server the way a crash does (<c>pg_ctl stop -m immediate</c>: no shutdown checkpoint, WAL that was
    /// not yet written out of the server's buffers is lost); <see cref="StartAsync"/> then recovers from the WAL.
    /// </summary>
    public async Task CrashAsync()
    {
        await RunAsync(Path.Combine(BinDirectory!, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "60", "stop"]);
        _started = false;
        NpgsqlConnection.ClearAllPools();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (_started)
                await RunAsync(Path.Combine(BinDirectory!, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]);
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

    /// <summary>Creates an empty database for one test and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync() => CreateDatabaseAsync("civic_" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Creates the database <paramref name="name"/> and returns its (pooled) connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync();
        }
        return ConnectionString(name, pooling: true);
    }

    /// <summary>Runs <paramref name="file"/> (as the postgres user when <paramref name="asPostgres"/> and run as root); answers its output.</summary>
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

    private static string? FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
            return null;
        return Directory.GetDirectories(root)
            .Select(d => (Directory: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
            .Where(d => d.Version > 0 && File.Exists(Path.Combine(d.Directory, "initdb")) && File.Exists(Path.Combine(d.Directory, "pg_ctl")))
            .OrderByDescending(d => d.Version)
            .Select(d => d.Directory)
            .FirstOrDefault();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
