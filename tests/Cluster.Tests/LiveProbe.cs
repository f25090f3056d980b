using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using CivicContracting.Aggregation;
using CivicContracting.Participants;
using CivicContracting.Web.Live;

namespace CivicContracting.Cluster.Tests;

/// <summary>
/// Watches the live push end to end: a goal of its own with one confirmed result commitment (baseline 0, target
/// <see cref="Scale"/>), so that the goal's mean progress after report number k is k / <see cref="Scale"/>; one
/// browser stand-in (GET /api/live?scope=…) on every web host records when each pushed value arrived. Reports go
/// through the API, alternately through both web hosts. All times are on one clock, <see cref="Now"/>.
/// </summary>
public sealed class LiveProbe : IAsyncDisposable
{
    public const double Scale = 1_000_000;

    private readonly ClusterFixture _cluster;
    private readonly string _commitmentId;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<HttpClient> _apis;
    private readonly ConcurrentDictionary<long, (TimeSpan Sent, TimeSpan? Acknowledged)> _reports = new();
    private readonly ConcurrentBag<Task> _inFlight = [];
    private long _sequence;
    private int _failed;

    private LiveProbe(ClusterFixture cluster, string commitmentId, string scope, List<HttpClient> apis)
    {
        _cluster = cluster;
        _commitmentId = commitmentId;
        Scope = scope;
        _apis = apis;
    }

    public string Scope { get; }

    public IReadOnlyList<Browser> Browsers { get; private set; } = [];

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Reports that did not answer 2xx (or threw).</summary>
    public int Failed => _failed;

    /// <summary>Makes the probe's goal and commitment (included in <paramref name="scenario"/>, whose recomputation covers every commitment) and opens the browsers.</summary>
    public static async Task<LiveProbe> CreateAsync(ClusterFixture cluster, Scenario scenario)
    {
        var apis = Enumerable.Range(0, cluster.WebAddresses.Count).Select(i =>
        {
            var client = cluster.Client(i);
            client.Timeout = TimeSpan.FromSeconds(30);
            return client;
        }).ToList();
        const string neighbourhood = "24062W05";
        var goal = await apis[0].DefineGoalAsync();
        var participant = await apis[0].RegisterAsync(ParticipantKind.School, neighbourhood);
        var commitment = await apis[0].CommitAsync(participant, neighbourhood, TestApi.ResultTerms(baseline: 0, target: Scale), (goal, 1.0));
        scenario.Include(commitment.Id, participant, ParticipantKind.School, goal);
        await apis[0].ConfirmAsync(commitment.Id);
        var probe = new LiveProbe(cluster, commitment.Id, AggregateScope.Goal(goal), apis);
        var browsers = new List<Browser>();
        for (var i = 0; i < cluster.WebAddresses.Count; i++)
            browsers.Add(await Browser.OpenAsync($"web{i + 1}", cluster.WebAddresses[i], probe.Scope, () => probe.Now));
        probe.Browsers = browsers;
        return probe;
    }

    /// <summary>Sends report number k (the next one) without waiting for the answer; returns k.</summary>
    public long Report()
    {
        var k = Interlocked.Increment(ref _sequence);
        var sent = Now;
        _reports[k] = (sent, null);
        var api = _apis[(int)(k % _apis.Count)];
        _inFlight.Add(SendAsync(api, k, sent));
        return k;
    }

    /// <summary>The time report k was sent and acknowledged (null: not, or not yet).</summary>
    public (TimeSpan Sent, TimeSpan? Acknowledged) Sent(long k) => _reports[k];

    /// <summary>Reports sent at or after <paramref name="at"/> and acknowledged, by number.</summary>
    public IEnumerable<(long K, TimeSpan Sent, TimeSpan Acknowledged)> AcknowledgedSince(TimeSpan at) =>
        _reports.Where(r => r.Value.Sent >= at && r.Value.Acknowledged is not null)
            .Select(r => (r.Key, r.Value.Sent, r.Value.Acknowledged!.Value))
            .OrderBy(r => r.Key);

    /// <summary>Sends a report and waits until every browser got its value (or a newer one); returns the report number.</summary>
    public async Task<long> ReportAndAwaitAsync(TimeSpan within)
    {
        var k = Report();
        foreach (var browser in Browsers)
            await browser.WaitForAsync(k, within);
        return k;
    }

    /// <summary>Every web host's live subscription (GET /api/live/status with the operator token).</summary>
    public async Task<IReadOnlyList<LiveSubscriptionStatus>> StatusesAsync()
    {
        var statuses = new List<LiveSubscriptionStatus>();
        foreach (var api in _apis)
            statuses.Add(await api.GetAsync<LiveSubscriptionStatus>("/api/live/status"));
        return statuses;
    }

