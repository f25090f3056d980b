using System.Collections.Concurrent;
using System.Globalization;

namespace CivicContracting.Cluster.Tests;

/// <summary>
/// A steady stream of progress reports through both web hosts: <see cref="Workers"/> concurrent clients, each posting
/// one report at a time with its own reportId. A report is acknowledged only when the API answered 2xx. With
/// <c>retryUntilAcknowledged</c> a failed report is sent again with the same reportId (safe: idempotent) until it is
/// acknowledged or the stream has ended.
/// </summary>
public sealed class ReportStream(ClusterFixture cluster, Scenario scenario, bool retryUntilAcknowledged, int workers = 4)
{
    private readonly ConcurrentBag<(string CommitmentId, string ReportId)> _acknowledged = [];
    private readonly ConcurrentQueue<string> _failures = new();
    private int _failed;
    private long _slowestMs;

    public int Workers => workers;

    public IReadOnlyCollection<(string CommitmentId, string ReportId)> Acknowledged => _acknowledged;

    /// <summary>Requests that did not answer 2xx (or threw).</summary>
    public int Failed => _failed;

    /// <summary>The first few failures, for the message.</summary>
    public IEnumerable<string> Failures => _failures.Take(10);

    public TimeSpan Slowest => TimeSpan.FromMilliseconds(Interlocked.Read(ref _slowestMs));

    /// <summary>Runs until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w, stop), CancellationToken.None));
        await Task.WhenAll(tasks);
    }

    private async Task WorkerAsync(int worker, CancellationToken stop)
    {
        using var api = cluster.Client(worker % cluster.WebAddresses.Count);
        var random = new Random(worker);
        var sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            var commitment = scenario.Reportable[random.Next(scenario.Reportable.Count)];
            var reportId = string.Create(CultureInfo.InvariantCulture, $"w{worker}-{sequence++}-{Guid.NewGuid():N}");
            var body = new { reportId, reportedAt = DateTimeOffset.UtcNow, value = Math.Round(random.NextDouble() * 120, 3) };
            while (true)
            {
                if (await SendAsync(api, commitment, body))
                {
                    _acknowledged.Add((commitment, reportId));
                    break;
                }
                if (!retryUntilAcknowledged || stop.IsCancellationRequested)
                    break;
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    private async Task<bool> SendAsync(HttpClient api, string commitment, object body)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var response = await api.PostAsync($"/api/commitments/{commitment}/progress", TestApi.JsonContent(body));
            if (response.IsSuccessStatusCode)
                return true;
            Fail($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Fail($"{e.GetType().Name}: {e.Message}");
            return false;
        }
        finally
        {
            var ms = watch.ElapsedMilliseconds;
            long seen;
            while (ms > (seen = Interlocked.Read(ref _slowestMs)) && Interlocked.CompareExchange(ref _slowestMs, ms, seen) != seen)
            {
            }
        }
    }

    private void Fail(string what)
    {
        Interlocked.Increment(ref _failed);
        if (_failures.Count < 10)
            _failures.Enqueue(what);
    }

    /// <summary>The acknowledged reports that the commitment's history (GET /api/commitments/{id}/reports, every page) does not hold.</summary>
    public async Task<int> CountLostAsync(HttpClient api)
    {
        var lost = 0;
        foreach (var group in _acknowledged.GroupBy(a => a.CommitmentId))
        {
            var stored = new HashSet<string>(StringComparer.Ordinal);
            for (var page = 1; ; page++)
            {
                var history = await api.GetAsync<Web.Paging.Paged<Commitments.ProgressReport>>($"/api/commitments/{group.Key}/reports?page={page}&pageSize=100");
                stored.UnionWith(history.Items.Select(r => r.ReportId));
                if (page >= history.TotalPages)
                    break;
            }
            lost += group.Count(a => !stored.Contains(a.ReportId));
        }
        return lost;
    }
}
