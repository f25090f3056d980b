using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.PostgresBenchmark;
using CivicContracting.ProgressBenchmark;
using CivicContracting.Silo.Storage;
using CivicContracting.Silo.Tests.PostgreSql;
using CivicContracting.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

// Durable progress reports/s on the PostgreSql storage profile, with group commit (Storage:GroupCommit=true, the
// default) and without it (every grain write commits synchronously), compared in one run with `pgbench -N` against
// the same private PostgreSQL server (fsync=on, synchronous_commit=on), and with a ceiling: the same load on the
// Memory profile (no database at all), which shows what HTTP, Orleans and the CPU of this machine allow. Then a paced
// load with group commit, timing each acknowledged probe report until its aggregate change arrives at a client
// subscribed to the web host's server-sent events (GET /api/live). Not a test: it prints figures.
// Usage (every option also as an environment variable, e.g. BENCH_CONCURRENCY=8):
//   benchmarks/run-postgres-benchmark.sh [--concurrency 8] [--high-concurrency 64] [--duration 10] [--warmup 2]
//       [--commitments 5000] [--participants 1000] [--goals 4] [--rate 1000] [--visibility-duration 15]
//       [--max-pool-size 20] [--configs groupcommit,sync,memory]
var settings = BenchmarkSettings.Parse(args);
var concurrencies = settings.HighConcurrency > settings.Concurrency ? new[] { settings.Concurrency, settings.HighConcurrency } : [settings.Concurrency];
var total = Stopwatch.StartNew();
Console.WriteLine($"PostgreSQL benchmark — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC; {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}; load average before start: {Machine.LoadAverage()}");
Console.WriteLine($"Settings: concurrency {string.Join(" and ", concurrencies)}; {settings.Duration.TotalSeconds:N0} s per measurement (+{settings.Warmup.TotalSeconds:N0} s warm-up); {settings.Commitments:N0} result commitments of {settings.Participants:N0} participants, {settings.Goals} goals; Storage:MaxPoolSize {settings.MaxPoolSize}; configurations {string.Join(", ", settings.Configs.Select(c => c.Key))}");

var server = new PostgreSqlServer { MaxConnections = Math.Max(100, settings.HighConcurrency + settings.MaxPoolSize + 20) };
var results = new List<Measured>();
var pgbench = new Dictionary<int, PgBenchResult>();
VisibilityResult? visibility = null;
List<string[]> grainState = [];
try
{
    await server.InitializeAsync();
    Console.WriteLine($"PostgreSQL {await server.VersionAsync()} at 127.0.0.1:{server.Port} ({server.Root}); fsync=on, synchronous_commit=on, max_connections={server.MaxConnections}");

    // 1. pgbench -N on a scratch database of the same server, at every concurrency our load uses.
    await server.CreateDatabaseAsync("pgbench_scratch");
    await server.PgBenchAsync(["-i", "-q", "pgbench_scratch"]);
    foreach (var c in concurrencies)
    {
        var result = await server.PgBenchRunAsync("pgbench_scratch", c, settings.Duration);
        pgbench[c] = result;
        Console.WriteLine($"pgbench -N -c {c} -j 2 -T {settings.Duration.TotalSeconds:N0}: {result.Tps:N0} TPS, average latency {result.LatencyMs:N2} ms ({result.Transactions:N0} transactions)");
    }

    // 2. The real web app, co-hosting its silo, once per configuration, each on a fresh database of the same server.
    var measurement = 0;
    foreach (var config in settings.Configs)
    {
        var run = await Run.ConfigurationAsync(server, config, settings, concurrencies, () => measurement++,
            withVisibility: config.Key == BenchmarkConfig.GroupCommit.Key && settings.VisibilityDuration > TimeSpan.Zero);
        results.AddRange(run.Measured);
        visibility ??= run.Visibility;
        if (config.Key == BenchmarkConfig.GroupCommit.Key)
        {
            // Where the writes went: grain state sizes per grain type.
            grainState = await server.QueryAsync(config.Database,
                "SELECT GrainTypeString, count(*), round(avg(octet_length(PayloadBinary))), max(octet_length(PayloadBinary)), sum(Version) FROM OrleansStorage GROUP BY 1 ORDER BY 5 DESC LIMIT 6;");
        }
    }
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await server.DisposeAsync();
}

