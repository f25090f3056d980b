using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using CivicContracting.Silo.Tests.PostgreSql;

namespace CivicContracting.Cluster.Tests;

/// <summary>
/// A real cluster on 127.0.0.1: a private PostgreSQL server, the schema applied by `CivicContracting.Silo migrate`,
/// 3 silo processes (PostgreSQL membership, short probe timings) and 2 web processes in Client mode whose gateway list
/// comes from the membership table. Every child process is killed at the end, whatever happened.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int SiloCount = 3;
    public const int WebCount = 2;
    public const string OperatorToken = "cluster-test-operator-token-0123456789";

    /// <summary>How often the web hosts re-read the gateway list from the membership table.</summary>
    public static readonly TimeSpan GatewayListRefreshPeriod = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private readonly PostgreSqlServer _postgres = new();
    private readonly string _clusterId = "cluster-test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<SiloSlot> _silos = [];
    private readonly List<(ChildProcess Process, Uri Address)> _webs = [];
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(5) };

    public string ConnectionString { get; private set; } = "";

    public IReadOnlyList<Uri> WebAddresses => _webs.Select(w => w.Address).ToList();

    public static string Configuration { get; } =
        typeof(ClusterFixture).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string SiloDll => Output("Silo", "CivicContracting.Silo.dll");

    public static string WebDll => Output("Web", "CivicContracting.Web.dll");

    public async Task InitializeAsync()
    {
        try
        {
            await _postgres.InitializeAsync();
            ConnectionString = await _postgres.CreateDatabaseAsync();

            var migrate = await RunMigrateAsync(ConnectionString);
            if (migrate.ExitCode != 0)
                throw new InvalidOperationException($"migrate failed ({migrate.ExitCode}):\n{migrate.Output}");

            for (var i = 0; i < SiloCount; i++)
                _silos.Add(new SiloSlot(i + 1, FreePort(), FreePort(), FreePort()));
            // The first silo alone first, so that the others join an existing cluster, then the rest together.
            StartSilo(0);
            await WaitReadyAsync(_silos[0].Process!, _silos[0].Http);
            for (var i = 1; i < SiloCount; i++)
                StartSilo(i);
            for (var i = 1; i < SiloCount; i++)
                await WaitReadyAsync(_silos[i].Process!, _silos[i].Http);

            for (var i = 0; i < WebCount; i++)
            {
                var port = FreePort();
                var address = new Uri($"http://127.0.0.1:{port}");
                var process = ChildProcess.Start($"web{i + 1}", WebDll, new Dictionary<string, string>
                {
                    ["Urls"] = address.ToString().TrimEnd('/'),
                    ["Orleans__Mode"] = "Client",
                    ["Orleans__ClusterId"] = _clusterId,
                    ["Orleans__ConnectTimeout"] = "00:01:00",
                    ["Orleans__ResponseTimeout"] = "00:00:10",
                    ["Orleans__GatewayListRefreshPeriod"] = GatewayListRefreshPeriod.ToString("c", CultureInfo.InvariantCulture),
                    ["Storage__Profile"] = "PostgreSql",
                    ["Storage__ConnectionString"] = ConnectionString,
                    ["Storage__MaxPoolSize"] = "2",
                    ["Api__OperatorToken"] = OperatorToken,
                    ["Demo__Seed"] = "false",
                    ["Logging__LogLevel__Default"] = "Warning",
                });
                _webs.Add((process, address));
            }
            foreach (var (process, address) in _webs)
                await WaitReadyAsync(process, address);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var (process, _) in _webs)
            process.Dispose();
        foreach (var silo in _silos)
            silo.Process?.Dispose();
        await _postgres.DisposeAsync();
    }

    /// <summary>An API client of web host <paramref name="index"/> with the operator token.</summary>
    public HttpClient Client(int index)
    {
        var client = new HttpClient { BaseAddress = _webs[index].Address, Timeout = TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OperatorToken);
        return client;
    }

    /// <summary>Runs `dotnet CivicContracting.Silo.dll migrate` against <paramref name="connectionString"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunMigrateAsync(string connectionString)
    {
        using var migrate = ChildProcess.Start("migrate", SiloDll, new Dictionary<string, string>
        {
            ["Storage__Profile"] = "PostgreSql",
            ["Storage__ConnectionString"] = connectionString,
            ["Storage__MaxPoolSize"] = "2",
        }, "migrate");
        var exitCode = await migrate.WaitForExitAsync(TimeSpan.FromSeconds(90));
        return (exitCode, migrate.Output());
    }

    /// <summary>
    /// The index of the silo that <paramref name="siloAddress"/> names (an Orleans silo address as a grain's
    /// RuntimeIdentity gives it, e.g. <c>S127.0.0.1:40123:123456789</c>: host, silo port, generation); null when none does.
    /// </summary>
    public int? SiloIndexOf(string siloAddress)
    {
        var parts = siloAddress.TrimStart('S').Split(':');
        if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            return null;
        var index = _silos.FindIndex(s => s.SiloPort == port);
        return index < 0 ? null : index;
    }

    /// <summary>kill -9 of silo <paramref name="index"/> (0-based).</summary>
    public void KillSilo(int index) => _silos[index].Process!.Kill();

    /// <summary>Polls the membership table until the newest generation of silo <paramref name="index"/> is Dead; null when not within <paramref name="within"/>.</summary>
    public async Task<TimeSpan?> WaitDeclaredDeadAsync(int index, TimeSpan within)
    {
        const int Dead = 6; // Orleans' SiloStatus.Dead
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        while (watch.Elapsed < within)
        {
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND Port = @port ORDER BY Generation DESC LIMIT 1;", connection);
            command.Parameters.AddWithValue("cluster", _clusterId);
            command.Parameters.AddWithValue("port", _silos[index].SiloPort);
            if (await command.ExecuteScalarAsync() is int status && status == Dead)
                return watch.Elapsed;
            await Task.Delay(200);
        }
        return null;
    }

    /// <summary>SIGTERM to silo <paramref name="index"/>; returns its exit code once it has stopped.</summary>
    public Task<int> StopSiloAsync(int index) => _silos[index].Process!.TerminateAsync(TimeSpan.FromSeconds(60));

    /// <summary>Starts silo <paramref name="index"/> again on its ports and waits until it is ready.</summary>
    public async Task RestartSiloAsync(int index)
    {
        _silos[index].Process?.Dispose();
        StartSilo(index);
        await WaitReadyAsync(_silos[index].Process!, _silos[index].Http);
    }

    /// <summary>Restarts any silo that is not running (a test before this one killed it) and waits for all to be ready.</summary>
    public async Task EnsureAllRunningAsync()
    {
        for (var i = 0; i < _silos.Count; i++)
        {
            if (_silos[i].Process is null || _silos[i].Process!.HasExited)
                await RestartSiloAsync(i);
        }
        foreach (var silo in _silos)
            await WaitReadyAsync(silo.Process!, silo.Http);
        foreach (var (process, address) in _webs)
            await WaitReadyAsync(process, address);
        // Let the web hosts' gateway lists catch up with the membership table.
        await Task.Delay(GatewayListRefreshPeriod * 2);
    }

    /// <summary>The last output of every process, for failure messages.</summary>
    public string Diagnostics() => string.Join("\n\n",
        _silos.Where(s => s.Process is not null).Select(s => $"--- silo{s.Number} ---\n{Tail(s.Process!.Output())}")
            .Concat(_webs.Select(w => $"--- {w.Process.Name} ---\n{Tail(w.Process.Output())}")));

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(40));

    private void StartSilo(int index)
    {
        var slot = _silos[index];
        slot.Process = ChildProcess.Start($"silo{slot.Number}", SiloDll, new Dictionary<string, string>
        {
            ["Urls"] = slot.Http.ToString().TrimEnd('/'),
            ["Orleans__ClusterId"] = _clusterId,
            ["Orleans__AdvertisedAddress"] = "127.0.0.1",
            ["Orleans__SiloPort"] = slot.SiloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = slot.GatewayPort.ToString(CultureInfo.InvariantCulture),
            // Short failure detection, so that a killed silo is declared dead within seconds (docs/operations.md: not for production).
            ["Orleans__Membership__ProbeTimeout"] = "00:00:01",
            ["Orleans__Membership__NumMissedProbesLimit"] = "2",
            ["Orleans__Membership__NumVotesForDeathDeclaration"] = "1",
            ["Orleans__Membership__TableRefreshTimeout"] = "00:00:02",
            ["Orleans__Membership__IAmAliveTablePublishTimeout"] = "00:00:05",
            ["Host__ShutdownTimeout"] = "00:00:30",
            ["Storage__Profile"] = "PostgreSql",
            ["Storage__ConnectionString"] = ConnectionString,
            ["Storage__MaxPoolSize"] = "8",
            ["Storage__ExpectedHosts"] = (SiloCount + WebCount).ToString(CultureInfo.InvariantCulture),
            ["Demo__Seed"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        });
    }

    private async Task WaitReadyAsync(ChildProcess process, Uri address)
    {
        var deadline = DateTimeOffset.UtcNow + ReadyTimeout;
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{process.Name} exited with {process.ExitCode} before it was ready.\n{process.Output()}");
            try
            {
                using var response = await Probe.GetAsync(new Uri(address, "/health/ready"));
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (DateTimeOffset.UtcNow > deadline)
                throw new TimeoutException($"{process.Name} was not ready within {ReadyTimeout}.\n{process.Output()}");
            await Task.Delay(250);
        }
    }

    private static string Output(string project, string dll)
    {
        var root = RepositoryRoot();
        var path = Path.Combine(root, "src", project, "bin", Configuration, "net10.0", dll);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} is missing: build the solution in {Configuration} first (dotnet build CivicContracting.sln -c {Configuration}).", path);
        return path;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CivicContracting.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("CivicContracting.sln not found above " + AppContext.BaseDirectory);
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A port free now and not handed out before in this process: the system may give the same free port to two calls in a
    /// row (each listener is closed before the next call), and two silos, or one silo's silo and gateway ports, must differ.
    /// </summary>
    internal static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                    return port;
            }
        }
    }

    private sealed class SiloSlot(int number, int siloPort, int gatewayPort, int httpPort)
    {
        public int Number { get; } = number;
        public int SiloPort { get; } = siloPort;
        public int GatewayPort { get; } = gatewayPort;
        public Uri Http { get; } = new($"http://127.0.0.1:{httpPort}");
        public ChildProcess? Process { get; set; }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster of 3 silos and 2 web hosts";
}
