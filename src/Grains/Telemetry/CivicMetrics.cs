using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CivicContracting.Observability;

/// <summary>
/// The platform's own metrics, on the meter <see cref="MeterName"/>. Every host registers this meter in its
/// OpenTelemetry pipeline (see <c>CivicContracting.Silo.Hosting.Telemetry</c>), so the figures reach OTLP and the
/// Prometheus endpoint (<c>/metrics</c>: dots become underscores, counters get <c>_total</c>). Recording is cheap when
/// nothing listens. Instruments are static because a silo has one meter per process; tests read them through a
/// <see cref="MeterListener"/> or the host's exporter.
/// </summary>
public static class CivicMetrics
{
    public const string MeterName = CivicMeter.Name;

    public const string ProgressReportsName = "civic.progress_reports";
    public const string AggregationLagName = "civic.aggregation.lag";
    public const string ShardFlushesName = "civic.shard.flushes";
    public const string AggregationRepairsName = "civic.aggregation.repairs";
    public const string ShardBatchSizeName = "civic.shard.batch_size";
    public const string AggregateChangesName = "civic.aggregate.changes";
    public const string FeedEventsPublishedName = "civic.feed.events_published";
    public const string FeedItemsName = "civic.feed.items";
    public const string FeedFanOutRetriesName = "civic.feed.fanout_retries";
    public const string FeedFanOutDroppedName = "civic.feed.fanout_dropped";
    public const string NotificationEmailsName = "civic.notifications.emails";
    public const string RemindersDueName = "civic.reporting.reminders_due";
    public const string RemindersRetoldName = "civic.reporting.reminders_retold";
    public const string StorageWritesName = "civic.storage.writes";
    public const string StorageTransactionsName = "civic.storage.transactions";
    public const string StorageBytesWrittenName = "civic.storage.bytes_written";
    public const string StorageTransactionFailuresName = "civic.storage.transaction_failures";

    /// <summary>Values of the <c>outcome</c> tag of <see cref="NotificationEmailsName"/>.</summary>
    public const string EmailOutcomeSent = "sent";
    public const string EmailOutcomeRetry = "retry";
    public const string EmailOutcomeGivenUp = "given_up";
    public const string EmailOutcomeRejected = "rejected";
    public const string EmailOutcomeQueueFull = "queue_full";

    private static readonly Meter Meter = new(MeterName, CivicMeter.Version);

    private static readonly Counter<long> ProgressReports = Meter.CreateCounter<long>(
        ProgressReportsName, "{report}", "Progress reports accepted and stored by commitments (retries of a stored report are not counted).");

