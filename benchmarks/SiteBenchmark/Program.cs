using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicContracting.ProgressBenchmark;
using CivicContracting.Silo.Demo;
using CivicContracting.SiteBenchmark;
using CivicContracting.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using CivicContracting.Web.Live;

// The public site under load: GET /api/map and GET / (the home page) at N concurrent connections, and the push
// latency of live changes to M connected browsers (GET /api/live), on the real app as `dotnet run --project src/Web`
// starts it (co-hosted silo, embedded SQLite, Leuven demo data). Not a test: it prints figures.
// Usage: dotnet run -c Release --project benchmarks/SiteBenchmark -- [--duration 10] [--connections 50] [--warmup 2]
//            [--clients 100] [--rate 5] [--events-duration 10] [--clients-per-address 0]
// --duration 0 skips the page reads; --clients-per-address (default: the host's Live:MaxConnectionsPerAddress) puts that
// many live clients on each loopback address, so a value above the cap shows its 429s.
if (args.FirstOrDefault() == LiveClientHost.Mode)
    return await LiveClientHost.RunAsync(args[1..]);
var settings = Settings.Parse(args);
Console.WriteLine($"Site benchmark — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores ({Machine.CpuModel()}), {Machine.MemoryGiB():N0} GiB memory, server GC {System.Runtime.GCSettings.IsServerGC}; load average before start: {Machine.LoadAverage()}");
Console.WriteLine($"Settings: {settings.Connections} concurrent connections, {settings.Duration.TotalSeconds:N0} s per page (+{settings.Warmup.TotalSeconds:N0} s warm-up); " +
    $"{settings.Clients} live clients, {settings.Rate:N1} API changes/s for {settings.EventsDuration.TotalSeconds:N0} s; the load generator, the live clients and the app share this machine");

var dataDirectory = Path.Combine(Path.GetTempPath(), $"civic-site-benchmark-{Guid.NewGuid():N}");
Directory.CreateDirectory(dataDirectory);
const string Token = "benchmark-operator-token-0123456789";
var counter = new CountingLoggerProvider();
var webArgs = new Dictionary<string, string>
{
    ["urls"] = "http://127.0.0.1:0",
    ["Storage:Profile"] = "Sqlite",
    ["Storage:DataDirectory"] = dataDirectory,
    ["Demo:Seed"] = "true",
    ["Demo:Simulate"] = "false",
    // The dashboard profiles every grain call; production web hosts (client mode) do not run it.
    ["Operations:Dashboard"] = "false",
    ["Api:OperatorToken"] = Token,
    ["Orleans:Mode"] = "CoHosted",
    ["Orleans:ClusterId"] = "site-bench-" + Guid.NewGuid().ToString("N")[..8],
    ["Orleans:SiloPort"] = Machine.FreePort().ToString(CultureInfo.InvariantCulture),
    ["Orleans:GatewayPort"] = Machine.FreePort().ToString(CultureInfo.InvariantCulture),
    ["Logging:LogLevel:Default"] = "Warning",
};
var app = CivicContractingWebApp.Build([.. webArgs.Select(s => $"--{s.Key}={s.Value}")], builder =>
{
    // Count warnings instead of printing them between the figures.
    builder.Logging.ClearProviders();
    builder.Logging.AddProvider(counter);
});
var started = Stopwatch.StartNew();
await app.StartAsync();
var baseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
var results = new List<(string Path, LoadResult Result)>();
PushResult? push = null;
var pushWarnings = 0;
try
{
    var seed = await app.Services.GetRequiredService<DemoRunner>().Seeded.WaitAsync(TimeSpan.FromMinutes(3));
    using var api = Http.Client(baseAddress, Token, settings.Connections + 8);
    await Http.WaitForCityAsync(api, SeedCommitments: seed?.CommitmentsCreated ?? 0);
    Console.WriteLine($"Web app (co-hosted silo, SQLite in {dataDirectory}) started and seeded in {started.Elapsed.TotalSeconds:N1} s at {baseAddress}: {seed}");

    // 1. Reads at N concurrent connections (closed loop: each connection sends its next request when the last one is answered).
    foreach (var path in settings.Duration > TimeSpan.Zero ? new[] { "/api/map", "/" } : [])
    {
        using var probe = await api.GetAsync(path);
        var body = await probe.Content.ReadAsByteArrayAsync();
        Console.WriteLine($"GET {path}: {(int)probe.StatusCode} {probe.Content.Headers.ContentType}, {body.Length / 1024.0:N1} KiB");
        if (settings.Warmup > TimeSpan.Zero)
            await Load.RunAsync(api, path, settings.Connections, settings.Warmup);
        counter.Reset();
        var result = await Load.RunAsync(api, path, settings.Connections, settings.Duration);
        counter.Stop();
        result = result with { Warnings = counter.Total + counter.OtherWarnings };
        results.Add((path, result));
        Console.WriteLine($"  measured GET {path,-9} c={settings.Connections}: {result.PerSecond,7:N0} requests/s, p50 {result.P(0.5),6:N1} ms, p99 {result.P(0.99),7:N1} ms, max {result.P(1),7:N1} ms, {result.Failed:N0} failed{result.FirstError}; load avg {Machine.LoadAverage()}");
    }

    // 2. Live push: M browsers on GET /api/live; changes made through the API at a modest pace.
    counter.Reset();
    push = await Push.RunAsync(baseAddress, api, settings, app.Services.GetRequiredService<IOptions<LiveStreamOptions>>().Value);
    counter.Stop();
    pushWarnings = counter.Total + counter.OtherWarnings;
}
finally
{
    var stopping = Stopwatch.StartNew();
    await app.StopAsync();
    await app.DisposeAsync();
    Console.WriteLine($"Web app stopped in {stopping.Elapsed.TotalSeconds:N1} s.");
    try
    {
        Directory.Delete(dataDirectory, recursive: true);
    }
    catch (IOException)
    {
    }
}

