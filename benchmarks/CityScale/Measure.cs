using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace CivicContracting.CityScale;

/// <summary>How <c>measure</c> drives the product once the city is loaded.</summary>
internal sealed record MeasureSettings(TimeSpan Duration, int Concurrency, int LiveRate, TimeSpan LiveDuration, int MapConnections, string Summary);

/// <summary>
/// The city-scale measurement of issue 12, one city size per run: builds the synthetic city, loads it with the operator
/// import (a process of its own), starts the product (a process of its own, silo co-hosted), then measures durable
/// updates through an Orleans client, report → live latency at a steady pace, map reads over HTTP, bytes written per
/// report, a restart to a full and equal map, and checks every aggregate against a recomputation from the shards'
/// contributions. Prints one line per figure and appends a tab-separated row to the summary file.
/// </summary>
internal static class CityMeasure
{
    private const string Token = "city-scale-benchmark-operator-token-0123456789";

    public static async Task<int> RunAsync(CitySpec spec, MeasureSettings settings, string work, string data, IReadOnlyList<string> productSettings)
    {
        Directory.CreateDirectory(work);
        var cityFile = Path.Combine(work, "city.jsonl");
        var log = Path.Combine(work, "product.log");
        var row = new Dictionary<string, string> { ["commitments"] = spec.Commitments.ToString(CultureInfo.InvariantCulture) };
        string F(double value, string format = "F0") => value.ToString(format, CultureInfo.InvariantCulture);

        // 1. The city file, and the commitments that can take a value (confirmed result commitments).
        var clock = Stopwatch.StartNew();
        await using (var file = new FileStream(cityFile, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            await SyntheticCity.WriteAsync(spec, file);
        var reportable = ReportableCommitments(cityFile);
        Console.WriteLine($"City: {spec.Commitments:N0} commitments of {spec.Participants:N0} participants towards {spec.Goals:N0} goals ({new FileInfo(cityFile).Length / 1048576.0:N0} MiB, {reportable.Length:N0} confirmed result commitments take values), written in {clock.Elapsed.TotalSeconds:N1} s");

        // 2. Loading it: the operator import, through the grains' rules.
        string[] storage = [$"--Storage:DataDirectory={data}", .. productSettings];
        clock.Restart();
        var imported = await ProductProcess.ImportAsync(cityFile, [.. storage, "--Demo:Seed=false", $"--Orleans:SiloPort={ProductProcess.FreePort()}", $"--Orleans:GatewayPort={ProductProcess.FreePort()}"]);
        var loadSeconds = clock.Elapsed.TotalSeconds;
        if (imported != 0)
        {
            Console.Error.WriteLine($"The import failed (exit code {imported}).");
            return 1;
        }
        Console.WriteLine($"Load: {spec.Commitments / loadSeconds:N0} commitments/s ({loadSeconds:N1} s for the whole import, host start and stop included)");
        row["load_per_s"] = F(spec.Commitments / loadSeconds);

        string[] product = [.. storage, $"--Api:OperatorToken={Token}"];
        var first = ProductProcess.Start(product, log);
        await using var firstProcess = first;
        using var http = Client(first.BaseAddress);
        var startup = await WaitForFullMapAsync(http, first, expected: null);
        Console.WriteLine($"First start: map served after {startup.TotalSeconds:N1} s");

        await using (var orleans = await OrleansClient.ConnectAsync(first.GatewayPort))
        {
            var grains = orleans.Grains;

            // Everything loaded before anything is measured: every contribution shard awake (they wake some seconds after
            // the start, or when first used) and the web host's lists of commitments complete (a goal's page waits for them).
            var shards = await Task.WhenAll(Enumerable.Range(0, AggregateScope.ShardCount).Select(i => grains.GetGrain<IContributionShardGrain>(i).GetStatus()));
            var lists = await WaitForListsAsync(http, first);
            Console.WriteLine($"Fully loaded: {shards.Sum(s => s.Contributions):N0} contributions in the shards, the web host's lists complete {lists.TotalSeconds:N1} s after the start");
            await Task.Delay(TimeSpan.FromSeconds(5));
            var (rssLoaded, _) = first.Memory();
            Console.WriteLine($"RSS after load: {rssLoaded / 1073741824.0:N2} GiB (the product holding the city: shards, map, aggregates, lists, live stream)");
            row["rss_gib"] = F(rssLoaded / 1073741824.0, "F2");

            // 3. Durable updates/s: closed loop, the benchmark's concurrency, then at 8 callers for the acknowledgement.
            await Updates.RunAsync(grains, reportable, settings.Concurrency, TimeSpan.FromSeconds(3), "w");
            var metricsBefore = await StorageMetrics.ReadAsync(http);
            var cpuBefore = first.CpuSeconds();
            var updates = await Updates.RunAsync(grains, reportable, settings.Concurrency, settings.Duration, "u");
            var cpu = (first.CpuSeconds() - cpuBefore) / updates.Elapsed.TotalSeconds;
            var metricsAfter = await StorageMetrics.ReadAsync(http);
            var bytes = (metricsAfter.Bytes - metricsBefore.Bytes) / Math.Max(1, updates.Succeeded);
            Console.WriteLine($"Durable updates: {updates.PerSecond:N0}/s at concurrency {settings.Concurrency} (p50 {updates.P(0.5):N1} ms, p99 {updates.P(0.99):N1} ms, {updates.Failed:N0} failed{updates.FirstError}); product {cpu:N2} of {Environment.ProcessorCount} cores; {(metricsAfter.Available && updates.Succeeded > 0 ? $"{(metricsAfter.Writes - metricsBefore.Writes) / (double)updates.Succeeded:N2} grain writes and {bytes:N0} bytes written per report" : "bytes per report: n/a (only the embedded SQLite storage counts them)")}");
            row["updates_per_s"] = F(updates.PerSecond);
            row["p50_ms"] = F(updates.P(0.5), "F1");
            row["p99_ms"] = F(updates.P(0.99), "F1");
            row["bytes_per_report"] = metricsAfter.Available ? F(bytes) : "n/a";
            var eight = await Updates.RunAsync(grains, reportable, 8, TimeSpan.FromSeconds(8), "e");
            Console.WriteLine($"Acknowledgement at concurrency 8: p50 {eight.P(0.5):N2} ms, p99 {eight.P(0.99):N2} ms ({eight.PerSecond:N0}/s)");
            row["ack_p50_c8_ms"] = F(eight.P(0.5), "F2");

            // 4. Report → live: probes on a goal of their own while the city reports at a steady pace.
            var live = await LiveLatency.RunAsync(grains, http, reportable, settings.LiveRate, settings.LiveDuration);
            Console.WriteLine($"Report → live (GET /api/live, all scopes) at {live.AchievedRate:N0} reports/s: p50 {live.P(0.5):N1} ms, p99 {live.P(0.99):N1} ms, max {live.P(1):N1} ms over {live.Probes:N0} probes ({live.Missed:N0} not seen within 5 s); acknowledgement p99 {live.AckP99:N1} ms");
            row["live_p99_ms"] = F(live.P(0.99), "F1");

            // 5. Map reads over HTTP.
            var map = await MapReads.RunAsync(first.BaseAddress, settings.MapConnections, TimeSpan.FromSeconds(5));
            Console.WriteLine($"Map reads: {map.PerSecond:N0}/s over HTTP ({settings.MapConnections} connections, p99 {map.P99:N1} ms, {map.Failed:N0} failed)");
            row["map_reads_per_s"] = F(map.PerSecond);

            // 6. Exactness after all of that.
            var exact = await Exactness.CheckAsync(grains);
            Console.WriteLine(exact.Describe());
            row["exact"] = exact.Differences == 0 && exact.Repairs == 0 ? "yes" : "NO";
            if (exact.Differences != 0)
                return Finish(1);
        }

        // 7. Restart: what the map and every goal show before the stop, then the time until they show it again. The
        // report that checks that reports are accepted after the restart repeats the value sent here, so it changes
        // no figure of the reference.
        if (!await TryReportAsync(http, reportable[0], RestartValue))
            throw new InvalidOperationException("The report before the stop was refused.");
        var reference = await Reference.ReadAsync(http, spec);
        await first.StopAsync(TimeSpan.FromSeconds(60));
        var second = ProductProcess.Start(product, log);
        await using var secondProcess = second;
        using var http2 = Client(second.BaseAddress);
        var accepting = FirstAcceptedReportAsync(http2, second, reportable[0]);
        var full = await WaitForFullMapAsync(http2, second, reference);
        var accepted = await accepting;
        Console.WriteLine($"Restart: map and all {reference.Goals.Count:N0} goals' figures equal to before the stop {full.TotalSeconds:N1} s after the process started; a progress report accepted after {accepted.TotalSeconds:N1} s");
        row["restart_s"] = F(full.TotalSeconds, "F1");
        row["report_accepted_s"] = F(accepted.TotalSeconds, "F1");
        var (rssAfter, peak) = second.Memory();
        Console.WriteLine($"RSS after the restart: {rssAfter / 1073741824.0:N2} GiB (peak {peak / 1073741824.0:N2} GiB)");
        await second.StopAsync(TimeSpan.FromSeconds(60));
        return Finish(0);

        int Finish(int code)
        {
            var header = !File.Exists(settings.Summary);
            using var summary = new StreamWriter(settings.Summary, append: true);
            if (header)
                summary.WriteLine(string.Join('\t', row.Keys));
            summary.WriteLine(string.Join('\t', row.Values));
            return code;
        }
    }

    private static HttpClient Client(Uri baseAddress)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>Confirmed result commitments of the city file: the ones that take a value in a progress report.</summary>
    internal static string[] ReportableCommitments(string cityFile)
    {
        var ids = new List<string>();
        foreach (var line in File.ReadLines(cityFile))
        {
            if (!line.Contains("\"type\":\"commitment\"", StringComparison.Ordinal) || !line.Contains("\"level\":\"result\"", StringComparison.Ordinal)
                || !line.Contains("\"confirmation\"", StringComparison.Ordinal))
                continue;
            using var json = JsonDocument.Parse(line);
            ids.Add(json.RootElement.GetProperty("id").GetString()!);
        }
        return [.. ids];
    }

    /// <summary>
    /// Polls from the process's start until <c>GET /api/map</c> answers (and, with a reference, until the map and every
    /// goal's figures equal it); the time from the process's start.
    /// </summary>
    private static async Task<TimeSpan> WaitForFullMapAsync(HttpClient http, ProductProcess process, Reference? expected)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 600;
        string? lastProblem = null;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException("The product exited while starting; see product.log in the work folder.");
            try
            {
                using var response = await http.GetAsync("/api/map");
                if (response.IsSuccessStatusCode)
                {
                    var map = Reference.Comparable(await response.Content.ReadAsStringAsync());
                    if (expected is null)
                        return Stopwatch.GetElapsedTime(process.StartedAt);
                    if (map == expected.Map)
                    {
                        var (same, problem) = await expected.GoalsEqualAsync(http);
                        if (same)
                            return Stopwatch.GetElapsedTime(process.StartedAt);
                        lastProblem = problem;
                    }
                    else
                    {
                        lastProblem = "the map differs";
                    }
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"The product did not show the full map within 10 minutes ({lastProblem}).");
    }

    /// <summary>Polls a goal's page, which the web host serves once its lists of commitments are complete; the time from the process's start.</summary>
    private static async Task<TimeSpan> WaitForListsAsync(HttpClient http, ProductProcess process)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 600;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException("The product exited while loading its lists; see product.log in the work folder.");
            try
            {
                using var response = await http.GetAsync($"/goals/{SyntheticCity.GoalId(0)}");
                if (response.IsSuccessStatusCode)
                    return Stopwatch.GetElapsedTime(process.StartedAt);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Still loading (the page waits for the lists; the client gives up after its timeout): ask again.
            }
            await Task.Delay(500);
        }
        throw new InvalidOperationException("The web host's lists were not complete within 10 minutes.");
    }

