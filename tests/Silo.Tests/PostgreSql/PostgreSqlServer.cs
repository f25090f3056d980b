using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CivicContracting.Silo.Tests.PostgreSql;

/// <summary>
/// A private PostgreSQL server for the tests: <c>initdb</c> in a temp folder and <c>pg_ctl start</c> on a free
/// loopback port (as the <c>postgres</c> user when the tests run as root, since PostgreSQL refuses to run as root),
/// stopped and removed again at the end. Each test makes its own database with <see cref="CreateDatabaseAsync"/>.
/// ./test.sh installs Debian's PostgreSQL when it is missing; without it the fixture fails (never skips).
/// </summary>
public sealed class PostgreSqlServer : IAsyncLifetime
{
    /// <summary>The newest Debian PostgreSQL install (/usr/lib/postgresql/&lt;version&gt;/bin), 15 on Debian 12; null when none.</summary>
    public static readonly string? BinDirectory = FindBinDirectory();

    /// <summary>Kept small so that the pool-sizing check has a limit to trip over.</summary>
    public const int MaxConnections = 60;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "civic-pg-" + Guid.NewGuid().ToString("N"));
    private readonly bool _asPostgresUser = Environment.UserName == "root";
    private bool _started;

    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(_root, "data");

    public string AdminConnectionString => string.Create(CultureInfo.InvariantCulture,
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false;Timeout=10");

    public async Task InitializeAsync()
    {
        if (BinDirectory is null)
        {
            throw new InvalidOperationException(
                "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb and pg_ctl). Run ./test.sh, which installs it when missing (as root: apt-get install postgresql), or install Debian's 'postgresql' package yourself.");
        }
        Directory.CreateDirectory(_root);
        if (_asPostgresUser)
            await RunAsync("chown", ["postgres:postgres", _root], asPostgres: false);

        await RunAsync(Path.Combine(BinDirectory!, "initdb"),
            ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        Port = FreePort();
        var serverOptions = string.Create(CultureInfo.InvariantCulture,
            $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c max_connections={MaxConnections} -c fsync=on -c synchronous_commit=on");
        await RunAsync(Path.Combine(BinDirectory!, "pg_ctl"),
            ["-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-o", serverOptions, "-w", "-t", "60", "start"]);
        _started = true;
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
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }

    /// <summary>Creates an empty database for one test and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "civic_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync();
        }
        return string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}");
    }

    private async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres = true)
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
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            var log = Path.Combine(_root, "server.log");
            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : "";
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stdout}{await stderr}{serverLog}");
        }
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgreSqlCollection : ICollectionFixture<PostgreSqlServer>
{
    public const string Name = "PostgreSQL server";
}
