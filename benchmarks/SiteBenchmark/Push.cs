using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace CivicContracting.SiteBenchmark;

internal sealed record PushResult(
    int Clients, double ConnectSeconds, int Events, int Confirmations, int Reports, int FailedEvents, double AchievedRate,
    double[] AckMs, double[] LatenciesMsSorted, int Missing, int Early, double EventsPerClient, int ClientErrors)
{
    public IReadOnlyCollection<double> Latencies => LatenciesMsSorted;

    public double P(double q) => Percentile.Of(LatenciesMsSorted, q);

    public double AckP(double q) => Percentile.Of(AckMs, q);
}

/// <summary>
/// Push latency to connected browsers: M clients read GET /api/live (every scope, as the home page's map does); changes
/// are made through the API at a steady pace, round-robin over the 24 neighbourhoods (so one neighbourhood changes
/// once every 24 events); for each (client, event) the latency is from the API's acknowledgement to that client
/// receiving a version of the event's neighbourhood scope newer than the one it held when the event was sent.
/// </summary>
internal static class Push
{
    private static readonly string[] Kinds = ["school", "business", "organisation", "resident", "city", "knowledgeInstitution"];

    public static async Task<PushResult> RunAsync(Uri baseAddress, HttpClient api, Settings settings)
    {
        var events = Math.Max(1, (int)Math.Round(settings.Rate * settings.EventsDuration.TotalSeconds));
        var neighbourhoods = (await Http.GetJsonAsync(api, "/api/places?level=neighbourhood&pageSize=100"))["items"]!.AsArray()
            .Select(p => p!["code"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();

        // Set-up through the API: a goal, a participant and a confirmed result commitment per neighbourhood, and a draft for every confirmation event.
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
        var plan = new List<(string Neighbourhood, bool Confirmation, string Commitment, string? Hash, double Value)>(events);
        for (var i = 0; i < events; i++)
        {
            var n = i % neighbourhoods.Length;
            var round = i / neighbourhoods.Length;
            if ((n + round) % 2 == 1)
            {
                var draft = await CommitAsync(api, participants[n], neighbourhoods[n], goal, $"bench-d-{i}");
                plan.Add((neighbourhoods[n], true, draft, await HashAsync(api, draft), 0));
            }
            else
            {
                plan.Add((neighbourhoods[n], false, reported[n], null, 25 + (round % 30)));
            }
        }

        // The browsers.
        var connecting = Stopwatch.StartNew();
        var clients = await Task.WhenAll(Enumerable.Range(0, settings.Clients).Select(_ => LiveClient.OpenAsync(baseAddress)));
        var connectSeconds = connecting.Elapsed.TotalSeconds;
        try
        {
            // Let the set-up's own changes reach everyone first.
            await Task.Delay(TimeSpan.FromSeconds(2));

            var sent = new List<(string Scope, long[] Before, long AckTimestamp)>(events);
            var ack = new List<double>(events);
            var failed = 0;
            var interval = TimeSpan.FromSeconds(1 / settings.Rate);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < plan.Count; i++)
            {
                var due = interval * i;
                if (due > clock.Elapsed)
                    await Task.Delay(due - clock.Elapsed);
                var (neighbourhood, confirmation, commitment, hash, value) = plan[i];
                var scope = $"place:{neighbourhood}";
                var before = clients.Select(c => c.Latest(scope)).ToArray();
                var start = Stopwatch.GetTimestamp();
                try
                {
                    if (confirmation)
                        await ConfirmAsync(api, commitment, hash!);
                    else
                        await Http.PostJsonAsync(api, $"/api/commitments/{commitment}/progress", new { reportId = $"bench-{i}", value });
                    var acknowledged = Stopwatch.GetTimestamp();
                    ack.Add(Stopwatch.GetElapsedTime(start, acknowledged).TotalMilliseconds);
                    sent.Add((scope, before, acknowledged));
                }
                catch (InvalidOperationException ex)
                {
                    failed++;
                    Console.WriteLine($"  event {i} failed: {ex.Message}");
                }
            }
            var achievedRate = plan.Count / clock.Elapsed.TotalSeconds;

            // Drain: until every client has every change, at most 5 s after the last event.
            var drain = Stopwatch.StartNew();
            while (drain.Elapsed < TimeSpan.FromSeconds(5) && !sent.All(e => clients.Select((c, i) => c.Latest(e.Scope) > e.Before[i]).All(x => x)))
                await Task.Delay(50);

            var latencies = new List<double>(sent.Count * clients.Length);
            var missing = 0;
            var early = 0;
            foreach (var (scope, before, acknowledged) in sent)
            {
                for (var c = 0; c < clients.Length; c++)
                {
                    if (clients[c].FirstArrivalAfter(scope, before[c]) is { } arrival)
                    {
                        var ms = Stopwatch.GetElapsedTime(acknowledged, arrival).TotalMilliseconds;
                        if (arrival < acknowledged)
                        {
                            early++;
                            ms = 0;
                        }
                        latencies.Add(ms);
                    }
                    else
                    {
                        missing++;
                    }
                }
            }
            return new PushResult(clients.Length, connectSeconds, plan.Count, plan.Count(p => p.Confirmation), plan.Count(p => !p.Confirmation), failed, achievedRate,
                [.. ack.Order()], [.. latencies.Order()], missing, early, clients.Average(c => c.ChangesReceived), clients.Count(c => c.Failed));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
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

/// <summary>A browser stand-in on its own connection: reads GET /api/live and notes when each version of each scope arrived.</summary>
internal sealed class LiveClient : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, long> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(long Version, long Timestamp)>> _arrivals = new(StringComparer.Ordinal);
    private readonly Task _reading;
    private int _changes;

    private LiveClient(HttpClient http, HttpResponseMessage response)
    {
        _http = http;
        _response = response;
        _reading = Task.Run(ReadAsync);
    }

    public int ChangesReceived => Volatile.Read(ref _changes);

    public bool Failed => _reading.IsFaulted;

    public static async Task<LiveClient> OpenAsync(Uri baseAddress)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var response = await http.GetAsync("/api/live", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var client = new LiveClient(http, response);
        await client._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return client;
    }

    /// <summary>The newest version of <paramref name="scope"/> this client holds (-1: none).</summary>
    public long Latest(string scope)
    {
        lock (_latest)
            return _latest.TryGetValue(scope, out var version) ? version : -1;
    }

    /// <summary>When the first version of <paramref name="scope"/> newer than <paramref name="version"/> arrived, if one did.</summary>
    public long? FirstArrivalAfter(string scope, long version)
    {
        lock (_latest)
        {
            return _arrivals.TryGetValue(scope, out var list) && list.FirstOrDefault(a => a.Version > version) is { Timestamp: > 0 } first
                ? first.Timestamp
                : null;
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            await using var body = await _response.Content.ReadAsStreamAsync(_stop.Token);
            await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token))
            {
                var now = Stopwatch.GetTimestamp();
                if (item.EventType == "ready")
                    _ready.TrySetResult();
                else if (item.EventType == "change")
                    Record(item.Data, now);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _ready.TrySetException(ex);
            throw;
        }
    }

    private void Record(string data, long timestamp)
    {
        using var change = JsonDocument.Parse(data);
        var scope = change.RootElement.GetProperty("scope").GetString()!;
        var version = change.RootElement.GetProperty("version").GetInt64();
        Interlocked.Increment(ref _changes);
        lock (_latest)
        {
            if (!_latest.TryGetValue(scope, out var known) || version > known)
                _latest[scope] = version;
            if (!_arrivals.TryGetValue(scope, out var list))
                _arrivals[scope] = list = [];
            list.Add((version, timestamp));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception)
        {
            // Ended by the cancellation, or already counted as failed.
        }
        _http.Dispose();
        _stop.Dispose();
    }
}