    /// <summary>Waits for every report still in flight (they time out after 30 s).</summary>
    public Task DrainAsync() => Task.WhenAll(_inFlight);

    public async ValueTask DisposeAsync()
    {
        await DrainAsync();
        foreach (var browser in Browsers)
            await browser.DisposeAsync();
        foreach (var api in _apis)
            api.Dispose();
    }

    private async Task SendAsync(HttpClient api, long k, TimeSpan sent)
    {
        var body = new { reportId = $"live-{k}-{Guid.NewGuid():N}", reportedAt = DateTimeOffset.UtcNow, value = (double)k };
        try
        {
            using var response = await api.PostAsync($"/api/commitments/{_commitmentId}/progress", TestApi.JsonContent(body));
            if (response.IsSuccessStatusCode)
                _reports[k] = (sent, Now);
            else
                Interlocked.Increment(ref _failed);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref _failed);
        }
    }

    /// <summary>A browser stand-in on one web host: reads the goal's server-sent events and keeps (arrival, k) of each change.</summary>
    public sealed class Browser : IAsyncDisposable
    {
        private readonly HttpClient _client;
        private readonly HttpResponseMessage _response;
        private readonly Func<TimeSpan> _now;
        private readonly string _scope;
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<(TimeSpan At, long K)> _changes = new();
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _reading;

        private Browser(string name, HttpClient client, HttpResponseMessage response, string scope, Func<TimeSpan> now)
        {
            Name = name;
            _client = client;
            _response = response;
            _scope = scope;
            _now = now;
            _reading = ReadAsync();
        }

        public string Name { get; }

        public static async Task<Browser> OpenAsync(string name, Uri webHost, string scope, Func<TimeSpan> now)
        {
            var client = new HttpClient { BaseAddress = webHost, Timeout = Timeout.InfiniteTimeSpan };
            // The stream never ends, but its headers (with the snapshot and "ready") come at once.
            using var headers = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            HttpResponseMessage response;
            try
            {
                response = await client.GetAsync($"/api/live?scope={Uri.EscapeDataString(scope)}", HttpCompletionOption.ResponseHeadersRead, headers.Token);
            }
            catch (OperationCanceledException) when (headers.IsCancellationRequested)
            {
                client.Dispose();
                throw new TimeoutException($"{name}: GET /api/live did not start its response within 15 s (is it buffered?).");
            }
            response.EnsureSuccessStatusCode();
            var browser = new Browser(name, client, response, scope, now);
            await browser._ready.Task.WaitAsync(TimeSpan.FromSeconds(10));
            return browser;
        }

        /// <summary>When the first change carrying report k or a newer one arrived; null when none has.</summary>
        public TimeSpan? FirstAtLeast(long k) =>
            _changes.Where(c => c.K >= k).Select(c => (TimeSpan?)c.At).FirstOrDefault();

        /// <summary>
        /// Waits until a change carrying report k or a newer one has arrived; returns when it did (the arrival the reader
        /// noted, not the poll's time: polling adds nothing to the latency measured).
        /// </summary>
        public async Task<TimeSpan> WaitForAsync(long k, TimeSpan within) =>
            (await Eventually.Value(() =>
            {
                var at = FirstAtLeast(k);
                if (at is null && _reading.IsCompleted)
                    throw new InvalidOperationException($"{Name}: the live stream ended.", _reading.Exception);
                return Task.FromResult((At: at, NewestSeen: _changes.IsEmpty ? "none" : _changes.Max(c => c.K).ToString(CultureInfo.InvariantCulture)));
            }, seen => seen.At is not null, within, $"{Name}: a change with report {k} or newer")).At!.Value;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _response.Dispose();
            try
            {
                await _reading;
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
            _client.Dispose();
            _stop.Dispose();
        }

        private async Task ReadAsync()
        {
            try
            {
                await using var body = await _response.Content.ReadAsStreamAsync(_stop.Token);
                await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token))
                {
                    if (item.EventType == "ready")
                        _ready.TrySetResult();
                    else if (item.EventType == "change")
                        Keep(item.Data);
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
        }

        private void Keep(string data)
        {
            var at = _now();
            if (JsonNode.Parse(data) is not JsonObject change || (string?)change["scope"] != _scope)
                return;
            if (change["snapshot"]?["meanProgress"]?.GetValue<double>() is { } mean)
                _changes.Enqueue((at, (long)Math.Round(mean * Scale)));
        }
    }
}
