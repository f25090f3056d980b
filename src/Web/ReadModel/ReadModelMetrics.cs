using System.Diagnostics.Metrics;
using CivicContracting.Observability;

namespace CivicContracting.Web.ReadModel;

/// <summary>
/// The web host's read model of commitments, on the platform's meter (<see cref="CivicMeter.Name"/>): contributions
/// applied from the shards' deltas and reads, gaps seen in the deltas' numbers, reads of whole shards by reason (expected:
/// one <c>start</c> per shard; <c>gap</c>, <c>behind</c> and <c>reset</c> stay rare: a gap is first filled from the
/// shard's recent changes, counted as a catch-up), and the commitments held.
/// </summary>
public static class ReadModelMetrics
{
    public const string ContributionsAppliedName = "civic.readmodel.contributions_applied";
    public const string GapsName = "civic.readmodel.gaps";
    public const string ShardReadsName = "civic.readmodel.shard_reads";
    public const string CatchUpsName = "civic.readmodel.catch_ups";
    public const string CommitmentsName = "civic.readmodel.commitments";

    private static readonly Meter Meter = new(CivicMeter.Name, CivicMeter.Version);
    private static ContributionIndex? _tracked;

    private static readonly Counter<long> ContributionsApplied = Meter.CreateCounter<long>(
        ContributionsAppliedName, "{contribution}", "Contributions a web host took into its read model of commitments (newer than the version it held).");

    private static readonly Counter<long> Gaps = Meter.CreateCounter<long>(
        GapsName, "{delta}", "Contribution deltas whose numbers did not follow on from what the web host held (a lost or crossed push).");

    private static readonly Counter<long> ShardReads = Meter.CreateCounter<long>(
        ShardReadsName, "{read}", "Whole contribution shards read by a web host, by reason: start, gap, behind, reset.");

    private static readonly Counter<long> CatchUps = Meter.CreateCounter<long>(
        CatchUpsName, "{catch-up}", "Gaps in a shard's deltas a web host filled from the shard's recent changes (O(what changed)) instead of reading it whole, by reason: gap, behind.");

    private static readonly ObservableGauge<int> Commitments = Meter.CreateObservableGauge(
        CommitmentsName, () => _tracked?.Count ?? 0, "{commitment}", "Commitments held by the web host's read model (the last host started in this process).");

    internal static void Track(ContributionIndex index) => _tracked = index;

    internal static void Applied(int contributions)
    {
        if (contributions > 0)
            ContributionsApplied.Add(contributions);
    }

    internal static void GapSeen() => Gaps.Add(1);

    internal static void CaughtUp(ReadReason reason) =>
        CatchUps.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString().ToLowerInvariant()));

    internal static void ShardRead(ReadReason reason) =>
        ShardReads.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString().ToLowerInvariant()));
}