    private static async Task<TimeSpan> FirstAcceptedReportAsync(HttpClient http, ProductProcess process, string commitment)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (process.HasExited)
                throw new InvalidOperationException("The product exited while starting.");
            if (await TryReportAsync(http, commitment, RestartValue))
                return Stopwatch.GetElapsedTime(process.StartedAt);
            if (attempt > 6000)
                throw new InvalidOperationException("No progress report was accepted within 5 minutes of the restart.");
            await Task.Delay(50);
        }
    }

    private const double RestartValue = 42.0;

    private static async Task<bool> TryReportAsync(HttpClient http, string commitment, double value)
    {
        try
        {
            using var content = new StringContent(JsonSerializer.Serialize(new { reportId = $"restart-{Guid.NewGuid():N}", reportedAt = DateTimeOffset.UtcNow, value }), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync($"/api/commitments/{commitment}/progress", content);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}

/// <summary>What the public map and every goal show, to compare after a restart.</summary>
internal sealed record Reference(string Map, IReadOnlyDictionary<string, string> Goals)
{
    public static async Task<Reference> ReadAsync(HttpClient http, CitySpec spec)
    {
        // Let the last reports of the measurements reach every aggregate before the picture is taken.
        string map;
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 120;
        while (true)
        {
            var before = Comparable(await http.GetStringAsync("/api/map"));
            await Task.Delay(2_500);
            map = Comparable(await http.GetStringAsync("/api/map"));
            if (map == before)
                break;
            if (Stopwatch.GetTimestamp() > deadline)
                throw new InvalidOperationException("The map kept changing for 2 minutes after the measurements ended; no reference for the restart.");
        }
        var goals = await AllGoalFiguresAsync(http);
        if (goals.Count < spec.Goals)
            throw new InvalidOperationException($"The product lists {goals.Count:N0} goals; the city has {spec.Goals:N0}.");
        return new Reference(map, goals);
    }

    public async Task<(bool Same, string? Problem)> GoalsEqualAsync(HttpClient http)
    {
        var now = await AllGoalFiguresAsync(http);
        foreach (var (id, figures) in Goals)
        {
            if (!now.TryGetValue(id, out var shown) || shown != figures)
                return (false, $"goal {id} differs");
        }
        return (true, null);
    }

    /// <summary>
    /// Every goal's aggregate (its <c>engagement</c>) from the goal list, 100 a page, the pages at once: a whole look at
    /// the figures in a few requests, so the time measured is when the product shows them, not how long a client takes to
    /// read a thousand goal pages one by one (each of which also computes the goal's uncommitted gap from the web host's
    /// lists, which are still loading after a restart).
    /// </summary>
    private static async Task<Dictionary<string, string>> AllGoalFiguresAsync(HttpClient http)
    {
        const int pageSize = 100;
        var first = JsonNode.Parse(await http.GetStringAsync($"/api/goals?page=1&pageSize={pageSize}"))!.AsObject();
        var pages = first["totalPages"]!.GetValue<int>();
        var rest = await Task.WhenAll(Enumerable.Range(2, Math.Max(0, pages - 1))
            .Select(async page => JsonNode.Parse(await http.GetStringAsync($"/api/goals?page={page}&pageSize={pageSize}"))!.AsObject()));
        var figures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var page in rest.Prepend(first))
        {
            foreach (var goal in page["items"]!.AsArray())
                figures[goal!["id"]!.GetValue<string>()] = Comparable(goal["engagement"]!.ToJsonString());
        }
        return figures;
    }

    /// <summary>The JSON without the moments of rendering and updating, which a restart may change without changing a figure.</summary>
    public static string Comparable(string json)
    {
        var node = JsonNode.Parse(json)!;
        Strip(node);
        return node.ToJsonString();

        static void Strip(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var key in o.Select(p => p.Key).Where(k => k is "updatedAt" or "generatedAt" or "version" or "takenAt").ToList())
                        o.Remove(key);
                    foreach (var (_, value) in o)
                        Strip(value);
                    break;
                case JsonArray a:
                    foreach (var item in a)
                        Strip(item);
                    break;
            }
        }
    }
}

