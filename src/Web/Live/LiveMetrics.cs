using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CivicContracting.Observability;

namespace CivicContracting.Web.Live;

/// <summary>
/// The web host's side of the live push, on the platform's meter (<see cref="CivicMeter.Name"/>, so the hosts'
/// telemetry exports them with the rest): whether this process holds a live lease — 0 means its browsers get no live
/// changes: alert when it stays 0 for longer than a lease — how often the registry had lost the lease, the live
/// streams refused at the caps (<see cref="LiveStreamOptions"/>), and the open live streams.
/// </summary>
public static class LiveMetrics
{
    public const string LeasesName = "civic.live.leases";
    public const string LostLeasesName = "civic.live.lost_leases";
    public const string RefusedName = "civic.live.refused";
    public const string FanOutDurationName = "civic.live.fanout.duration";
    public const string SubscribersName = "civic.live.subscribers";

    /// <summary>Values of the <c>reason</c> tag of <see cref="RefusedName"/>.</summary>
    public const string RefusedAddressFull = "address_full";
    public const string RefusedHostFull = "host_full";

    private static readonly Meter Meter = new(CivicMeter.Name, CivicMeter.Version);
    private static readonly ConcurrentDictionary<LiveSubscription, byte> Subscriptions = new();

    private static readonly ObservableGauge<int> Leases = Meter.CreateObservableGauge(
        LeasesName, () => Subscriptions.Keys.Count(s => s.Status.Subscribed), "{lease}",
        "Web hosts in this process that hold a current live lease, so that silos push aggregate changes to them (1 for a web host; 0 means its browsers get no live changes).");

    private static readonly Counter<long> LostLeases = Meter.CreateCounter<long>(
        LostLeasesName, "{lease}", "Times the live registry no longer held a web host's lease (its silo left the cluster, or the lease ran out) and the host subscribed again.");

    private static readonly Counter<long> RefusedStreams = Meter.CreateCounter<long>(
        RefusedName, "{connection}", "Live streams (GET /api/live) refused because the client's address (reason address_full, 429) or the web host (reason host_full, 503) held its maximum (Live:MaxConnectionsPerAddress, Live:MaxConnections).");

    private static readonly Histogram<double> FanOutDuration = Meter.CreateHistogram(
        FanOutDurationName, "ms",
        "Time from the start of a live fan-out round (changes arrived from the silos) until every open stream of this web host has been written to (or found waiting for its client); tag-free, one measurement per round.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] });

    internal static void FanOutRound(TimeSpan duration) => FanOutDuration.Record(duration.TotalMilliseconds);

    internal static void Refused(LiveRefusal refusal) =>
        RefusedStreams.Add(1, new KeyValuePair<string, object?>("reason", refusal == LiveRefusal.AddressFull ? RefusedAddressFull : RefusedHostFull));

    internal static void Track(LiveSubscription subscription) => Subscriptions.TryAdd(subscription, 0);

    internal static void Untrack(LiveSubscription subscription) => Subscriptions.TryRemove(subscription, out _);

    internal static void LeaseLost() => LostLeases.Add(1);

    private static int _subscribersObserved;

    /// <summary>
    /// Registers the gauge <see cref="SubscribersName"/> once, reading the number of live subscribers from
    /// <paramref name="count"/>. Until something calls this, the gauge is not exported at all.
    /// </summary>
    internal static void ObserveSubscribers(Func<long> count)
    {
        ArgumentNullException.ThrowIfNull(count);
        // Once per process: a second gauge of the same name would be a duplicate instrument to the exporters.
        if (Interlocked.Exchange(ref _subscribersObserved, 1) == 0)
            Meter.CreateObservableGauge(SubscribersName, count, "{subscriber}", "Browsers and web hosts subscribed to live aggregate changes.");
    }
}
