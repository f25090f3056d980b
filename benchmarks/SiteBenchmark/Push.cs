using System.Diagnostics;

namespace CivicContracting.SiteBenchmark;

internal sealed record PushResult(
    int Clients, double ConnectSeconds, int Events, int Confirmations, int Reports, int FailedEvents, double AchievedRate,
    double[] AckMs, LiveClientsResult Arrivals, double[] QuietAckMs, LiveClientsReady Connected, int PerAddress,
    int MaxConnectionsPerAddress, int MaxConnections, Memory Before, Memory After, Memory Settled, CpuUse Quiet, CpuUse Busy, double[] FanOutMs)
{
    public int Pairs => Arrivals.Pairs;

    public int Missing => Arrivals.Missing;

    public int Early => Arrivals.Early;

    public double EventsPerClient => Arrivals.EventsPerClient;

    public int ClientErrors => Arrivals.ClientErrors;

    public double P(double q) => q switch
    {
        0.5 => Arrivals.P50,
        0.99 => Arrivals.P99,
        1 => Arrivals.Max,
        _ => throw new ArgumentOutOfRangeException(nameof(q), "The client process reports p50, p99 and max."),
    };

    public double AckP(double q) => Percentile.Of(AckMs, q);

    public double QuietAckP(double q) => Percentile.Of(QuietAckMs, q);

    /// <summary>The web host's GC heap (with Kestrel's pooled buffers, which live on it) per open stream.</summary>
    public double HeapPerSubscriber => Connected.Opened == 0 ? double.NaN : (After.HeapBytes - Before.HeapBytes) / (double)Connected.Opened;

    /// <summary>The whole process's resident memory per open stream (the kernel's socket buffers are not in it).</summary>
    public double RssPerSubscriber => Connected.Opened == 0 ? double.NaN : (After.RssBytes - Before.RssBytes) / (double)Connected.Opened;

    /// <summary>As <see cref="HeapPerSubscriber"/>, 15 s later.</summary>
    public double SettledHeapPerSubscriber => Connected.Opened == 0 ? double.NaN : (Settled.HeapBytes - Before.HeapBytes) / (double)Connected.Opened;

    public double FanOutP(double q) => Percentile.Of(FanOutMs, q);
}

/// <summary>CPU time this process (the app and the API load) used over a stretch of wall-clock time.</summary>
internal sealed record CpuUse(double CpuSeconds, double WallSeconds)
{
    public double Cores => WallSeconds > 0 ? CpuSeconds / WallSeconds : double.NaN;
}

/// <summary>Measures <see cref="CpuUse"/> from <see cref="Start"/> to <see cref="Stop"/>.</summary>
internal sealed class Cpu
{
    private readonly TimeSpan _cpu = Now();
    private readonly long _wall = Stopwatch.GetTimestamp();

    public static Cpu Start() => new();

    public CpuUse Stop() => new((Now() - _cpu).TotalSeconds, Stopwatch.GetElapsedTime(_wall).TotalSeconds);

    private static TimeSpan Now()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}

/// <summary>Listens to the web host's fan-out rounds (<c>civic.live.fanout.duration</c>) while the changes are measured.</summary>
internal sealed class FanOutRounds : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private readonly List<double> _rounds = [];

    public FanOutRounds()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == CivicContracting.Web.Live.LiveMetrics.FanOutDurationName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (_rounds)
                _rounds.Add(value);
        });
        _listener.Start();
    }

    /// <summary>The round durations so far, in ms, sorted.</summary>
    public double[] Stop()
    {
        _listener.Dispose();
        lock (_rounds)
            return [.. _rounds.Order()];
    }

    public void Dispose() => _listener.Dispose();
}

