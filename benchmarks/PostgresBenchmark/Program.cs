using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.PostgresBenchmark;
using CivicContracting.ProgressBenchmark;
using CivicContracting.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

// Durable progress reports/s on the PostgreSql storage profile, compared in one run with `pgbench -N` against the
// same private PostgreSQL server (fsync=on, synchronous_commit=on). Not a test: it prints figures.
// Usage (every option also as an environment variable, e.g. BENCH_CONCURRENCY=8):
//   benchmarks/run-postgres-benchmark.sh [--concurrency 8] [--high-concurrency 64] [--duration 15]
//       [--commitments 5000] [--participants 1000] [--goals 4] [--rate 1000] [--visibility-duration 20]
//       [--max-pool-size 20] [--warmup 3]
var settings = BenchmarkSettings.Parse(args);
var concurrencies = settings.HighConcurrency > settings.Concurrency ? new[] { settings.Concurrency, settings.HighConcurrency } : [settings.Concurrency];
Console.WriteLine($"PostgreSQL benchmark — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC; {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}; load average before start: {LoadAverage()}");
Console.WriteLine($"Settings: concurrency {string.Join(" and ", concurrencies)}; {settings.Duration.TotalSeconds:N0} s per measurement (+{settings.Warmup.TotalSeconds:N0} s warm-up); {settings.Commitments:N0} result commitments of {settings.Participants:N0} participants, {settings.Goals} goals; Storage:MaxPoolSize {settings.MaxPoolSize}");

await using var server = new PostgreSqlServer(maxConnections: Math.Max(100, settings.HighConcurrency + settings.MaxPoolSize + 20));
await server.StartAsync();
Console.WriteLine($"PostgreSQL {await server.VersionAsync()} at 127.0.0.1:{server.Port} ({server.Root}); fsync=on, synchronous_commit=on, max_connections={server.MaxConnections}");

// 1. pgbench -N on a scratch database of the same server, at every concurrency our load uses.
await server.CreateDatabaseAsync("pgbench_scratch");
await server.PgBenchAsync(["-i", "-q", "pgbench_scratch"]);
var pgbench = new Dictionary<int, PgBenchResult>();
foreach (var c in concurrencies)
{
    var result = await server.PgBenchRunAsync("pgbench_scratch", c, settings.Duration);
    pgbench[c] = result;
    Console.WriteLine($"pgbench -N -c {c} -j 2 -T {settings.Duration.TotalSeconds:N0}: {result.Tps:N0} TPS, average latency {result.LatencyMs:N2} ms ({result.Transactions:N0} transactions)");
}

