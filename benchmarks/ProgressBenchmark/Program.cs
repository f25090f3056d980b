using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.ProgressBenchmark;
using CivicContracting.Silo.Hosting;
using CivicContracting.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Durable progress updates per second on the embedded default (SQLite, SqliteGrainStorage with group commit), with the
// silo's production settings, and the share of Orleans warnings about long or blocked turns while it runs.
// Not a test: it prints figures. Usage (every option also as an environment variable, e.g. BENCH_CONCURRENCY=50):
//   dotnet run -c Release --project benchmarks/ProgressBenchmark -- [--commitments 10000] [--participants 2000]
//       [--goals 4] [--concurrency 200] [--duration 30] [--warmup 3] [--data DIR] [--keep]
var settings = BenchmarkSettings.Parse(args);
var dataDirectory = settings.DataDirectory ?? Path.Combine(Path.GetTempPath(), "civic-progress-benchmark-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(dataDirectory);
var counter = new CountingLoggerProvider();
using var storageLatency = new StorageLatencyListener();

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    ContentRootPath = dataDirectory,
    EnvironmentName = Environments.Production,
    DisableDefaults = true,
});
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Storage:Profile"] = StorageProfiles.Sqlite,
    ["Storage:DataDirectory"] = dataDirectory,
    ["Demo:Seed"] = "false", // measure the benchmark's own load only
    ["Orleans:SiloPort"] = FreePort(),
    ["Orleans:GatewayPort"] = FreePort(),
});
builder.Configuration.AddEnvironmentVariables();
builder.Logging.ClearProviders();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddProvider(counter);
builder.AddCivicContractingTelemetry("civic-contracting-benchmark");
builder.UseOrleans(silo => silo.AddCivicContractingSilo(builder.Configuration));

using var host = builder.Build();
Console.WriteLine($"Progress benchmark: {settings.Commitments:N0} result commitments of {settings.Participants:N0} participants in {PlaceCatalog.Leuven.Neighbourhoods.Count()} neighbourhoods, {settings.Goals} goals; {settings.Concurrency} concurrent callers for {settings.Duration.TotalSeconds:N0} s");
Console.WriteLine($"Storage: {StorageProfiles.Normalise(builder.Configuration["Storage:Profile"])} in {dataDirectory}; {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}");
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();