/// <summary>This process's memory after a full, compacting collection.</summary>
internal sealed record Memory(long HeapBytes, long RssBytes)
{
    public static Memory Measure()
    {
        for (var i = 0; i < 2; i++)
        {
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        using var self = Process.GetCurrentProcess();
        return new Memory(GC.GetTotalMemory(forceFullCollection: false), self.WorkingSet64);
    }
}

/// <summary>
/// Push latency to connected browsers: M clients, in a process of their own (<see cref="LiveClientHost"/>), read
/// GET /api/live (every scope, as the home page's map does); changes are made through the API at a steady pace,
/// round-robin over the 24 neighbourhoods (so one neighbourhood changes once every 24 events), first without any
/// client (the acknowledgement's baseline), then with them; for each (client, event) the latency is from the API's
/// acknowledgement to that client receiving a version of the event's neighbourhood scope newer than the one it held
/// when the event was sent. The web host's memory is measured before the clients connect and once they all have.
/// </summary>
internal static class Push
{
    private static readonly string[] Kinds = ["school", "business", "organisation", "resident", "city", "knowledgeInstitution"];

    public static async Task<PushResult> RunAsync(Uri baseAddress, HttpClient api, Settings settings, CivicContracting.Web.Live.LiveStreamOptions limits)
    {
        var events = Math.Max(1, (int)Math.Round(settings.Rate * settings.EventsDuration.TotalSeconds));
        var neighbourhoods = (await Http.GetJsonAsync(api, "/api/places?level=neighbourhood&pageSize=100"))["items"]!.AsArray()
            .Select(p => p!["code"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();
        var scopes = neighbourhoods.Select(n => $"place:{n}").ToArray();

        // Set-up through the API: a goal, a participant and a confirmed result commitment per neighbourhood, and a draft for
        // every confirmation event, for both rounds (without and with clients).
        var goal = $"goal-site-bench-{Guid.NewGuid():N}"[..24];
        await Http.PostJsonAsync(api, "/api/goals", new { id = goal, title = "Site benchmark goal", description = "Changes made by the site benchmark.", scope = new { level = "city" } });
        var participants = new string[neighbourhoods.Length];
        var reported = new string[neighbourhoods.Length];
        for (var n = 0; n < neighbourhoods.Length; n++)
        {
            participants[n] = (await Http.PostJsonAsync(api, "/api/participants",
                new { kind = Kinds[n % Kinds.Length], name = $"Benchmark participant {n + 1}", neighbourhoodCode = neighbourhoods[n] }))["id"]!.GetValue<string>();
            reported[n] = await CommitAsync(api, participants[n], neighbourhoods[n], goal, $"bench-r-{n}");
            await ConfirmAsync(api, reported[n], await HashAsync(api, reported[n]));
        }
        var plan = new List<(int Neighbourhood, bool Confirmation, string Commitment, string? Hash, double Value)>(2 * events);
        for (var i = 0; i < 2 * events; i++)
        {
            var n = i % neighbourhoods.Length;
            var round = i / neighbourhoods.Length;
            if ((n + round) % 2 == 1)
            {
                var draft = await CommitAsync(api, participants[n], neighbourhoods[n], goal, $"bench-d-{i}");
                plan.Add((n, true, draft, await HashAsync(api, draft), 0));
            }
            else
            {
                plan.Add((n, false, reported[n], null, 25 + (round % 30)));
            }
        }

        // 1. The acknowledgement without any live client.
        var quietCpu = Cpu.Start();
        var (quietAck, _, _) = await SendAsync(api, plan[..events], settings.Rate, onAcknowledged: null);
        var quietUse = quietCpu.Stop();
        await Task.Delay(TimeSpan.FromSeconds(1));

        // 2. The browsers, spread over loopback addresses within the per-address cap (unless told to exceed it).
        var perAddress = settings.ClientsPerAddress > 0 ? settings.ClientsPerAddress : limits.MaxConnectionsPerAddress;
        var before = Memory.Measure();
        await using var clients = LiveClientProcess.Start(baseAddress, settings.Clients, perAddress, scopes);
        var connected = await clients.ReadyAsync(TimeSpan.FromMinutes(10));
        // The clients have read their snapshots; the set-up's own changes reached everyone.
        var after = Memory.Measure();
        // Kestrel's memory pool keeps the blocks that carried the snapshots for a while, then gives them back.
        await Task.Delay(TimeSpan.FromSeconds(15));
        var settled = Memory.Measure();

        // 3. The same pace of changes with them listening.
        using var rounds = new FanOutRounds();
        var busyCpu = Cpu.Start();
        var (ack, failed, achievedRate) = await SendAsync(api, plan[events..], settings.Rate,
            (n, start, acknowledged) => clients.Sent(n, start, acknowledged));
        var busyUse = busyCpu.Stop();
        var fanOut = rounds.Stop();
        var arrivals = await clients.FinishAsync();
        var measured = plan[events..];
        return new PushResult(connected.Opened, connected.Seconds, measured.Count, measured.Count(p => p.Confirmation), measured.Count(p => !p.Confirmation),
            failed, achievedRate, [.. ack.Order()], arrivals, [.. quietAck.Order()], connected, perAddress,
            limits.MaxConnectionsPerAddress, limits.MaxConnections, before, after, settled, quietUse, busyUse, fanOut);
    }

    /// <summary>Sends the planned changes at <paramref name="rate"/> a second; returns the acknowledgement times, failures and the pace achieved.</summary>
    private static async Task<(List<double> Ack, int Failed, double AchievedRate)> SendAsync(
        HttpClient api, List<(int Neighbourhood, bool Confirmation, string Commitment, string? Hash, double Value)> plan, double rate,
        Action<int, long, long>? onAcknowledged)
    {
        var ack = new List<double>(plan.Count);
        var failed = 0;
        var interval = TimeSpan.FromSeconds(1 / rate);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < plan.Count; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed)
                await Task.Delay(due - clock.Elapsed);
            var (neighbourhood, confirmation, commitment, hash, value) = plan[i];
            var start = Stopwatch.GetTimestamp();
            try
            {
                if (confirmation)
                    await ConfirmAsync(api, commitment, hash!);
                else
                    await Http.PostJsonAsync(api, $"/api/commitments/{commitment}/progress", new { reportId = $"bench-{Guid.NewGuid():N}", value });
                var acknowledged = Stopwatch.GetTimestamp();
                ack.Add(Stopwatch.GetElapsedTime(start, acknowledged).TotalMilliseconds);
                onAcknowledged?.Invoke(neighbourhood, start, acknowledged);
            }
            catch (InvalidOperationException ex)
            {
                failed++;
                Console.WriteLine($"  event {i} failed: {ex.Message}");
            }
        }
        return (ack, failed, plan.Count / clock.Elapsed.TotalSeconds);
    }

    private static async Task<string> CommitAsync(HttpClient api, string participant, string neighbourhood, string goal, string idPrefix) =>
        (await Http.PostJsonAsync(api, "/api/commitments", new
        {
            id = $"{idPrefix}-{Guid.NewGuid():N}"[..Math.Min(idPrefix.Length + 13, 60)],
            participantId = participant,
            goals = new[] { new { goalId = goal, weight = 1.0 } },
            neighbourhoodCode = neighbourhood,
            terms = new
            {
                level = "result",
                title = "More trips on foot or by bike",
                description = "Share of the trips to and from our place made on foot or by bike.",
                target = new { metric = "share of active trips", unit = "%", baseline = 20, target = 60, deadline = "2030-06-30" },
            },
        }))["id"]!.GetValue<string>();

    private static async Task<string> HashAsync(HttpClient api, string commitment) =>
        (await Http.GetJsonAsync(api, $"/api/commitments/{commitment}/text"))["textHash"]!.GetValue<string>();

    private static Task ConfirmAsync(HttpClient api, string commitment, string hash) =>
        Http.PostJsonAsync(api, $"/api/commitments/{commitment}/confirmation", new { confirmedBy = "Benchmark", textHash = hash });
}