/// <summary>An Orleans client of the product's gateway, as a back-office service would hold one.</summary>
internal sealed class OrleansClient : IAsyncDisposable
{
    private readonly IHost _host;

    private OrleansClient(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<OrleansClient> ConnectAsync(int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort));
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "civic-local";
                o.ServiceId = "civic-contracting";
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        return new OrleansClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

internal sealed record UpdateRun(long Succeeded, long Failed, TimeSpan Elapsed, double[] SortedMs, string FirstError)
{
    public double PerSecond => Succeeded / Elapsed.TotalSeconds;

    public double P(double q) => Percentiles.Of(SortedMs, q);
}

internal static class Percentiles
{
    public static double Of(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Durable progress reports as fast as <c>concurrency</c> callers get their acknowledgements.</summary>
internal static class Updates
{
    public static async Task<UpdateRun> RunAsync(IGrainFactory grains, string[] commitments, int concurrency, TimeSpan duration, string prefix)
    {
        var perCaller = new List<double>[concurrency];
        long succeeded = 0, failed = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var run = Guid.NewGuid().ToString("N")[..8];
        await Parallel.ForAsync(0, concurrency, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (caller, _) =>
        {
            var random = new Random(caller * 7919 + prefix[0]);
            var mine = perCaller[caller] = new List<double>(8192);
            for (var n = 0; clock.Elapsed < duration; n++)
            {
                var report = new ProgressReport($"{prefix}{run}-{caller}-{n}", DateTimeOffset.UtcNow, Math.Round(20 + random.NextDouble() * 45, 1));
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await grains.GetGrain<ICommitmentGrain>(commitments[random.Next(commitments.Length)]).ReportProgress(report);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Interlocked.Increment(ref succeeded);
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, $"; first error: {ex.GetType().Name}: {ex.Message}", null);
                }
            }
        });
        clock.Stop();
        var all = perCaller.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new UpdateRun(succeeded, failed, clock.Elapsed, all, firstError ?? "");
    }
}

internal sealed record LiveRun(int Probes, int Missed, double AchievedRate, double[] SortedMs, double AckP99)
{
    public double P(double q) => Percentiles.Of(SortedMs, q);
}

/// <summary>
/// Report → live: the city reports at a steady pace (open loop) while probe reports, one at a time, go to a commitment
/// that alone serves a goal of its own; a browser-like reader of <c>GET /api/live</c> (all scopes) takes the time from
/// each probe's acknowledgement to the arrival of that goal's next change (0 when it came first).
/// </summary>
internal static class LiveLatency
{
    public static async Task<LiveRun> RunAsync(IGrainFactory grains, HttpClient http, string[] commitments, int rate, TimeSpan duration)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var goal = $"probe-goal-{suffix}";
        var participant = $"probe-p-{suffix}";
        var commitment = $"probe-c-{suffix}";
        await grains.GetGrain<IGoalGrain>(goal).Define(new GoalDefinition("Probe goal", "A goal only the benchmark's probe serves.", new GoalScope(PlaceLevel.City, [])));
        var neighbourhood = PlaceCatalog.Leuven.Neighbourhoods.First().Code;
        await grains.GetGrain<IParticipantGrain>(participant).Register(new ParticipantRegistration(ParticipantKind.Organisation, "Probe", neighbourhood));
        var terms = new CommitmentTerms(CommitmentLevel.Result, "Probe", "The benchmark's probe.",
            Target: new QuantitativeTarget("Probe", "%", 0, 100, new DateOnly(2030, 6, 30)));
        var probe = grains.GetGrain<ICommitmentGrain>(commitment);
        await probe.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], neighbourhood, terms));
        await probe.Confirm("Probe", CommitmentText.Hash(terms));
        var scope = AggregateScope.Goal(goal);

        var arrivals = Channel.CreateUnbounded<long>();
        using var stop = new CancellationTokenSource();
        var reader = ReadAsync(http, scope, arrivals.Writer, stop.Token);
        await Task.Delay(1_000);

        // The city's steady pace: workers each own a share of the rate, with deadlines so a slow answer is caught up on.
        const int Workers = 32;
        long sent = 0;
        var clock = Stopwatch.StartNew();
        var background = Task.WhenAll(Enumerable.Range(0, Workers).Select(async worker =>
        {
            var random = new Random(worker);
            var interval = TimeSpan.FromSeconds(Workers / (double)rate);
            for (var n = 0; ; n++)
            {
                var due = interval * n + TimeSpan.FromMilliseconds(worker * interval.TotalMilliseconds / Workers);
                if (due > duration)
                    return;
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait);
                try
                {
                    await grains.GetGrain<ICommitmentGrain>(commitments[random.Next(commitments.Length)])
                        .ReportProgress(new ProgressReport($"l{suffix}-{worker}-{n}", DateTimeOffset.UtcNow, Math.Round(20 + random.NextDouble() * 45, 1)));
                    Interlocked.Increment(ref sent);
                }
                catch (Exception)
                {
                    // Counted by the achieved rate.
                }
            }
        }));

        var latencies = new List<double>();
        var acks = new List<double>();
        var missed = 0;
        for (var k = 0; clock.Elapsed < duration; k++)
        {
            while (arrivals.Reader.TryRead(out _))
            {
            }
            var started = Stopwatch.GetTimestamp();
            await probe.ReportProgress(new ProgressReport($"probe-{k}", DateTimeOffset.UtcNow, 40 + k % 2 * 10 + k % 7));
            var acknowledged = Stopwatch.GetTimestamp();
            acks.Add(Stopwatch.GetElapsedTime(started, acknowledged).TotalMilliseconds);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                var arrived = await arrivals.Reader.ReadAsync(timeout.Token);
                latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(acknowledged, arrived).TotalMilliseconds));
            }
            catch (OperationCanceledException)
            {
                missed++;
            }
            await Task.Delay(40);
        }
        await background;
        var achieved = sent / clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        try
        {
            await reader;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
        }
        latencies.Sort();
        acks.Sort();
        return new LiveRun(latencies.Count + missed, missed, achieved, [.. latencies], Percentiles.Of([.. acks], 0.99));
    }

    private static async Task ReadAsync(HttpClient http, string scope, ChannelWriter<long> arrivals, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/live");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var lines = new StreamReader(body);
        var needle = $"\"scope\":\"{scope}\"";
        while (await lines.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains(needle, StringComparison.Ordinal))
                arrivals.TryWrite(Stopwatch.GetTimestamp());
        }
    }
}