try
{
    var setup = Stopwatch.StartNew();
    var terms = new CommitmentTerms(CommitmentLevel.Result, "More trips on foot or by bike",
        "Share of the trips to and from our place made on foot or by bike.",
        Target: new QuantitativeTarget("Trips on foot or by bike", "%", 20, 60, new DateOnly(2030, 6, 30)));
    var hash = CommitmentText.Hash(terms);
    var neighbourhoods = PlaceCatalog.Leuven.Neighbourhoods.Select(n => n.Code).ToArray();
    var kinds = Enum.GetValues<ParticipantKind>();

    for (var g = 0; g < settings.Goals; g++)
    {
        await grains.GetGrain<IGoalGrain>(GoalId(g)).Define(new GoalDefinition(
            $"Benchmark goal {g + 1}", "A city-wide goal for the progress benchmark.", new GoalScope(PlaceLevel.City, [])));
    }
    await Parallel.ForAsync(0, settings.Participants, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency }, async (p, _) =>
        await grains.GetGrain<IParticipantGrain>(ParticipantId(p)).Register(new ParticipantRegistration(
            kinds[p % kinds.Length], $"Participant {p}", neighbourhoods[p % neighbourhoods.Length])));
    await Parallel.ForAsync(0, settings.Commitments, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency }, async (c, _) =>
    {
        var participant = c % settings.Participants;
        var commitment = grains.GetGrain<ICommitmentGrain>(CommitmentId(c));
        await commitment.Create(new CommitmentDraft(ParticipantId(participant), [new GoalWeight(GoalId(c % settings.Goals))],
            neighbourhoods[participant % neighbourhoods.Length], terms));
        await commitment.Confirm($"Participant {participant}", hash);
    });
    setup.Stop();
    Console.WriteLine($"Setup: {settings.Participants:N0} participants and {settings.Commitments:N0} confirmed commitments in {setup.Elapsed.TotalSeconds:N1} s ({(settings.Participants + 2.0 * settings.Commitments) / setup.Elapsed.TotalSeconds:N0} grain writes/s)");

    if (settings.Warmup > TimeSpan.Zero)
        await Run(grains, settings, settings.Warmup, "w");
    counter.Reset();
    var storage = host.Services.GetService<SqliteGrainStorage>();
    var storageBefore = storage?.Statistics;
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var gcBefore = (Gen0: GC.CollectionCount(0), Gen2: GC.CollectionCount(2), Pause: GC.GetTotalPauseDuration());
    using var sampling = new CancellationTokenSource();
    var maxThreads = 0L;
    var maxQueue = 0L;
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            maxThreads = Math.Max(maxThreads, ThreadPool.ThreadCount);
            maxQueue = Math.Max(maxQueue, ThreadPool.PendingWorkItemCount);
            await Task.Delay(100, CancellationToken.None);
        }
    });
    storageLatency.Recording = true;
    var result = await Run(grains, settings, settings.Duration, "r");
    storageLatency.Recording = false;
    var storageDuring = storage?.Statistics.Since(storageBefore!.Value);
    counter.Stop();
    await sampling.CancelAsync();
    await sampler;
    process.Refresh();
    var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / result.Elapsed.TotalSeconds;

    var latencies = result.Latencies;
    latencies.Sort();
    var updatesPerSecond = result.Succeeded / result.Elapsed.TotalSeconds;
    Console.WriteLine();
    Console.WriteLine($"Durable progress updates: {result.Succeeded:N0} in {result.Elapsed.TotalSeconds:N1} s = {updatesPerSecond:N0} updates/s ({result.Failed:N0} failed)");
    Console.WriteLine($"Latency: p50 {Percentile(latencies, 0.50):N2} ms, p90 {Percentile(latencies, 0.90):N2} ms, p99 {Percentile(latencies, 0.99):N2} ms, max {Percentile(latencies, 1.0):N2} ms");
    var share = result.Succeeded == 0 ? 0 : (double)counter.Total / result.Succeeded;
    Console.WriteLine($"Orleans warnings during the run: {counter.Total:N0} ({share:P3} of updates), of which long/blocked turns: {counter.LongTurns:N0}; other warnings: {counter.OtherWarnings:N0}");
    foreach (var ((category, eventId, level), count) in counter.Counts.OrderByDescending(c => c.Value))
        Console.WriteLine($"  {count,8:N0}  {level} {category}[{eventId}]");
    foreach (var sample in counter.Samples)
        Console.WriteLine($"  sample: {sample}");
    Console.WriteLine($"Process: {cpu:N2} of {Environment.ProcessorCount} cores busy; thread pool up to {maxThreads} threads, queue up to {maxQueue}; GC gen0 {GC.CollectionCount(0) - gcBefore.Gen0}, gen2 {GC.CollectionCount(2) - gcBefore.Gen2}, pauses {(GC.GetTotalPauseDuration() - gcBefore.Pause).TotalMilliseconds:N0} ms");
    foreach (var (error, count) in result.Errors.OrderByDescending(e => e.Value).Take(5))
        Console.WriteLine($"  error {count:N0}×: {error}");
    var database = new FileInfo(Path.Combine(dataDirectory, StorageOptions.SqliteFileName));
    var wal = new FileInfo(database.FullName + "-wal");
    if (database.Exists)
        Console.WriteLine($"Database: {database.Length / 1048576.0:N1} MiB, WAL {(wal.Exists ? wal.Length / 1048576.0 : 0):N1} MiB");
    // Lines added after the ones above (scripts parse those): what the storage wrote per acknowledged update.
    if (storageDuring is { } written && result.Succeeded > 0)
    {
        Console.WriteLine($"Storage writes: {(double)written.Writes / result.Succeeded:N2} per durable update ({written.Writes:N0} grain writes in {written.Transactions:N0} transactions, {(written.Transactions == 0 ? 0 : (double)written.Writes / written.Transactions):N1} writes per transaction; conflicts {written.Conflicts:N0}, failed transactions {written.FailedTransactions:N0})");
        Console.WriteLine($"Bytes written: {(double)written.BytesWritten / result.Succeeded:N0} payload bytes per durable update ({written.BytesWritten / 1048576.0:N1} MiB); writer busy {written.WriterBusy.TotalSeconds / result.Elapsed.TotalSeconds:P0} of the run");
    }
    // The storage's own acknowledgement time (Orleans' grain-storage write latency), apart from the rest of a report.
    foreach (var (state, sorted) in storageLatency.Snapshot().Where(s => s.Sorted.Count > 0))
        Console.WriteLine($"Storage acknowledgement ({state}): {sorted.Count:N0} writes, p50 {Percentile(sorted, 0.50):N2} ms, p90 {Percentile(sorted, 0.90):N2} ms, p99 {Percentile(sorted, 0.99):N2} ms");
}
finally
{
    await host.StopAsync();
    host.Dispose();
    if (!settings.Keep && settings.DataDirectory is null)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dataDirectory, recursive: true);
    }
}