if (grainState.Count > 0)
{
    Console.WriteLine("Grain state in PostgreSQL after the group-commit run (grain type: rows, average and largest payload, writes since creation = sum of Version):");
    foreach (var row in grainState)
        Console.WriteLine($"  {row[0],-40} {row[1],7} rows, avg {row[2],7} B, max {row[3],8} B, {row[4],9} writes");
}

// 3. The figures.
Console.WriteLine();
Console.WriteLine("=== Results (durable: a report is acknowledged only after its PostgreSQL commit is flushed; fsync=on, synchronous_commit=on on the server) ===");
foreach (var c in concurrencies)
    Console.WriteLine($"pgbench -N  c={c,-3}: {pgbench[c].Tps,7:N0} TPS   (average latency {pgbench[c].LatencyMs:N2} ms)");
Console.WriteLine($"{"configuration",-24} {"path",-15} {"c",4} {"reports/s",10} {"×pgbench",9} {"×ceiling",9} {"p50 ms",7} {"p99 ms",7} {"max ms",7} {"failed",6} {"warn",5} {"commits/rep",11} {"fsyncs/rep",10} {"WAL KiB/rep",11} {"writes/barrier",14}");
foreach (var m in results)
{
    var r = m.Result;
    var ceiling = results.FirstOrDefault(x => x.Config.Key == BenchmarkConfig.Memory.Key && x.Path == m.Path && x.Concurrency == m.Concurrency);
    var database = m.Config.Profile == StorageProfiles.PostgreSql;
    Console.WriteLine($"{m.Config.Label,-24} {m.Path,-15} {m.Concurrency,4} {r.PerSecond,10:N0} {r.PerSecond / pgbench[m.Concurrency].Tps,8:N2}× {(ceiling is null ? "—" : (r.PerSecond / ceiling.Result.PerSecond).ToString("N2", CultureInfo.InvariantCulture) + "×"),9} {r.P(0.5),7:N1} {r.P(0.99),7:N1} {r.P(1.0),7:N1} {r.Failed,6:N0} {r.Warnings,5:N0} {(database ? r.CommitsPerReport.ToString("N2", CultureInfo.InvariantCulture) : "—"),11} {(database ? r.WalSyncsPerReport.ToString("N2", CultureInfo.InvariantCulture) : "—"),10} {(database ? (r.WalBytesPerReport / 1024).ToString("N1", CultureInfo.InvariantCulture) : "—"),11} {(r.Barriers > 0 ? ((double)r.BarrierWaits / r.Barriers).ToString("N1", CultureInfo.InvariantCulture) : "—"),14}");
}
Console.WriteLine("(commits/rep and fsyncs/rep include the warm-up tail and background writes; fsyncs are the whole server's WAL syncs; writes/barrier = grain storage waits released per group-commit barrier transaction.)");
foreach (var config in settings.Configs.Where(c => c.Profile == StorageProfiles.PostgreSql))
{
    var mine = results.Where(r => r.Config.Key == config.Key).ToList();
    if (mine.Count == 0)
        continue;
    var best = mine.MaxBy(r => r.Result.PerSecond / pgbench[r.Concurrency].Tps)!;
    var ratio = best.Result.PerSecond / pgbench[best.Concurrency].Tps;
    Console.WriteLine($"Aim: durable reports/s ≥ 5× pgbench -N TPS at the same concurrency — {config.Label}: best {ratio:N2}× ({best.Path}, c={best.Concurrency}, {best.Result.PerSecond:N0}/s): {(ratio >= 5 ? "MET" : "NOT MET")}.");
}
var ceilings = results.Where(r => r.Config.Key == BenchmarkConfig.Memory.Key).ToList();
if (ceilings.Count > 0)
{
    var top = ceilings.MaxBy(r => r.Result.PerSecond)!;
    var reachable = top.Result.PerSecond >= 5 * pgbench[top.Concurrency].Tps;
    Console.WriteLine($"Ceiling without any database (Memory profile, same HTTP/Orleans stack, same {Environment.ProcessorCount} cores): best {top.Result.PerSecond:N0} reports/s ({top.Path}, c={top.Concurrency}) = {top.Result.PerSecond / pgbench[top.Concurrency].Tps:N2}× pgbench -N: 5× pgbench is {(reachable ? "within" : "BEYOND")} what the rest of the stack allows on this machine.");
}
if (visibility is not null)
{
    var v = visibility;
    Console.WriteLine($"Paced load through the HTTP API ({BenchmarkConfig.GroupCommit.Label}): target {settings.Rate:N0} reports/s, achieved {v.AchievedRate:N0}/s ({v.Load.Succeeded:N0} acknowledged in {v.Load.Elapsed.TotalSeconds:N1} s: {settings.VisibilityDuration.TotalSeconds:N0} s of sending plus the drain; {v.Load.Failed:N0} failed, {v.Late:N0} sends started > 100 ms behind schedule); acknowledgement latency p50 {v.Load.P(0.5):N1} ms, p99 {v.Load.P(0.99):N1} ms, max {v.Load.P(1.0):N1} ms (from each report's scheduled send time)");
    Console.WriteLine($"Acknowledged report → its aggregate change arrives at a client subscribed to the web host's server-sent events (GET /api/live?scope=goal:…): {v.Latencies.Count:N0} probes, p50 {v.P(0.5):N0} ms, p90 {v.P(0.9):N0} ms, p99 {v.P(0.99):N0} ms, max {v.P(1.0):N0} ms{(v.TimedOut > 0 ? $", {v.TimedOut} not arrived within 10 s" : "")}{(v.BeforeAck > 0 ? $"; {v.BeforeAck} arrived before the HTTP acknowledgement (counted as 0 ms)" : "")}");
    Console.WriteLine($"Aim: p99 ≤ 100 ms at 1,000 reports/s — acknowledgement p99 {v.Load.P(0.99):N0} ms: {(v.AchievedRate >= 0.95 * 1000 && v.Load.P(0.99) <= 100 ? "MET" : "NOT MET")}; arrival at a subscribed web client p99 {v.P(0.99):N0} ms: {(v.AchievedRate >= 0.95 * 1000 && v.P(0.99) <= 100 ? "MET" : "NOT MET")}{(settings.Rate < 1000 ? $" (measured at {settings.Rate:N0}/s only)" : "")}. Warnings during the paced run: {v.Warnings:N0}");
}
Console.WriteLine($"Orleans warnings over all measured runs: {results.Sum(r => r.Result.Warnings):N0}, of which long/blocked turns: {results.Sum(r => r.Result.LongTurns):N0}");
Console.WriteLine($"Total run time {total.Elapsed.TotalMinutes:N1} min; load average at the end: {Machine.LoadAverage()} (the machine is shared: PostgreSQL, the web host, the silo and the load generator all run on the same {Environment.ProcessorCount} cores)");
return 0;