Console.WriteLine();
Console.WriteLine("=== Results ===");
Console.WriteLine($"{"request",-14} {"c",4} {"requests/s",11} {"p50 ms",8} {"p99 ms",8} {"max ms",8} {"failed",7} {"warnings",9}");
foreach (var (path, r) in results)
    Console.WriteLine($"GET {path,-10} {settings.Connections,4} {r.PerSecond,11:N0} {r.P(0.5),8:N1} {r.P(0.99),8:N1} {r.P(1),8:N1} {r.Failed,7:N0} {r.Warnings,9:N0}");
if (push is not null)
{
    Console.WriteLine($"Live push to {push.Clients} connected clients (GET /api/live, all scopes; ready after {push.ConnectSeconds:N1} s): {push.Events} API changes " +
        $"({push.Confirmations} confirmations, {push.Reports} progress reports, round-robin over the 24 neighbourhoods) at {push.AchievedRate:N1}/s; acknowledgement p50 {push.AckP(0.5):N1} ms, p99 {push.AckP(0.99):N1} ms, {push.FailedEvents} failed");
    Console.WriteLine($"  acknowledged change → arrival of the affected neighbourhood's newer version at each client, over {push.Pairs:N0} (client, event) pairs: " +
        $"p50 {push.P(0.5):N0} ms, p99 {push.P(0.99):N0} ms, max {push.P(1):N0} ms; never arrived: {push.Missing:N0}; arrived before the API's answer (counted as 0 ms): {push.Early:N0}");
    Console.WriteLine($"  change events received per client: {push.EventsPerClient:N0} on average (all scopes), {push.ClientErrors} client stream errors");
    Console.WriteLine($"  acknowledgement without live clients: p50 {push.QuietAckP(0.5):N1} ms, p99 {push.QuietAckP(0.99):N1} ms; with {push.Clients:N0}: p50 {push.AckP(0.5):N1} ms, p99 {push.AckP(0.99):N1} ms (same pace, same kinds of change)");
    Console.WriteLine($"  live clients: {push.Connected.Opened:N0} open of {push.Connected.Requested:N0} requested, from {push.Connected.Addresses:N0} loopback address(es), {push.PerAddress:N0} per address " +
        $"(Live:MaxConnectionsPerAddress {push.MaxConnectionsPerAddress:N0}, Live:MaxConnections {push.MaxConnections:N0}); refused: {push.Connected.RefusedAddress:N0} with 429 (per address), {push.Connected.RefusedHost:N0} with 503 (host full); " +
        $"{push.Connected.Failed:N0} failed{(push.Connected.FirstError.Length > 0 ? $" (first: {push.Connected.FirstError})" : "")}");
    Console.WriteLine($"  CPU of the app (with its silo and the API load): {push.Quiet.CpuSeconds:N1} s over {push.Quiet.WallSeconds:N1} s without live clients ({push.Quiet.Cores:N2} cores), " +
        $"{push.Busy.CpuSeconds:N1} s over {push.Busy.WallSeconds:N1} s with them ({push.Busy.Cores:N2} cores): {(push.Busy.CpuSeconds - push.Quiet.CpuSeconds * push.Busy.WallSeconds / push.Quiet.WallSeconds) * 1e6 / Math.Max(1, push.Clients * push.Arrivals.EventsPerClientMeasured):N1} µs more per change event delivered " +
        $"({push.Arrivals.EventsPerClientMeasured:N0} per client while measured); " +
        $"the client process used {push.Arrivals.CpuSeconds:N1} s");
    Console.WriteLine($"  web host memory per open live stream: {push.HeapPerSubscriber / 1024:N1} KiB of GC heap (Kestrel's buffers included), {push.RssPerSubscriber / 1024:N1} KiB of RSS, once every client had read its snapshot " +
        $"(heap {push.Before.HeapBytes / 1048576.0:N0} → {push.After.HeapBytes / 1048576.0:N0} MiB, RSS {push.Before.RssBytes / 1048576.0:N0} → {push.After.RssBytes / 1048576.0:N0} MiB; the clients run in a process of their own); " +
        $"15 s later {push.SettledHeapPerSubscriber / 1024:N1} KiB of GC heap");
    Console.WriteLine($"  fan-out rounds while measured (civic.live.fanout.duration: from changes arriving until every stream was written to): {push.FanOutMs.Length:N0}, p50 {push.FanOutP(0.5):N1} ms, p99 {push.FanOutP(0.99):N1} ms, max {push.FanOutP(1):N1} ms");
}
Console.WriteLine($"Warnings logged (Orleans and the app): {results.Sum(r => r.Result.Warnings):N0} during the measured read runs, {pushWarnings:N0} during the live push run");
foreach (var sample in counter.Samples.Take(3))
    Console.WriteLine($"  sample: {sample}");