    private static readonly Histogram<double> AggregationLag = Meter.CreateHistogram(
        AggregationLagName, "ms",
        "Time from a contribution being accepted by its shard to the shard publishing totals that include it to the aggregates (oldest waiting contribution of each publication).",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [5, 10, 25, 50, 100, 200, 300, 500, 750, 1000, 2500, 5000, 10000, 30000] });

    private static readonly Counter<long> ShardFlushes = Meter.CreateCounter<long>(
        ShardFlushesName, "{flush}", "Durable group-commit writes of contribution shards.");

    private static readonly Histogram<int> ShardBatchSize = Meter.CreateHistogram(
        ShardBatchSizeName, "{contribution}", "Contributions written by one shard group commit.",
        tags: null,
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] });

    private static readonly Counter<long> AggregationRepairs = Meter.CreateCounter<long>(
        AggregationRepairsName, "{scope}",
        "Scope totals of a contribution shard that its verifier (a paced full recomputation) found different from the running totals and repaired. Expected: 0.");

    private static readonly Counter<long> AggregateChanges = Meter.CreateCounter<long>(
        AggregateChangesName, "{change}", "Changes of goal and place aggregates (a shard's newer totals, a child goal's progress, new settings).");

    private static readonly Histogram<int> BarrierBatchSize = Meter.CreateHistogram(
        "civic.storage.barrier_batch_size", "{write}", "Grain-state writes acknowledged by one durability barrier commit (PostgreSQL group commit).",
        tags: null,
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500] });

    private static readonly Counter<long> BarrierFailures = Meter.CreateCounter<long>(
        "civic.storage.barrier_failures", "{barrier}", "Durability barrier commits that failed; their writes were not acknowledged.");

    private static readonly Counter<long> StorageWrites = Meter.CreateCounter<long>(
        StorageWritesName, "{write}", "Grain-state rows written (writes and clears) by the embedded SQLite grain storage, counted when their transaction committed.");

    private static readonly Counter<long> StorageTransactions = Meter.CreateCounter<long>(
        StorageTransactionsName, "{transaction}", "Transactions committed by the embedded SQLite grain storage's writer; each carries every write that arrived while the previous one ran (group commit).");

    private static readonly Counter<long> StorageBytesWritten = Meter.CreateCounter<long>(
        StorageBytesWrittenName, "By", "Serialised grain-state payload bytes written by the embedded SQLite grain storage (committed writes only).");

    private static readonly Counter<long> StorageTransactionFailures = Meter.CreateCounter<long>(
        StorageTransactionFailuresName, "{transaction}", "Transactions of the embedded SQLite grain storage that failed and were rolled back; every write in them failed.");

    private static readonly Counter<long> FeedEventsPublished = Meter.CreateCounter<long>(
        FeedEventsPublishedName, "{event}", "Events accepted by followed topics for fan-out (duplicates and topics without followers are not counted).");

    private static readonly Counter<long> FeedItems = Meter.CreateCounter<long>(
        FeedItemsName, "{item}", "Items added to personal feeds (a redelivered event is not counted again).");

    private static readonly Counter<long> FeedFanOutRetries = Meter.CreateCounter<long>(
        FeedFanOutRetriesName, "{delivery}", "Deliveries of an event to a follower bucket that failed and are retried.");

    private static readonly Counter<long> FeedFanOutDropped = Meter.CreateCounter<long>(
        FeedFanOutDroppedName, "{event}", "Events a topic gave up delivering to some followers (retries exhausted, or its backlog overflowed).");

    private static readonly Counter<long> RemindersDue = Meter.CreateCounter<long>(
        RemindersDueName, "{reminder}", "Entries of the reporting schedule told to their commitments by sweeps (an entry not answered within a minute is told again and counted again).");

    private static readonly Counter<long> RemindersRetold = Meter.CreateCounter<long>(
        RemindersRetoldName, "{reminder}", "Entries of the reporting schedule told again because their commitment did not answer within a minute (the reminder backlog; expected near 0).");

    private static readonly Counter<long> NotificationEmails = Meter.CreateCounter<long>(
        NotificationEmailsName, "{email}", "Notification e-mails by outcome: sent, retry (an attempt failed), given_up, rejected (permanent SMTP error), queue_full (a change not mailed).");

    /// <summary>A commitment stored a new progress report.</summary>
    public static void ProgressReportAccepted() => ProgressReports.Add(1);

    /// <summary>A shard wrote a batch of <paramref name="contributions"/> durably.</summary>
    public static void ShardFlushed(int contributions)
    {
        ShardFlushes.Add(1);
        ShardBatchSize.Record(contributions);
    }

    /// <summary>A shard's verifier repaired <paramref name="scopes"/> scope totals that differed from a recomputation.</summary>
    public static void AggregationRepaired(int scopes) => AggregationRepairs.Add(scopes);

    /// <summary>A shard published totals; <paramref name="acceptedTimestamp"/> is the <see cref="Stopwatch"/> timestamp of the oldest contribution they include that had not been published.</summary>
    public static void AggregationPublished(long acceptedTimestamp) =>
        AggregationLag.Record(Stopwatch.GetElapsedTime(acceptedTimestamp).TotalMilliseconds);

    /// <summary>A group-commit barrier committed and released <paramref name="writes"/> waiting grain-state writes.</summary>
    public static void BarrierCommitted(int writes) => BarrierBatchSize.Record(writes);

    /// <summary>A group-commit barrier failed: its waiting writes fail instead of being acknowledged.</summary>
    public static void BarrierFailed() => BarrierFailures.Add(1);

    /// <summary>The embedded SQLite grain storage committed one transaction of <paramref name="writes"/> rows and <paramref name="bytes"/> payload bytes.</summary>
    public static void StorageTransactionCommitted(int writes, long bytes)
    {
        StorageTransactions.Add(1);
        StorageWrites.Add(writes);
        StorageBytesWritten.Add(bytes);
    }

    /// <summary>A transaction of the embedded SQLite grain storage failed and was rolled back.</summary>
    public static void StorageTransactionFailed() => StorageTransactionFailures.Add(1);

    /// <summary>An aggregate changed.</summary>
    public static void AggregateChanged() => AggregateChanges.Add(1);

    /// <summary>A followed topic accepted an event for fan-out.</summary>
    public static void FeedEventPublished() => FeedEventsPublished.Add(1);

    /// <summary>A personal feed stored a new item.</summary>
    public static void FeedItemAdded() => FeedItems.Add(1);

    /// <summary>Delivering an event to <paramref name="buckets"/> follower buckets failed; they are retried.</summary>
    public static void FeedFanOutRetried(int buckets) => FeedFanOutRetries.Add(buckets);

    /// <summary>A topic gave up delivering an event to some of its followers.</summary>
    public static void FeedFanOutGaveUp() => FeedFanOutDropped.Add(1);

    /// <summary>A notification e-mail (or, for <see cref="EmailOutcomeQueueFull"/>, a change) with its outcome.</summary>
    public static void NotificationEmail(string outcome) =>
        NotificationEmails.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void RecordRemindersDue(int count) => RemindersDue.Add(count);

    public static void RecordRemindersRetold(int count) => RemindersRetold.Add(count);

    // ---- Commitments' report history (CommitmentGrain.Reports.cs) ----

    public const string ReportSegmentsSealedName = "civic.report_history.segments_sealed";
    public const string ReportSegmentReadsName = "civic.report_history.segment_reads";

    private static readonly Counter<long> ReportSegmentsSealed = Meter.CreateCounter<long>(
        ReportSegmentsSealedName, "{segment}", "Segments of commitments' report histories sealed (written once, with their reports, when a commitment's newest reports are full).");

    private static readonly Counter<long> ReportSegmentReads = Meter.CreateCounter<long>(
        ReportSegmentReadsName, "{segment}", "Sealed segments of report histories read from storage: for a page of older reports (purpose page), or all of a commitment's once per activation to check report ids and list values (purpose index).");

    /// <summary>A commitment sealed <paramref name="segments"/> segments of its history.</summary>
    public static void ReportSegmentsWritten(int segments) => ReportSegmentsSealed.Add(segments);

    /// <summary>A commitment read <paramref name="segments"/> sealed segments, for a page or for its index.</summary>
    public static void ReportSegmentsRead(int segments, bool forIndex) =>
        ReportSegmentReads.Add(segments, new KeyValuePair<string, object?>("purpose", forIndex ? "index" : "page"));
}