static async Task<RunResult> Run(IGrainFactory grains, BenchmarkSettings settings, TimeSpan duration, string prefix)
{
    var perCaller = new List<double>[settings.Concurrency];
    var errors = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
    long succeeded = 0, failed = 0;
    var clock = Stopwatch.StartNew();
    var end = duration;
    await Parallel.ForAsync(0, settings.Concurrency, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency }, async (caller, _) =>
    {
        var random = new Random(caller * 7919 + prefix[0]);
        var mine = perCaller[caller] = new List<double>(4096);
        for (var n = 0; clock.Elapsed < end; n++)
        {
            var commitment = random.Next(settings.Commitments);
            var report = new ProgressReport($"{prefix}{caller}-{n}", DateTimeOffset.UtcNow, Math.Round(20 + random.NextDouble() * 45, 1));
            var started = Stopwatch.GetTimestamp();
            try
            {
                await grains.GetGrain<ICommitmentGrain>(CommitmentId(commitment)).ReportProgress(report);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
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
    return new RunResult(succeeded, failed, clock.Elapsed, [.. perCaller.SelectMany(l => l)], errors);
}

static double Percentile(List<double> sorted, double p) =>
    sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

static string GoalId(int g) => $"bench-goal-{g}";

static string ParticipantId(int p) => $"bench-p-{p}";

static string CommitmentId(int c) => $"bench-c-{c}";

static string FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
}

internal sealed record RunResult(long Succeeded, long Failed, TimeSpan Elapsed, List<double> Latencies, IReadOnlyDictionary<string, int> Errors);

internal sealed record BenchmarkSettings(int Commitments, int Participants, int Goals, int Concurrency, TimeSpan Duration, TimeSpan Warmup, string? DataDirectory, bool Keep)
{
    public static BenchmarkSettings Parse(string[] args)
    {
        string? Option(string name)
        {
            var index = Array.IndexOf(args, "--" + name);
            if (index >= 0)
                return index + 1 < args.Length && !args[index + 1].StartsWith("--", StringComparison.Ordinal) ? args[index + 1] : "true";
            return Environment.GetEnvironmentVariable("BENCH_" + name.ToUpperInvariant());
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
        var commitments = Int("commitments", 10_000, 1);
        return new BenchmarkSettings(
            commitments,
            Int("participants", Math.Max(1, commitments / 5), 1),
            Int("goals", 4, 1),
            Int("concurrency", 200, 1),
            TimeSpan.FromSeconds(Int("duration", 30, 1)),
            TimeSpan.FromSeconds(Int("warmup", 3, 0)),
            Option("data"),
            Option("keep") is "true" or "1");
    }
}