Console.WriteLine($"Load average at the end: {Machine.LoadAverage()} (the app, its silo, the load generator and the live clients all share these {Environment.ProcessorCount} cores)");
return 0;

namespace CivicContracting.SiteBenchmark
{
    internal sealed record Settings(TimeSpan Duration, TimeSpan Warmup, int Connections, int Clients, double Rate, TimeSpan EventsDuration, int ClientsPerAddress)
    {
        public static Settings Parse(string[] args)
        {
            string? Get(string name) =>
                args.SkipWhile(a => a != $"--{name}").Skip(1).FirstOrDefault()
                ?? Environment.GetEnvironmentVariable("BENCH_" + name.Replace('-', '_').ToUpperInvariant());
            double Number(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
            var known = new[] { "--duration", "--warmup", "--connections", "--clients", "--rate", "--events-duration", "--clients-per-address" };
            foreach (var unknown in args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && !known.Contains(a)))
                throw new ArgumentException($"Unknown option {unknown}; known: {string.Join(' ', known)}");
            return new Settings(
                TimeSpan.FromSeconds(Number("duration", 10)),
                TimeSpan.FromSeconds(Number("warmup", 2)),
                (int)Number("connections", 50),
                (int)Number("clients", 100),
                Number("rate", 5),
                TimeSpan.FromSeconds(Number("events-duration", 10)),
                (int)Number("clients-per-address", 0));
        }
    }