// 2. The real web app, co-hosting its silo, on the PostgreSql profile against a database of the same server.
var database = await server.CreateDatabaseAsync("civic_bench");
const string Token = "benchmark-operator-token-0123456789";
var counter = new CountingLoggerProvider();
var webArgs = new Dictionary<string, string>
{
    ["urls"] = "http://127.0.0.1:0",
    ["Storage:Profile"] = "PostgreSql",
    ["Storage:ConnectionString"] = database,
    ["Storage:MaxPoolSize"] = settings.MaxPoolSize.ToString(CultureInfo.InvariantCulture),
    ["Storage:ExpectedHosts"] = "1",
    ["Demo:Seed"] = "false",
    ["Demo:Simulate"] = "false",
    // The dashboard profiles every grain call; production web hosts (client mode) do not run it.
    ["Operations:Dashboard"] = "false",
    ["Api:OperatorToken"] = Token,
    ["Orleans:Mode"] = "CoHosted",
    ["Orleans:ClusterId"] = "bench-" + Guid.NewGuid().ToString("N")[..8],
    ["Orleans:SiloPort"] = PostgreSqlServer.FreePort().ToString(CultureInfo.InvariantCulture),
    ["Orleans:GatewayPort"] = PostgreSqlServer.FreePort().ToString(CultureInfo.InvariantCulture),
    ["Logging:LogLevel:Default"] = "Warning",
    ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
    ["Logging:LogLevel:CivicContracting"] = "Warning",
};
var app = CivicContractingWebApp.Build([.. webArgs.Select(s => $"--{s.Key}={s.Value}")], builder =>
{
    // Count warnings (Orleans' long/blocked turns above all) instead of printing them between the figures.
    builder.Logging.ClearProviders();
    builder.Logging.AddProvider(counter);
});
var started = Stopwatch.StartNew();
await app.StartAsync();
var baseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
Console.WriteLine($"Web app (co-hosted silo, Storage:Profile=PostgreSql) started in {started.Elapsed.TotalSeconds:N1} s at {baseAddress}");
var grains = app.Services.GetRequiredService<IClusterClient>();
var results = new List<(string Path, int Concurrency, RunResult Result)>();
VisibilityResult? visibility = null;
try
{
    var setup = Stopwatch.StartNew();
    await Setup.RunAsync(grains, settings);
    setup.Stop();
    Console.WriteLine($"Setup through the grains: {settings.Participants:N0} participants and {settings.Commitments:N0} confirmed result commitments (+1 probe) in {setup.Elapsed.TotalSeconds:N1} s ({(settings.Participants + 2.0 * settings.Commitments) / setup.Elapsed.TotalSeconds:N0} grain calls/s)");

    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(settings.HighConcurrency, 256), PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };
    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
    var paths = new (string Name, Func<string, ProgressReport, Task> Send)[]
    {
        ("HTTP API", (id, report) => Load.PostAsync(http, id, report)),
        ("Orleans client", (id, report) => grains.GetGrain<ICommitmentGrain>(id).ReportProgress(report)),
    };
    var measurement = 0;
    foreach (var concurrency in concurrencies)
    {
        foreach (var (name, send) in paths)
        {
            var prefix = $"m{measurement++}-";
            if (settings.Warmup > TimeSpan.Zero)
                await Load.ClosedLoopAsync(send, settings, concurrency, settings.Warmup, prefix + "w");
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var before = await server.CountersAsync("civic_bench");
            counter.Reset();
            var result = await Load.ClosedLoopAsync(send, settings, concurrency, settings.Duration, prefix + "r");
            counter.Stop();
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var after = await server.CountersAsync("civic_bench");
            result = result with { Warnings = counter.Total, LongTurns = counter.LongTurns, Commits = after.Commits - before.Commits, WalSyncs = after.WalSyncs - before.WalSyncs, Rows = after.Rows - before.Rows, WalBytes = after.WalBytes - before.WalBytes };
            results.Add((name, concurrency, result));
            Console.WriteLine($"  measured {name,-14} c={concurrency,-3}: {result.PerSecond,7:N0} reports/s, p50 {result.P(0.5),6:N1} ms, p99 {result.P(0.99),7:N1} ms, {result.Failed:N0} failed, {result.Warnings:N0} warnings; PostgreSQL {result.CommitsPerReport:N2} commits, {result.RowsPerReport:N2} rows written, {result.WalBytesPerReport / 1024:N1} KiB WAL and {result.WalSyncsPerReport:N2} WAL fsyncs per report (incl. warm-up tail and background writes); CPU {result.CpuCores:N2} of {Environment.ProcessorCount} cores (this process), load avg {LoadAverage()}");
            foreach (var (error, count) in result.Errors.OrderByDescending(e => e.Value).Take(3))
                Console.WriteLine($"    error {count:N0}×: {error}");
        }
    }

    // 3. From acknowledged report to the change being visible in the goal's aggregate grain, under a paced load.
    if (settings.VisibilityDuration > TimeSpan.Zero)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var before = await server.CountersAsync("civic_bench");
        counter.Reset();
        visibility = await Visibility.RunAsync(grains, paths[0].Send, settings);
        counter.Stop();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var after = await server.CountersAsync("civic_bench");
        visibility = visibility with { Warnings = counter.Total, Load = visibility.Load with { Commits = after.Commits - before.Commits, WalSyncs = after.WalSyncs - before.WalSyncs, Rows = after.Rows - before.Rows, WalBytes = after.WalBytes - before.WalBytes } };
        Console.WriteLine($"  measured visibility: {visibility.Probes:N0} probes under {visibility.AchievedRate:N0} reports/s through the HTTP API (target {settings.Rate:N0}/s)");
    }
}
finally
{
    var stopping = Stopwatch.StartNew();
    await app.StopAsync();
    await app.DisposeAsync();
    NpgsqlConnection.ClearAllPools();
    Console.WriteLine($"Web app stopped in {stopping.Elapsed.TotalSeconds:N1} s.");
}