internal sealed record MapRun(double PerSecond, double P99, int Failed);

internal static class MapReads
{
    public static async Task<MapRun> RunAsync(Uri baseAddress, int connections, TimeSpan duration)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = baseAddress };
        var succeeded = 0;
        var failed = 0;
        var latencies = new List<double>[connections];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async worker =>
        {
            var mine = latencies[worker] = [];
            var buffer = new byte[64 * 1024];
            while (clock.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync("/api/map", HttpCompletionOption.ResponseHeadersRead);
                    await using var stream = await response.Content.ReadAsStreamAsync();
                    while (await stream.ReadAsync(buffer) > 0)
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
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new MapRun(succeeded / clock.Elapsed.TotalSeconds, Percentiles.Of(all, 0.99), failed);
    }
}

/// <summary>The embedded storage's counters from the product's Prometheus endpoint (/metrics).</summary>
internal sealed record StorageMetrics(bool Available, double Bytes, double Writes)
{
    /// <summary>The product serves /metrics only with a token (Telemetry:MetricsToken) or on a port of its own; ProductProcess sets this one.</summary>
    public const string Token = "city-scale-metrics-token";

    public static async Task<StorageMetrics> ReadAsync(HttpClient http)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var text = await response.Content.ReadAsStringAsync();
            double bytes = 0, writes = 0;
            var found = false;
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith('#'))
                    continue;
                var value = line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: >= 2 } parts
                    && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0;
                if (line.StartsWith("civic_storage_bytes_written", StringComparison.Ordinal))
                {
                    bytes += value;
                    found = true;
                }
                else if (line.StartsWith("civic_storage_writes", StringComparison.Ordinal))
                {
                    writes += value;
                }
            }
            return new StorageMetrics(found, bytes, writes);
        }
        catch (HttpRequestException)
        {
            return new StorageMetrics(false, 0, 0);
        }
    }
}