    internal static class Machine
    {
        public static string LoadAverage()
        {
            try
            {
                return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
            }
            catch (IOException)
            {
                return "n/a";
            }
        }

        public static string CpuModel()
        {
            try
            {
                return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
            }
            catch (IOException)
            {
                return "unknown CPU";
            }
        }

        public static double MemoryGiB() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);

        public static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    internal static class Http
    {
        public static HttpClient Client(Uri baseAddress, string? token, int connections)
        {
            var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, AutomaticDecompression = DecompressionMethods.None })
            {
                BaseAddress = baseAddress,
                Timeout = TimeSpan.FromSeconds(60),
            };
            if (token is not null)
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        public static async Task<JsonNode> GetJsonAsync(HttpClient client, string path)
        {
            using var response = await client.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {text}");
            return JsonNode.Parse(text)!;
        }

        public static async Task<JsonNode> PostJsonAsync(HttpClient client, string path, object body)
        {
            using var content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(path, content);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
            return JsonNode.Parse(text)!;
        }

        /// <summary>Waits until the city's aggregate counts every seeded commitment (aggregates are fed asynchronously).</summary>
        public static async Task WaitForCityAsync(HttpClient api, int SeedCommitments)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await GetJsonAsync(api, "/api/places/24062"))["engagement"]!["totals"]!["commitments"]!.GetValue<int>() < SeedCommitments)
            {
                if (DateTime.UtcNow > deadline)
                    throw new InvalidOperationException("The city's aggregate did not count the seeded commitments within 60 s.");
                await Task.Delay(100);
            }
        }
    }

    internal sealed record LoadResult(int Succeeded, int Failed, TimeSpan Elapsed, double[] LatenciesMs, string FirstError, int Warnings)
    {
        public double PerSecond => Succeeded / Elapsed.TotalSeconds;

        public double P(double q) => Percentile.Of(LatenciesMs, q);
    }

    internal static class Percentile
    {
        /// <summary>Nearest-rank percentile of sorted values; NaN when there are none.</summary>
        public static double Of(double[] sorted, double q) =>
            sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    internal static class Load
    {
        public static async Task<LoadResult> RunAsync(HttpClient client, string path, int connections, TimeSpan duration)
        {
            var succeeded = 0;
            var failed = 0;
            string? firstError = null;
            var latencies = new List<double>[connections];
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, connections).Select(async worker =>
            {
                var mine = latencies[worker] = new List<double>(4096);
                var buffer = new byte[64 * 1024];
                while (clock.Elapsed < duration)
                {
                    var start = Stopwatch.GetTimestamp();
                    try
                    {
                        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
                        await using var body = await response.Content.ReadAsStreamAsync();
                        while (await body.ReadAsync(buffer) > 0)
                        {
                        }
                        if (response.IsSuccessStatusCode)
                        {
                            mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                            Interlocked.Increment(ref succeeded);
                        }
                        else
                        {
                            Interlocked.Increment(ref failed);
                            Interlocked.CompareExchange(ref firstError, $"HTTP {(int)response.StatusCode}", null);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                    {
                        Interlocked.Increment(ref failed);
                        Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
                    }
                }
            }));
            var all = latencies.SelectMany(l => l).Order().ToArray();
            return new LoadResult(succeeded, failed, clock.Elapsed, all, firstError is null ? "" : $" (first: {firstError})", 0);
        }
    }
}