// Where the writes went: grain state sizes per grain type and row writes per table (TOAST chunks included).
Console.WriteLine("Grain state in PostgreSQL after the run (grain type: rows, average and largest payload, writes since creation = sum of Version):");
foreach (var row in await server.QueryAsync("civic_bench",
    "SELECT GrainTypeString, count(*), round(avg(octet_length(PayloadBinary))), max(octet_length(PayloadBinary)), sum(Version) FROM OrleansStorage GROUP BY 1 ORDER BY 5 DESC;"))
    Console.WriteLine($"  {row[0],-40} {row[1],7} rows, avg {row[2],7} B, max {row[3],8} B, {row[4],9} writes");
Console.WriteLine("Row writes per table over the whole run (inserted + updated + deleted; pg_toast_* are the out-of-line chunks of large payloads):");
foreach (var row in await server.QueryAsync("civic_bench",
    "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd FROM pg_stat_all_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 1000 ORDER BY n_tup_ins + n_tup_upd + n_tup_del DESC LIMIT 6;"))
    Console.WriteLine($"  {row[0],-24} inserted {row[1],9}, updated {row[2],9} (HOT {row[4]}), deleted {row[3],9}");

// 4. The figures.
Console.WriteLine();
Console.WriteLine("=== Results (durable: every report acknowledged only after its PostgreSQL commit; fsync=on, synchronous_commit=on) ===");
foreach (var c in concurrencies)
    Console.WriteLine($"pgbench -N  c={c,-3}: {pgbench[c].Tps,7:N0} TPS   (average latency {pgbench[c].LatencyMs:N2} ms)");
Console.WriteLine($"{"path",-16} {"c",4} {"reports/s",10} {"× pgbench -N",13} {"p50 ms",8} {"p99 ms",8} {"max ms",8} {"failed",7} {"warnings",9} {"commits/rep",12} {"rows/rep",9} {"WAL KiB/rep",12} {"fsyncs/rep",11}");
foreach (var (path, c, r) in results)
    Console.WriteLine($"{path,-16} {c,4} {r.PerSecond,10:N0} {r.PerSecond / pgbench[c].Tps,12:N2}× {r.P(0.5),8:N1} {r.P(0.99),8:N1} {r.P(1.0),8:N1} {r.Failed,7:N0} {r.Warnings,9:N0} {r.CommitsPerReport,12:N2} {r.RowsPerReport,9:N2} {r.WalBytesPerReport / 1024,12:N1} {r.WalSyncsPerReport,11:N2}");
var best = results.MaxBy(r => r.Result.PerSecond);
Console.WriteLine($"Aim: durable reports/s ≥ 5× pgbench -N TPS at the same concurrency — best measured {best.Result.PerSecond / pgbench[best.Concurrency].Tps:N2}× ({best.Path}, c={best.Concurrency}): {(best.Result.PerSecond >= 5 * pgbench[best.Concurrency].Tps ? "MET" : "NOT MET")}.");
if (visibility is not null)
{
    Console.WriteLine($"Paced load through the HTTP API: target {settings.Rate:N0} reports/s, achieved {visibility.AchievedRate:N0}/s ({visibility.Load.Succeeded:N0} acknowledged in {visibility.Load.Elapsed.TotalSeconds:N1} s: {settings.VisibilityDuration.TotalSeconds:N0} s of sending plus the drain) ({visibility.Load.Failed:N0} failed, {visibility.Late:N0} sends started > 100 ms behind schedule); acknowledgement latency p50 {visibility.Load.P(0.5):N1} ms, p99 {visibility.Load.P(0.99):N1} ms, max {visibility.Load.P(1.0):N1} ms (measured from each report's scheduled send time); PostgreSQL {visibility.Load.CommitsPerReport:N2} commits, {visibility.Load.RowsPerReport:N2} rows written, {visibility.Load.WalBytesPerReport / 1024:N1} KiB WAL and {visibility.Load.WalSyncsPerReport:N2} WAL fsyncs per report");
    Console.WriteLine($"Acknowledged report → change visible in the goal's aggregate grain (IEngagementAggregateGrain(goal:…).GetSnapshot(), polled every {Visibility.PollInterval.TotalMilliseconds:N0} ms; NOT \"arrived at a subscribed web host\": live push to web hosts does not exist yet): {visibility.Latencies.Count:N0} probes, p50 {visibility.P(0.5):N0} ms, p99 {visibility.P(0.99):N0} ms, max {visibility.P(1.0):N0} ms{(visibility.TimedOut > 0 ? $", {visibility.TimedOut} not visible within 10 s" : "")}");
    Console.WriteLine($"Aim: p99 ≤ 100 ms at 1,000 reports/s — acknowledgement p99 {visibility.Load.P(0.99):N0} ms: {(visibility.AchievedRate >= 0.95 * 1000 && visibility.Load.P(0.99) <= 100 ? "MET" : "NOT MET")}; aggregate visibility p99 {visibility.P(0.99):N0} ms: {(visibility.AchievedRate >= 0.95 * 1000 && visibility.P(0.99) <= 100 ? "MET" : "NOT MET")}{(settings.Rate < 1000 ? $" (measured at {settings.Rate:N0}/s only)" : "")}.");
    Console.WriteLine($"Warnings during the paced run: {visibility.Warnings:N0}");
}
Console.WriteLine($"Orleans warnings over all measured runs: {results.Sum(r => r.Result.Warnings):N0}, of which long/blocked turns: {results.Sum(r => r.Result.LongTurns):N0}; other (application) warnings: {counter.OtherWarnings:N0}");
foreach (var ((category, eventId, level), count) in counter.Counts.OrderByDescending(c => c.Value).Take(8))
    Console.WriteLine($"  {count,8:N0}  {level} {category}[{eventId}] (last run)");
