using System.Globalization;
using CivicContracting.Web.Live;
using Xunit.Abstractions;

namespace CivicContracting.Cluster.Tests;

/// <summary>
/// Live push across the loss of a silo: the live registry keeps the web hosts' leases in memory only, so when its silo
/// is killed it comes back empty on another silo. Both web hosts must find that out, subscribe again, and their
/// browsers (open GET /api/live connections that stay open throughout) must get the changes of reports made after the kill.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LivePushClusterTests(ClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>
    /// From the kill to both web hosts subscribed again and pushed to. The fixture declares a silo dead after 2 missed
    /// probes of 1 s with one vote (table refresh 2 s): the kill -9 tests measure about 1 s, allow 6 s. Calls to the
    /// registry on the dead silo fail or hang until then; a hung renewal is given up after
    /// <see cref="LiveSubscription.RenewTimeout"/> (5 s) and failed renewals are retried with back-off capped at
    /// <see cref="LiveSubscription.RenewEvery"/> (5 s), so a host renews within about 10 s of the death declaration and
    /// learns there that the new registry did not hold its lease. Then every batcher pushes to it within the observer
    /// cache plus a flush (1.1 s). That is about 17 s; the rest is slack for five processes on two shared cores.
    /// </summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(25);

    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(250);

    public Task InitializeAsync() => cluster.EnsureAllRunningAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Kill_9_of_the_live_registrys_silo_both_web_hosts_subscribe_again_and_their_browsers_get_the_changes_of_reports_made_after_it()
    {
        await using var probe = await LiveProbe.CreateAsync(cluster, await Scenario.SharedAsync(cluster));
        var total = probe.Now;

        // Before: both hosts hold a lease of the same registry, and a report reaches both browsers.
        var before = await WaitSubscribedAsync(probe, TimeSpan.FromSeconds(15));
        var registrySilo = before[0].RegistrySilo!;
        Assert.All(before, s => Assert.Equal(registrySilo, s.RegistrySilo));
        var victim = cluster.SiloIndexOf(registrySilo) ?? throw new InvalidOperationException($"No silo of the fixture is {registrySilo}.");
        await probe.ReportAndAwaitAsync(TimeSpan.FromSeconds(10));

        // A report every 250 ms through both web hosts, before, during and after the kill.
        using var stop = new CancellationTokenSource();
        var reporting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                probe.Report();
                await Task.Delay(ReportEvery, CancellationToken.None);
            }
        });
        await Task.Delay(TimeSpan.FromSeconds(1));
        cluster.KillSilo(victim);
        var killedAt = probe.Now;
        var killedAtClock = DateTimeOffset.UtcNow;
        var declaredDead = cluster.WaitDeclaredDeadAsync(victim, Bound);

        // Both hosts subscribed again, to a registry on another silo, having noticed that it did not hold their lease.
        IReadOnlyList<LiveSubscriptionStatus> after = before;
        while (probe.Now - killedAt < Bound)
        {
            after = await probe.StatusesAsync();
            if (after.Zip(before).All(p => p.First.Subscribed && p.First.LostLeases > p.Second.LostLeases && p.First.RegistrySilo != registrySilo))
                break;
            await Task.Delay(200);
        }
        var resubscribed = after.Zip(before).Select(p => p.First.LostLeases > p.Second.LostLeases ? p.First.SubscribedAt - killedAtClock : null).ToList();

        // A report sent now reaches both browsers: every batcher pushes to both hosts again.
        long? steady = null;
        Exception? steadyFailure = null;
        try
        {
            steady = await probe.ReportAndAwaitAsync(TimeSpan.FromSeconds(Math.Max(3, (Bound - (probe.Now - killedAt)).TotalSeconds)));
        }
        catch (TimeoutException timeout)
        {
            steadyFailure = timeout;
        }
        await stop.CancelAsync();
        await reporting;
        await probe.DrainAsync();
        var dead = await declaredDead;

        // The figures, per web host.
        var afterKill = probe.AcknowledgedSince(killedAt).ToList();
        var firstAfterKill = afterKill.Count > 0 ? afterKill[0].K : (long?)null;
        var lines = new List<string>();
        var firstPushes = new List<TimeSpan?>();
        for (var i = 0; i < probe.Browsers.Count; i++)
        {
            var browser = probe.Browsers[i];
            var firstPush = firstAfterKill is { } k ? browser.FirstAtLeast(k) - killedAt : null;
            firstPushes.Add(firstPush);
            // For every acknowledged report after the kill: from its acknowledgement to its value (or a newer one) in the browser.
            var waits = afterKill.Select(r => browser.FirstAtLeast(r.K) is { } at ? at - r.Acknowledged : (TimeSpan?)null).ToList();
            var longest = waits.Count == 0 ? "no report" : waits.Any(w => w is null) ? $"{waits.Count(w => w is null)} never seen" : $"{waits.Max()!.Value.TotalSeconds:F1} s";
            var steadyLatency = steady is { } s && browser.FirstAtLeast(s) is { } seen ? $"{(seen - probe.Sent(s).Sent).TotalSeconds:F2} s" : "not seen";
            lines.Add($"{browser.Name}: subscribed again after {Seconds(resubscribed[i])} (registry now on {after[i].RegistrySilo}, lost leases {after[i].LostLeases}); "
                + $"first pushed change of a report made after the kill: {Seconds(firstPush)}; longest wait acknowledgement → browser for a report after the kill: {longest}; "
                + $"report sent after both re-subscribed, sent → browser: {steadyLatency}");
        }
        Report($"""
            cluster live push test: kill -9 of the silo hosting the live registry ({registrySilo}), a report every {ReportEvery.TotalMilliseconds:F0} ms through both web hosts, one open GET /api/live per web host
              killed silo declared dead in the membership table after: {Seconds(dead)}
              reports acknowledged after the kill: {afterKill.Count}, failed (no 2xx): {probe.Failed}
              {string.Join("\n  ", lines)}
              bound: {Bound.TotalSeconds:F0} s from the kill; test time {(probe.Now - total).TotalSeconds:F1} s
            """);

        var diagnostics = cluster.Diagnostics();
        for (var i = 0; i < after.Count; i++)
        {
            Assert.True(resubscribed[i] is { } r && r <= Bound && after[i].Subscribed && after[i].RegistrySilo != registrySilo,
                $"web{i + 1} did not subscribe again to a new registry within {Bound}: {after[i]}\n{diagnostics}");
            Assert.True(firstPushes[i] is { } f && f <= Bound, $"web{i + 1}'s browser got no change of a report made after the kill within {Bound}\n{diagnostics}");
        }
        Assert.True(steadyFailure is null, $"After both web hosts subscribed again a report did not reach both browsers: {steadyFailure?.Message}\n{diagnostics}");
        Assert.All(await probe.StatusesAsync(), s => Assert.True(s.Subscribed && s.FailedRenewals == 0, $"Not cleanly subscribed at the end: {s}"));
    }

    /// <summary>Polls GET /api/live/status of every web host until all hold a lease with no failing renewals.</summary>
    public static Task<IReadOnlyList<LiveSubscriptionStatus>> WaitSubscribedAsync(LiveProbe probe, TimeSpan within) =>
        Eventually.Value(probe.StatusesAsync, statuses => statuses.All(s => s.Subscribed && s.FailedRenewals == 0), within,
            "every web host subscribed to live changes");

    private static string Seconds(TimeSpan? value) =>
        value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.TotalSeconds:F1} s") : "never";

    private void Report(string text)
    {
        output.WriteLine(text);
        Console.WriteLine(text);
    }
}
