using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CivicContracting.CityScale;

/// <summary>
/// The product (src/Web, silo co-hosted, embedded SQLite or PostgreSQL) as a process of its own, so that its memory is
/// its own and a restart is a real one: started from the Release build of src/Web beside this benchmark.
/// </summary>
internal sealed class ProductProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ProductProcess(Process process, Uri baseAddress, int gatewayPort, long startedAt)
    {
        _process = process;
        BaseAddress = baseAddress;
        GatewayPort = gatewayPort;
        StartedAt = startedAt;
    }

    public Uri BaseAddress { get; }

    public int GatewayPort { get; }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> just before the process was started.</summary>
    public long StartedAt { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static string WebAssembly()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CivicContracting.sln")))
            directory = directory.Parent;
        if (directory is null)
            throw new InvalidOperationException("Could not find CivicContracting.sln above the benchmark's folder.");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var path = Path.Combine(directory.FullName, "src", "Web", "bin", configuration, "net10.0", "CivicContracting.Web.dll");
        if (!File.Exists(path))
            throw new InvalidOperationException($"Build the product first (dotnet build -c {configuration}): {path} is missing.");
        return path;
    }

    /// <summary>Runs <c>CivicContracting.Web import FILE</c> in a process of its own, its output on this console (the progress bar).</summary>
    public static async Task<int> ImportAsync(string file, IEnumerable<string> settings)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(WebAssembly())!, UseShellExecute = false };
        start.ArgumentList.Add(WebAssembly());
        start.ArgumentList.Add("import");
        start.ArgumentList.Add(file);
        foreach (var setting in settings)
            start.ArgumentList.Add(setting);
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    public static ProductProcess Start(IEnumerable<string> settings, string logFile)
    {
        var httpPort = FreePort();
        var gatewayPort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(WebAssembly())!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(WebAssembly());
        foreach (var setting in (string[])[
            $"--Urls=http://127.0.0.1:{httpPort}",
            $"--Orleans:SiloPort={FreePort()}",
            $"--Orleans:GatewayPort={gatewayPort}",
            "--Demo:Seed=false",
            "--Demo:Simulate=false",
            "--RateLimits:Enabled=false",
            $"--Telemetry:MetricsToken={StorageMetrics.Token}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            .. settings])
        {
            start.ArgumentList.Add(setting);
        }
        var startedAt = Stopwatch.GetTimestamp();
        var process = Process.Start(start)!;
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ProductProcess(process, new Uri($"http://127.0.0.1:{httpPort}"), gatewayPort, startedAt);
    }

    /// <summary>Resident memory now and at its peak (VmRSS, VmHWM of /proc), in bytes.</summary>
    public (long Rss, long Peak) Memory()
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = Kilobytes(line) * 1024;
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                peak = Kilobytes(line) * 1024;
        }
        return (rss, peak);

        static long Kilobytes(string line) => long.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>CPU seconds the process used so far (user + system).</summary>
    public double CpuSeconds()
    {
        _process.Refresh();
        return _process.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>Stops the product as an operator would (SIGTERM), waiting for its graceful shutdown.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
            return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            throw new InvalidOperationException($"The product did not stop within {timeout.TotalSeconds:N0} s of SIGTERM; killed.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