namespace CivicContracting.PostgresBenchmark
{
    /// <summary>One way to run the web app: its storage profile and whether grain storage uses group commit.</summary>
    internal sealed record BenchmarkConfig(string Key, string Label, string Profile, bool UsesGroupCommit)
    {
        public static readonly BenchmarkConfig GroupCommit = new("groupcommit", "PostgreSql, group commit", StorageProfiles.PostgreSql, true);
        public static readonly BenchmarkConfig Sync = new("sync", "PostgreSql, sync commit", StorageProfiles.PostgreSql, false);
        public static readonly BenchmarkConfig Memory = new("memory", "Memory (ceiling, no DB)", StorageProfiles.Memory, false);
        public static readonly BenchmarkConfig[] All = [GroupCommit, Sync, Memory];

        public string Database => "civic_" + Key;
    }

    internal sealed record Measured(BenchmarkConfig Config, string Path, int Concurrency, RunResult Result);

    internal sealed record ConfigurationRun(List<Measured> Measured, VisibilityResult? Visibility);

    internal static class Run
    {
        private const string Token = "benchmark-operator-token-0123456789";

        public static async Task<ConfigurationRun> ConfigurationAsync(PostgreSqlServer server, BenchmarkConfig config, BenchmarkSettings settings,
            int[] concurrencies, Func<int> nextMeasurement, bool withVisibility)
        {
            var postgres = config.Profile == StorageProfiles.PostgreSql;
            var connectionString = postgres ? await server.CreateDatabaseAsync(config.Database) : null;
            var counter = new CountingLoggerProvider();
            var webArgs = new Dictionary<string, string>
            {
                ["urls"] = "http://127.0.0.1:0",
                ["Storage:Profile"] = config.Profile,
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
            if (postgres)
            {
                webArgs["Storage:ConnectionString"] = connectionString!;
                webArgs["Storage:MaxPoolSize"] = settings.MaxPoolSize.ToString(CultureInfo.InvariantCulture);
                webArgs["Storage:ExpectedHosts"] = "1";
                webArgs["Storage:GroupCommit"] = config.UsesGroupCommit ? "true" : "false";
            }
            var app = CivicContractingWebApp.Build([.. webArgs.Select(s => $"--{s.Key}={s.Value}")], builder =>
            {
                // Count warnings (Orleans' long/blocked turns above all) instead of printing them between the figures.
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(counter);
            });
            var started = Stopwatch.StartNew();
            await app.StartAsync();
            var baseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            Console.WriteLine($"[{config.Label}] web app (co-hosted silo, Storage:Profile={config.Profile}{(postgres ? $", Storage:GroupCommit={config.UsesGroupCommit}" : "")}) started in {started.Elapsed.TotalSeconds:N1} s at {baseAddress}");
            var grains = app.Services.GetRequiredService<IClusterClient>();
            var barrier = app.Services.GetService<DurabilityBarrier>();
            var measured = new List<Measured>();
            VisibilityResult? visibility = null;
            async Task<ServerCounters> Counters() => postgres ? await server.CountersAsync(config.Database) : ServerCounters.None;
            try
            {
                var setup = Stopwatch.StartNew();
                await Setup.RunAsync(grains, settings);
                Console.WriteLine($"[{config.Label}] setup through the grains: {settings.Participants:N0} participants and {settings.Commitments:N0} confirmed result commitments (+1 probe) in {setup.Elapsed.TotalSeconds:N1} s");

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
                foreach (var concurrency in concurrencies)
                {
                    foreach (var (name, send) in paths)
                    {
                        var prefix = $"m{nextMeasurement()}-";
                        if (settings.Warmup > TimeSpan.Zero)
                            await Load.ClosedLoopAsync(send, settings, concurrency, settings.Warmup, prefix + "w");
                        await Task.Delay(TimeSpan.FromSeconds(1.2));
                        var before = await Counters();
                        var (barriersBefore, waitsBefore) = (barrier?.Barriers ?? 0, barrier?.Released ?? 0);
                        counter.Reset();
                        var result = await Load.ClosedLoopAsync(send, settings, concurrency, settings.Duration, prefix + "r");
                        counter.Stop();
                        var (barriers, waits) = ((barrier?.Barriers ?? 0) - barriersBefore, (barrier?.Released ?? 0) - waitsBefore);
                        await Task.Delay(TimeSpan.FromSeconds(1.2));
                        var delta = await Counters() - before;
                        result = result with { Warnings = counter.Total, LongTurns = counter.LongTurns, Counters = delta, Barriers = barriers, BarrierWaits = waits };
                        measured.Add(new Measured(config, name, concurrency, result));
                        Console.WriteLine($"[{config.Label}] {name,-14} c={concurrency,-3}: {result.PerSecond,7:N0} reports/s, p50 {result.P(0.5),6:N1} ms, p99 {result.P(0.99),7:N1} ms, {result.Failed:N0} failed, {result.Warnings:N0} warnings; CPU {result.CpuCores:N2} of {Environment.ProcessorCount} cores (this process), load avg {Machine.LoadAverage()}");
                        foreach (var (error, count) in result.Errors.OrderByDescending(e => e.Value).Take(3))
                            Console.WriteLine($"    error {count:N0}×: {error}");
                    }
                }

                // From acknowledged report to the change arriving at a subscribed web client, under a paced load.
                if (withVisibility)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1.2));
                    counter.Reset();
                    visibility = await Visibility.RunAsync(http, paths[0].Send, settings);
                    counter.Stop();
                    visibility = visibility with { Warnings = counter.Total };
                    Console.WriteLine($"[{config.Label}] paced load: {visibility.AchievedRate:N0} reports/s through the HTTP API (target {settings.Rate:N0}/s), {visibility.Probes:N0} probes timed until their change arrived over /api/live");
                }
            }
            finally
            {
                var stopping = Stopwatch.StartNew();
                await app.StopAsync();
                await app.DisposeAsync();
                NpgsqlConnection.ClearAllPools();
                Console.WriteLine($"[{config.Label}] web app stopped in {stopping.Elapsed.TotalSeconds:N1} s.");
            }
            return new ConfigurationRun(measured, visibility);
        }
    }

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

        /// <summary>The normalised progress of a report of <paramref name="value"/> on <see cref="Terms"/> (baseline 20, target 60).</summary>
        public static double Progress(double value) => Math.Clamp((value - 20) / (60 - 20), 0, 1);

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
                "Benchmark probe goal", "Holds the one probe commitment whose reports are timed until they arrive at a live client.", new GoalScope(PlaceLevel.City, [])));
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

    /// <summary>
    /// A paced (open-loop) load at settings.Rate reports/s through the HTTP API, and meanwhile, one after the other,
    /// probe reports on the probe commitment (alone in its goal), each with a new progress. A client subscribed to
    /// the web host's server-sent events for the probe goal (GET /api/live?scope=goal:…) timestamps every change as it
    /// arrives; a probe's latency runs from its HTTP acknowledgement to the arrival of the first change of a newer
    /// version that carries its progress.
    /// </summary>
    internal static class Visibility
    {
        private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

        public static async Task<VisibilityResult> RunAsync(HttpClient http, Func<string, ProgressReport, Task> send, BenchmarkSettings settings)
        {
            var duration = settings.VisibilityDuration;
            using var stop = new CancellationTokenSource();
            var live = new LiveClient();
            var listening = live.ListenAsync(http, $"api/live?scope=goal:{Ids.ProbeGoal}", stop.Token);
            await live.Ready.WaitAsync(TimeSpan.FromSeconds(30));

            var clock = Stopwatch.StartNew();
            var ackLatencies = new System.Collections.Concurrent.ConcurrentBag<double>();
            var errors = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            long succeeded = 0, failed = 0, late = 0;
            var inFlight = new List<Task>();
            var interval = TimeSpan.FromSeconds(1.0 / settings.Rate);
            var random = new Random(42);

            var probeLatencies = new List<double>();
            int timedOut = 0, beforeAck = 0;
            var prober = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                var value = 25.0;
                for (var n = 0; clock.Elapsed < duration - TimeSpan.FromSeconds(1); n++)
                {
                    value = value >= 55 ? 25 : value + 5; // always a different progress than the one before
                    var versionBefore = live.HighestVersion;
                    await Load.PostAsync(http, Ids.ProbeCommitment, new ProgressReport($"probe-{n}", DateTimeOffset.UtcNow, value));
                    var acknowledged = Stopwatch.GetTimestamp();
                    var arrival = await live.WaitForAsync(versionBefore, Setup.Progress(value), ProbeTimeout);
                    if (arrival is null)
                    {
                        timedOut++;
                    }
                    else
                    {
                        var ms = Stopwatch.GetElapsedTime(acknowledged, arrival.Value).TotalMilliseconds;
                        if (ms < 0)
                            beforeAck++;
                        probeLatencies.Add(Math.Max(0, ms));
                    }
                    await Task.Delay(TimeSpan.FromMilliseconds(20 + random.Next(30)));
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
            await stop.CancelAsync();
            await listening;
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / elapsed.TotalSeconds;
            var acks = ackLatencies.ToList();
            acks.Sort();
            probeLatencies.Sort();
            return new VisibilityResult(new RunResult(succeeded, failed, elapsed, acks, errors, cpu), succeeded / elapsed.TotalSeconds,
                late, probeLatencies.Count + timedOut, probeLatencies, timedOut, beforeAck, 0);
        }
    }

    /// <summary>A subscriber of GET /api/live: the version, progress and arrival time of every "change" event, as it arrives.</summary>
    internal sealed class LiveClient
    {
        private readonly Lock _lock = new();
        private readonly List<(long Version, double? Progress, long ArrivedAt)> _changes = [];
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the web host has sent its snapshot and the "ready" event.</summary>
        public Task Ready => _ready.Task;

        public long HighestVersion
        {
            get
            {
                lock (_lock)
                    return _changes.Count == 0 ? 0 : _changes.Max(c => c.Version);
            }
        }

        public async Task ListenAsync(HttpClient http, string path, CancellationToken cancellationToken)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Accept.ParseAdd("text/event-stream");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
                {
                    var arrived = Stopwatch.GetTimestamp();
                    if (item.EventType == "ready")
                    {
                        _ready.TrySetResult();
                        continue;
                    }
                    if (item.EventType != "change")
                        continue;
                    using var json = JsonDocument.Parse(item.Data);
                    var version = json.RootElement.GetProperty("version").GetInt64();
                    double? progress = json.RootElement.GetProperty("snapshot").TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : null;
                    TaskCompletionSource changed;
                    lock (_lock)
                    {
                        _changes.Add((version, progress, arrived));
                        changed = _changed;
                        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                    changed.TrySetResult();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The run is over.
            }
            catch (Exception ex)
            {
                _ready.TrySetException(ex);
                throw;
            }
        }

        /// <summary>The arrival timestamp of the first change newer than <paramref name="after"/> with <paramref name="progress"/>; null when none within <paramref name="timeout"/>.</summary>
        public async Task<long?> WaitForAsync(long after, double progress, TimeSpan timeout)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                Task changed;
                lock (_lock)
                {
                    foreach (var c in _changes)
                    {
                        if (c.Version > after && c.Progress is { } p && Math.Abs(p - progress) < 1e-9)
                            return c.ArrivedAt;
                    }
                    changed = _changed.Task;
                }
                var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (left <= TimeSpan.Zero)
                    return null;
                try
                {
                    await changed.WaitAsync(left);
                }
                catch (TimeoutException)
                {
                    return null;
                }
            }
        }
    }

    internal sealed record RunResult(long Succeeded, long Failed, TimeSpan Elapsed, List<double> Latencies, IReadOnlyDictionary<string, int> Errors, double CpuCores,
        int Warnings = 0, int LongTurns = 0, ServerCounters? Counters = null, long Barriers = 0, long BarrierWaits = 0)
    {
        private ServerCounters C => Counters ?? ServerCounters.None;

        public double WalBytesPerReport => Succeeded == 0 ? double.NaN : (double)C.WalBytes / Succeeded;

        public double CommitsPerReport => Succeeded == 0 ? double.NaN : (double)C.Commits / Succeeded;

        public double WalSyncsPerReport => Succeeded == 0 ? double.NaN : (double)C.WalSyncs / Succeeded;

        public double PerSecond => Succeeded / Elapsed.TotalSeconds;

        public double P(double p) => Percentiles.Of(Latencies, p);
    }

    internal sealed record VisibilityResult(RunResult Load, double AchievedRate, long Late, int Probes, List<double> Latencies, int TimedOut, int BeforeAck, int Warnings)
    {
        public double P(double p) => Percentiles.Of(Latencies, p);
    }

    internal static class Percentiles
    {
        public static double Of(List<double> sorted, double p) =>
            sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
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
    }

    internal sealed record BenchmarkSettings(int Commitments, int Participants, int Goals, int Concurrency, int HighConcurrency, TimeSpan Duration,
        TimeSpan Warmup, int Rate, TimeSpan VisibilityDuration, int MaxPoolSize, IReadOnlyList<BenchmarkConfig> Configs)
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
            var configs = new List<BenchmarkConfig>();
            foreach (var key in (Option("configs") ?? string.Join(',', BenchmarkConfig.All.Select(c => c.Key))).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                configs.Add(Array.Find(BenchmarkConfig.All, c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase))
                    ?? throw new ArgumentException($"--configs: '{key}' is not one of {string.Join(", ", BenchmarkConfig.All.Select(c => c.Key))}."));
            }
            if (configs.Count == 0)
                throw new ArgumentException($"--configs needs at least one of {string.Join(", ", BenchmarkConfig.All.Select(c => c.Key))}.");
            var commitments = Int("commitments", 5_000, 1);
            return new BenchmarkSettings(
                commitments,
                Int("participants", Math.Max(1, commitments / 5), 1),
                Int("goals", 4, 1),
                Int("concurrency", 8, 1),
                Int("high-concurrency", 64, 0),
                TimeSpan.FromSeconds(Int("duration", 10, 1)),
                TimeSpan.FromSeconds(Int("warmup", 2, 0)),
                Int("rate", 1000, 1),
                TimeSpan.FromSeconds(Int("visibility-duration", 15, 0)),
                Int("max-pool-size", 20, 2),
                configs);
        }
    }
}
