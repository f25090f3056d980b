using System.Diagnostics;
using Xunit.Abstractions;

namespace CivicContracting.Cluster.Tests;

/// <summary>
/// Issue 3, section 5: 3 silo processes and 2 web processes on loopback, PostgreSQL membership and storage. A silo
/// killed with -9 under a stream of progress reports loses no acknowledged report and every aggregate converges to a
/// recomputation from the commitments; a rolling SIGTERM restart of every silo causes no failed request at the web tier.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterTests(ClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private Scenario? _scenario;

    private static readonly TimeSpan ConvergenceLimit = TimeSpan.FromSeconds(60);

    public async Task InitializeAsync()
    {
        await cluster.EnsureAllRunningAsync();
        _scenario = await Scenario.SharedAsync(cluster);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Kill_9_of_a_silo_under_load_loses_no_acknowledged_report_and_every_aggregate_converges_to_the_recomputation()
    {
        var scenario = _scenario!;
        var stream = new ReportStream(cluster, scenario, retryUntilAcknowledged: true);
        using var stop = new CancellationTokenSource();
        var running = stream.RunAsync(stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(6));
        var beforeKill = stream.Acknowledged.Count;
        cluster.KillSilo(1);
        var killedAt = Stopwatch.StartNew();
        var declaredDead = await cluster.WaitDeclaredDeadAsync(1, TimeSpan.FromSeconds(30));
        var rest = TimeSpan.FromSeconds(14) - killedAt.Elapsed;
        if (rest > TimeSpan.Zero)
            await Task.Delay(rest);
        await stop.CancelAsync();
        await running;
        var streamed = killedAt.Elapsed;

        using var api = cluster.Client(0);
        var lost = await stream.CountLostAsync(api);
        var (convergence, mismatches) = await scenario.ConvergeAsync(api, ConvergenceLimit);

        Report($"""
            cluster kill -9 test: 3 silos, 2 web hosts, {stream.Workers} concurrent clients through both web hosts
              acknowledged reports: {stream.Acknowledged.Count} ({beforeKill} before the kill, {stream.Acknowledged.Count - beforeKill} in the {streamed.TotalSeconds:F1} s after it)
              killed silo declared dead in the membership table after: {(declaredDead is { } d ? $"{d.TotalSeconds:F1} s" : "more than 30 s")}
              lost (acknowledged but not stored): {lost}
              failed requests (non-2xx or no answer, retried with the same reportId): {stream.Failed}
              slowest request: {stream.Slowest.TotalSeconds:F1} s
              aggregates equal to the recomputation after: {convergence.TotalSeconds:F1} s{(mismatches.Count > 0 ? " (NOT converged)" : "")}
            """);
        foreach (var failure in stream.Failures)
            Report("  failure: " + failure);

        Assert.True(stream.Acknowledged.Count > 0, "No report was acknowledged.\n" + cluster.Diagnostics());
        Assert.Equal(0, lost);
        Assert.True(mismatches.Count == 0, $"Aggregates differ from the recomputation after {ConvergenceLimit}:\n{string.Join("\n", mismatches)}\n{cluster.Diagnostics()}");
    }

    [Fact]
    public async Task A_rolling_SIGTERM_restart_of_all_silos_causes_no_failed_request_at_the_web_tier()
    {
        var scenario = _scenario!;
        // Browsers on both web hosts, open throughout: live push must survive the restart of every silo.
        await using var live = await LiveProbe.CreateAsync(cluster, scenario);
        var liveBefore = await LivePushClusterTests.WaitSubscribedAsync(live, TimeSpan.FromSeconds(15));
        var stream = new ReportStream(cluster, scenario, retryUntilAcknowledged: false);
        using var stop = new CancellationTokenSource();
        var running = stream.RunAsync(stop.Token);
        var total = Stopwatch.StartNew();
        var steps = new List<string>();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            for (var i = 0; i < ClusterFixture.SiloCount; i++)
            {
                var watch = Stopwatch.StartNew();
                var exitCode = await cluster.StopSiloAsync(i);
                var stopped = watch.Elapsed;
                await cluster.RestartSiloAsync(i);
                var ready = watch.Elapsed - stopped;
                steps.Add($"silo{i + 1}: stopped in {stopped.TotalSeconds:F1} s (exit code {exitCode}), ready again in {ready.TotalSeconds:F1} s");
                // Let the web hosts' gateway lists (refreshed from the membership table) see the new silo.
                await Task.Delay(ClusterFixture.GatewayListRefreshPeriod * 2);
            }
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }

        // No web host stays unsubscribed: both hold a lease again and a report reaches both browsers.
        var liveWatch = Stopwatch.StartNew();
        IReadOnlyList<Web.Live.LiveSubscriptionStatus>? liveAfter = null;
        Exception? liveFailure = null;
        try
        {
            liveAfter = await LivePushClusterTests.WaitSubscribedAsync(live, LivePushClusterTests.Bound);
            await live.ReportAndAwaitAsync(LivePushClusterTests.Bound - liveWatch.Elapsed);
        }
        catch (TimeoutException timeout)
        {
            liveFailure = timeout;
        }
        var liveRecovered = liveWatch.Elapsed;
        var liveFigures = liveAfter is null
            ? "NOT every web host subscribed"
            : string.Join("; ", liveAfter.Zip(liveBefore).Select((p, i) => $"web{i + 1}: lost leases during the restart {p.First.LostLeases - p.Second.LostLeases}, registry now on {p.First.RegistrySilo}"));

        using var api = cluster.Client(1);
        var lost = await stream.CountLostAsync(api);
        var (convergence, mismatches) = await scenario.ConvergeAsync(api, ConvergenceLimit);
        Report($"""
            cluster rolling restart test: SIGTERM and restart of each of 3 silos in turn, {stream.Workers} concurrent clients through both web hosts, {total.Elapsed.TotalSeconds:F1} s
              {string.Join("\n  ", steps)}
              acknowledged reports: {stream.Acknowledged.Count}
              failed requests seen by the clients: {stream.Failed}
              lost (acknowledged but not stored): {lost}
              slowest request: {stream.Slowest.TotalSeconds:F1} s
              aggregates equal to the recomputation after: {convergence.TotalSeconds:F1} s{(mismatches.Count > 0 ? " (NOT converged)" : "")}
              live push after the restart: {liveFigures}; a new report reached both browsers {(liveFailure is null ? $"{liveRecovered.TotalSeconds:F1} s after the restart ended (the wait for the leases included)" : "NOT")}
            """);
        foreach (var failure in stream.Failures)
            Report("  failure: " + failure);

        Assert.True(liveFailure is null, $"Live push did not recover after the rolling restart: {liveFailure?.Message}\n{cluster.Diagnostics()}");
        Assert.True(stream.Acknowledged.Count > 0, "No report was acknowledged.\n" + cluster.Diagnostics());
        Assert.True(stream.Failed == 0, $"{stream.Failed} request(s) failed:\n{string.Join("\n", stream.Failures)}\n{cluster.Diagnostics()}");
        Assert.Equal(0, lost);
        Assert.True(mismatches.Count == 0, $"Aggregates differ from the recomputation after {ConvergenceLimit}:\n{string.Join("\n", mismatches)}");
    }

    private void Report(string text)
    {
        output.WriteLine(text);
        Console.WriteLine(text);
    }
}