foreach (var sample in counter.Samples.Take(4))
    Console.WriteLine($"  sample: {sample}");
Console.WriteLine($"Load average at the end: {LoadAverage()} (the machine is shared: other processes compete for the same {Environment.ProcessorCount} cores, and PostgreSQL, the web host, the silo and the load generator all run on them)");
return 0;

static string LoadAverage()
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

namespace CivicContracting.PostgresBenchmark
{
    internal static class Ids
    {
        public static string Goal(int g) => $"pgbench-goal-{g}";

        public static string Participant(int p) => $"pgbench-p-{p}";

        public static string Commitment(int c) => $"pgbench-c-{c}";

        public const string ProbeGoal = "pgbench-probe-goal";
        public const string ProbeParticipant = "pgbench-probe-p";
        public const string ProbeCommitment = "pgbench-probe-c";
    }

    internal static class Setup
    {
        public static readonly CommitmentTerms Terms = new(CommitmentLevel.Result, "More trips on foot or by bike",
            "Share of the trips to and from our place made on foot or by bike.",
            Target: new QuantitativeTarget("Trips on foot or by bike", "%", 20, 60, new DateOnly(2030, 6, 30)));

        public static async Task RunAsync(IGrainFactory grains, BenchmarkSettings settings)
        {
            var hash = CommitmentText.Hash(Terms);
            var neighbourhoods = PlaceCatalog.Leuven.Neighbourhoods.Select(n => n.Code).ToArray();
            var kinds = Enum.GetValues<ParticipantKind>();
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = 64 };
            for (var g = 0; g < settings.Goals; g++)
            {
                await grains.GetGrain<IGoalGrain>(Ids.Goal(g)).Define(new GoalDefinition(
                    $"Benchmark goal {g + 1}", "A city-wide goal for the PostgreSQL benchmark.", new GoalScope(PlaceLevel.City, [])));
            }
            await grains.GetGrain<IGoalGrain>(Ids.ProbeGoal).Define(new GoalDefinition(
                "Benchmark probe goal", "Holds the one probe commitment whose reports are timed into the aggregate.", new GoalScope(PlaceLevel.City, [])));
            await Parallel.ForAsync(0, settings.Participants, parallel, async (p, _) =>
                await grains.GetGrain<IParticipantGrain>(Ids.Participant(p)).Register(new ParticipantRegistration(
                    kinds[p % kinds.Length], $"Participant {p}", neighbourhoods[p % neighbourhoods.Length])));
            await grains.GetGrain<IParticipantGrain>(Ids.ProbeParticipant).Register(new ParticipantRegistration(kinds[0], "Probe", neighbourhoods[0]));
            await Parallel.ForAsync(0, settings.Commitments, parallel, async (c, _) =>
            {
                var participant = c % settings.Participants;
                var commitment = grains.GetGrain<ICommitmentGrain>(Ids.Commitment(c));
                await commitment.Create(new CommitmentDraft(Ids.Participant(participant), [new GoalWeight(Ids.Goal(c % settings.Goals))],
                    neighbourhoods[participant % neighbourhoods.Length], Terms));
                await commitment.Confirm($"Participant {participant}", hash);
            });
            var probe = grains.GetGrain<ICommitmentGrain>(Ids.ProbeCommitment);
            await probe.Create(new CommitmentDraft(Ids.ProbeParticipant, [new GoalWeight(Ids.ProbeGoal)], neighbourhoods[0], Terms));
            await probe.Confirm("Probe", hash);
        }
    }

    internal static class Load
    {
        public static async Task PostAsync(HttpClient http, string id, ProgressReport report)
        {
            using var response = await http.PostAsJsonAsync($"api/commitments/{id}/progress",
                new { reportId = report.ReportId, reportedAt = report.ReportedAt, value = report.Value });
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"HTTP {(int)response.StatusCode}: {Truncate(await response.Content.ReadAsStringAsync())}");
            // Read the body as a client would; the API answers with the commitment's view.
            await response.Content.LoadIntoBufferAsync();
        }

        private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

        public static async Task<RunResult> ClosedLoopAsync(Func<string, ProgressReport, Task> send, BenchmarkSettings settings, int concurrency, TimeSpan duration, string prefix)
        {
            var perCaller = new List<double>[concurrency];
            var errors = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            long succeeded = 0, failed = 0;
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await Parallel.ForAsync(0, concurrency, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (caller, _) =>
            {
                var random = new Random(caller * 7919 + prefix.GetHashCode(StringComparison.Ordinal));
                var mine = perCaller[caller] = new List<double>(4096);
                for (var n = 0; clock.Elapsed < duration; n++)
                {
                    var report = new ProgressReport($"{prefix}{caller}-{n}", DateTimeOffset.UtcNow, Math.Round(20 + random.NextDouble() * 45, 1));
                    var begun = Stopwatch.GetTimestamp();
                    try
                    {
                        await send(Ids.Commitment(random.Next(settings.Commitments)), report);
                        mine.Add(Stopwatch.GetElapsedTime(begun).TotalMilliseconds);
                        Interlocked.Increment(ref succeeded);
                    }
                    catch (Exception ex)
                    {
                        Interlocked.Increment(ref failed);
                        errors.AddOrUpdate($"{ex.GetType().Name}: {ex.Message}", 1, (_, c) => c + 1);
                    }
                }
            });
            clock.Stop();
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / clock.Elapsed.TotalSeconds;
            var latencies = perCaller.SelectMany(l => l).ToList();
            latencies.Sort();
            return new RunResult(succeeded, failed, clock.Elapsed, latencies, errors, cpu);
        }
    }

    internal static class Visibility
    {
        public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

        /// <summary>
        /// A paced (open-loop) load at settings.Rate reports/s through <paramref name="send"/>, and meanwhile, one after
        /// the other, probe reports on the probe commitment (alone in its goal): after each acknowledgement the probe
        /// goal's aggregate is polled until its Version has increased and its Progress has changed.
        /// </summary>
        public static async Task<VisibilityResult> RunAsync(IGrainFactory grains, Func<string, ProgressReport, Task> send, BenchmarkSettings settings)
        {
            var duration = settings.VisibilityDuration;
            var clock = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource();
            var ackLatencies = new System.Collections.Concurrent.ConcurrentBag<double>();
            var errors = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            long succeeded = 0, failed = 0, late = 0;
            var inFlight = new List<Task>();
            var interval = TimeSpan.FromSeconds(1.0 / settings.Rate);
            var random = new Random(42);

            var probeLatencies = new List<double>();
            var timedOut = 0;
            var aggregate = grains.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(Ids.ProbeGoal));
            var probe = grains.GetGrain<ICommitmentGrain>(Ids.ProbeCommitment);
            var prober = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                var value = 25.0;
                for (var n = 0; clock.Elapsed < duration - TimeSpan.FromSeconds(1); n++)
                {
                    var before = await aggregate.GetSnapshot();
                    value = value >= 55 ? 25 : value + 5; // always a different progress than the one before
                    await probe.ReportProgress(new ProgressReport($"probe-{n}", DateTimeOffset.UtcNow, value));
                    var acknowledged = Stopwatch.GetTimestamp();
                    var seen = false;
                    while (Stopwatch.GetElapsedTime(acknowledged) < TimeSpan.FromSeconds(10))
                    {
                        var now = await aggregate.GetSnapshot();
                        if (now.Version > before.Version && now.Progress != before.Progress)
                        {
                            probeLatencies.Add(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
                            seen = true;
                            break;
                        }
                        await Task.Delay(PollInterval);
                    }
                    if (!seen)
                        timedOut++;
                    await Task.Delay(TimeSpan.FromMilliseconds(50 + random.Next(50)));
                }
            });

            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var loadRandom = new Random(7);
            long sent = 0;
            while (clock.Elapsed < duration)
            {
                var scheduled = TimeSpan.FromTicks(interval.Ticks * sent);
                var wait = scheduled - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                    await Task.Delay(wait);
                if (clock.Elapsed - scheduled > TimeSpan.FromMilliseconds(100))
                    late++;
                var scheduledAt = scheduled;
                var report = new ProgressReport($"v-{sent}", DateTimeOffset.UtcNow, Math.Round(20 + loadRandom.NextDouble() * 45, 1));
                var id = Ids.Commitment(loadRandom.Next(settings.Commitments));
                inFlight.Add(Task.Run(async () =>
                {
                    try
                    {
                        await send(id, report);
                        ackLatencies.Add((clock.Elapsed - scheduledAt).TotalMilliseconds);
                        Interlocked.Increment(ref succeeded);
                    }
                    catch (Exception ex)
                    {
                        Interlocked.Increment(ref failed);
                        errors.AddOrUpdate($"{ex.GetType().Name}: {ex.Message}", 1, (_, c) => c + 1);
                    }
                }));
                sent++;
            }
            await Task.WhenAll(inFlight);
            var elapsed = clock.Elapsed;
            await prober;
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / elapsed.TotalSeconds;
            var acks = ackLatencies.ToList();
            acks.Sort();
            probeLatencies.Sort();
            return new VisibilityResult(new RunResult(succeeded, failed, elapsed, acks, errors, cpu), succeeded / elapsed.TotalSeconds,
                late, probeLatencies.Count + timedOut, probeLatencies, timedOut, 0);
        }
    }

    internal sealed record RunResult(long Succeeded, long Failed, TimeSpan Elapsed, List<double> Latencies, IReadOnlyDictionary<string, int> Errors, double CpuCores, int Warnings = 0, int LongTurns = 0, long Commits = 0, long WalSyncs = 0, long Rows = 0, long WalBytes = 0)
    {
        public double RowsPerReport => Succeeded == 0 ? double.NaN : (double)Rows / Succeeded;

        public double WalBytesPerReport => Succeeded == 0 ? double.NaN : (double)WalBytes / Succeeded;

        public double CommitsPerReport => Succeeded == 0 ? double.NaN : (double)Commits / Succeeded;

        public double WalSyncsPerReport => Succeeded == 0 ? double.NaN : (double)WalSyncs / Succeeded;

        public double PerSecond => Succeeded / Elapsed.TotalSeconds;

        public double P(double p) => Percentiles.Of(Latencies, p);
    }

    internal sealed record VisibilityResult(RunResult Load, double AchievedRate, long Late, int Probes, List<double> Latencies, int TimedOut, int Warnings)
    {
        public double P(double p) => Percentiles.Of(Latencies, p);
    }

    internal static class Percentiles
    {
        public static double Of(List<double> sorted, double p) =>
            sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    internal sealed record BenchmarkSettings(int Commitments, int Participants, int Goals, int Concurrency, int HighConcurrency, TimeSpan Duration,
        TimeSpan Warmup, int Rate, TimeSpan VisibilityDuration, int MaxPoolSize)
    {
        public static BenchmarkSettings Parse(string[] args)
        {
            string? Option(string name)
            {
                var index = Array.IndexOf(args, "--" + name);
                if (index >= 0)
                    return index + 1 < args.Length && !args[index + 1].StartsWith("--", StringComparison.Ordinal) ? args[index + 1] : "true";
                return Environment.GetEnvironmentVariable("BENCH_" + name.Replace('-', '_').ToUpperInvariant());
            }
            int Int(string name, int fallback, int min)
            {
                var text = Option(name);
                if (text is null)
                    return fallback;
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
                    throw new ArgumentException($"--{name} must be a whole number of at least {min} (got '{text}').");
                return value;
            }
            var commitments = Int("commitments", 5_000, 1);
            return new BenchmarkSettings(
                commitments,
                Int("participants", Math.Max(1, commitments / 5), 1),
                Int("goals", 4, 1),
                Int("concurrency", 8, 1),
                Int("high-concurrency", 64, 0),
                TimeSpan.FromSeconds(Int("duration", 15, 1)),
                TimeSpan.FromSeconds(Int("warmup", 3, 0)),
                Int("rate", 1000, 1),
                TimeSpan.FromSeconds(Int("visibility-duration", 20, 0)),
                Int("max-pool-size", 20, 1));
        }
    }
}