/// <summary>
/// Every scope's aggregate against a recomputation (EngagementMath.Totals) from all contributions the 16 shards hold,
/// and the shards' own verifiers' repair counts (expected 0).
/// </summary>
internal sealed record ExactnessResult(int Scopes, int Differences, long Repairs, long Contributions, IReadOnlyList<string> Examples)
{
    public string Describe() => Differences == 0
        ? $"Exactness: all {Scopes:N0} aggregates (city, districts, neighbourhoods, goals) equal a recomputation from the {Contributions:N0} contributions; shard verifiers' repairs: {Repairs:N0}"
        : $"Exactness: {Differences:N0} of {Scopes:N0} aggregates DIFFER from a recomputation (repairs {Repairs:N0}): {string.Join("; ", Examples)}";
}

internal static class Exactness
{
    public static async Task<ExactnessResult> CheckAsync(IGrainFactory grains)
    {
        // The reports of the measurements reach the aggregates asynchronously: compare until equal or 30 s have passed.
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (true)
        {
            var slices = await Task.WhenAll(Enumerable.Range(0, AggregateScope.ShardCount).Select(i => grains.GetGrain<IContributionShardGrain>(i).GetSlice()));
            var statuses = await Task.WhenAll(Enumerable.Range(0, AggregateScope.ShardCount).Select(i => grains.GetGrain<IContributionShardGrain>(i).GetStatus()));
            var byScope = new Dictionary<string, List<Contribution>>();
            long contributions = 0;
            foreach (var c in slices.SelectMany(s => s.Contributions))
            {
                contributions++;
                foreach (var s in c.Scopes)
                {
                    if (!byScope.TryGetValue(s.Scope, out var list))
                        byScope[s.Scope] = list = [];
                    list.Add(c);
                }
            }
            var examples = new List<string>();
            var differences = 0;
            foreach (var (scope, members) in byScope)
            {
                var expected = ShardAggregation.Fingerprint(EngagementMath.Totals(members, scope));
                var actual = ShardAggregation.Fingerprint((await grains.GetGrain<IEngagementAggregateGrain>(scope).GetSnapshot()).Totals);
                if (expected == actual)
                    continue;
                differences++;
                if (examples.Count < 5)
                    examples.Add($"{scope}: aggregate {actual}, recomputed {expected}");
            }
            var result = new ExactnessResult(byScope.Count, differences, statuses.Sum(s => s.Repairs), contributions, examples);
            if (differences == 0 || Stopwatch.GetTimestamp() > deadline)
                return result;
            await Task.Delay(1_000);
        }
    }
}
