using CivicContracting.Hosting;
using CivicContracting.Observability;
using CivicContracting.Validation;
using Microsoft.Extensions.Logging;

namespace CivicContracting.Following;

/// <summary>
/// A followable thing. <see cref="Publish"/> stores the event in a small outbox and returns; a background pass (an
/// interleaving grain timer, so publishers never queue behind it) hands each event to the topic's non-empty follower
/// buckets in parallel, and they to their followers' feeds. A bucket that fails is retried with exponential backoff;
/// feeds drop events they hold, so retries cannot duplicate an item. The topic holds no follower ids, only how many
/// each bucket has, so its state stays small however popular it is.
/// <para>
/// In-memory fields are the truth while active; <see cref="Persist"/> writes a fresh copy of them (one write at a time),
/// so the interleaving fan-out never changes an object that is being written.
/// </para>
/// <para>
/// Every change of a commitment is announced to its topics, most of which nobody follows (a commitment's own topic, its
/// participant's): such an activation holds nothing, so it is collected after two minutes idle, like the commitment,
/// instead of Orleans' default fifteen.
/// </para>
/// </summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed partial class FollowTopicGrain(
    [PersistentState("followTopic", GrainStorage.Name)] IPersistentState<FollowTopicState> state,
    TimeProvider clock,
    ILogger<FollowTopicGrain> logger) : Grain, IFollowTopicGrain
{
    /// <summary>Events waiting for delivery; beyond this the oldest is given up (its followers' buckets kept failing).</summary>
    private const int MaxPending = 1_000;

    /// <summary>Event ids remembered to answer a repeated publish with <see cref="PublishOutcome.Duplicate"/>.</summary>
    private const int RememberedEventIds = 256;

    /// <summary>Delivery attempts per bucket before an event is given up for it (about 25 minutes with the backoff below).</summary>
    private const int MaxAttempts = 30;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(1);

    private readonly Dictionary<int, FollowerBucketCount> _buckets = [];
    private readonly List<PendingFanOut> _outbox = [];
    private readonly List<string> _recentIds = [];
    private readonly HashSet<string> _recent = new(StringComparer.Ordinal);
    private Task _lastWrite = Task.CompletedTask;
    private FollowTopic _topic = null!;
    private IGrainTimer? _timer;
    private bool _draining;
    private bool _drainAgain;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A key that is no topic still activates, so that every call can answer with a rejection naming the field.
        _topic = FollowTopic.TryParseKey(this.GetPrimaryKeyString(), out var topic) ? topic : null!;
        foreach (var (bucket, count) in state.State.Buckets)
            _buckets[bucket] = count;
        _outbox.AddRange(state.State.Outbox);
        foreach (var id in state.State.RecentEventIds)
            Remember(id);
        _timer = this.RegisterGrainTimer(Drain, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan)
        {
            // The fan-out awaits buckets; interleaving keeps Publish and follows answering meanwhile. KeepAlive holds the
            // activation (and its in-memory retry schedule) while deliveries are pending.
            Interleave = true,
            KeepAlive = true,
        });
        if (_outbox.Count > 0)
            Schedule(TimeSpan.Zero); // deliveries a previous activation accepted and had not finished
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public async Task Announce(FeedEvent feedEvent)
    {
        try
        {
            await Publish(feedEvent);
        }
        catch (Exception ex) when (ex is InputRejectedException or StateConflictException)
        {
            LogAnnounceRefused(logger, ex, _topic.Key, feedEvent.EventId);
        }
    }

    public async Task<PublishOutcome> Publish(FeedEvent feedEvent)
    {
        RequireTopic();
        FollowRules.Event(feedEvent).ThrowIfAny();
        if (feedEvent.Topic != _topic)
            throw new InputRejectedException("topic", $"This is topic '{_topic.Key}'; the event names '{feedEvent.Topic.Key}'.");
        if (_recent.Contains(feedEvent.EventId))
            return PublishOutcome.Duplicate;
        var buckets = _buckets.Where(b => b.Value.Count > 0).Select(b => b.Key).Order().ToArray();
        if (buckets.Length == 0)
            return PublishOutcome.NoFollowers;

        var pending = new PendingFanOut(feedEvent, buckets, 0, DateTimeOffset.MinValue);
        _outbox.Add(pending);
        Remember(feedEvent.EventId);
        PendingFanOut? overflow = null;
        if (_outbox.Count > MaxPending)
        {
            overflow = _outbox[0];
            _outbox.RemoveAt(0);
        }
        try
        {
            await Persist();
        }
        catch
        {
            // Not stored: forget it, so the publisher's retry is taken as new.
            _outbox.RemoveAll(p => ReferenceEquals(p, pending));
            Forget(feedEvent.EventId);
            if (overflow is not null)
                _outbox.Insert(0, overflow);
            throw;
        }
        if (overflow is not null)
        {
            CivicMetrics.FeedFanOutGaveUp();
            LogOverflow(logger, _topic.Key, overflow.Event.EventId, overflow.Buckets.Count);
        }
        CivicMetrics.FeedEventPublished();
        Schedule(TimeSpan.Zero);
        return PublishOutcome.Accepted;
    }

    public Task<FollowTopicInfo> GetInfo()
    {
        RequireTopic();
        return Task.FromResult(new FollowTopicInfo(_topic, _buckets.Values.Sum(b => b.Count), _outbox.Count));
    }

    public async Task ReportFollowers(int bucket, FollowerBucketCount count)
    {
        RequireTopic();
        if (bucket is < 0 or >= FollowRules.BucketCount)
            throw new InputRejectedException("bucket", $"0 to {FollowRules.BucketCount - 1}.");
        ArgumentNullException.ThrowIfNull(count);
        if (count.Count < 0)
            throw new InputRejectedException("count", "A follower count is 0 or more.");
        if (_buckets.TryGetValue(bucket, out var known) && known.Version >= count.Version)
            return; // an older or repeated report
        _buckets[bucket] = count;
        await Persist();
    }

    /// <summary>One pass over the due deliveries; a publish during the pass makes it go round again.</summary>
    private async Task Drain(CancellationToken cancellationToken)
    {
        if (_draining)
        {
            _drainAgain = true;
            return;
        }
        _draining = true;
        try
        {
            do
            {
                _drainAgain = false;
                var now = clock.GetUtcNow();
                var changed = false;
                foreach (var pending in _outbox.Where(p => p.NextAttemptAt <= now).ToList())
                {
                    // One event at a time keeps a topic's events in order in the feeds; its buckets run in parallel.
                    var failed = await DeliverToBuckets(pending);
                    var index = _outbox.FindIndex(p => ReferenceEquals(p, pending));
                    if (index < 0)
                        continue; // given up meanwhile (overflow)
                    changed = true;
                    if (failed.Count == 0)
                    {
                        _outbox.RemoveAt(index);
                        continue;
                    }
                    var attempts = pending.Attempts + 1;
                    CivicMetrics.FeedFanOutRetried(failed.Count);
                    if (attempts >= MaxAttempts)
                    {
                        _outbox.RemoveAt(index);
                        CivicMetrics.FeedFanOutGaveUp();
                        LogGaveUp(logger, _topic.Key, pending.Event.EventId, failed.Count, attempts);
                        continue;
                    }
                    var delay = TimeSpan.FromTicks(Math.Min(MaxRetry.Ticks, FirstRetry.Ticks << Math.Min(attempts - 1, 16)));
                    _outbox[index] = pending with { Buckets = failed, Attempts = attempts, NextAttemptAt = clock.GetUtcNow() + delay };
                    LogRetrying(logger, _topic.Key, pending.Event.EventId, failed.Count, attempts, delay);
                }
                if (changed)
                    await PersistQuietly();
            }
            while (_drainAgain);
        }
        finally
        {
            _draining = false;
        }
        if (_outbox.Count > 0)
            Schedule(_outbox.Min(p => p.NextAttemptAt) - clock.GetUtcNow());
    }

    private async Task<IReadOnlyList<int>> DeliverToBuckets(PendingFanOut pending)
    {
        var results = await Task.WhenAll(pending.Buckets.Select(async bucket =>
        {
            try
            {
                var failures = await GrainFactory.GetGrain<IFollowerBucketGrain>(FollowerBuckets.Key(_topic, bucket)).Deliver(pending.Event);
                return (bucket, ok: failures == 0);
            }
            catch (Exception ex)
            {
                LogBucketFailed(logger, ex, _topic.Key, bucket);
                return (bucket, ok: false);
            }
        }));
        return [.. results.Where(r => !r.ok).Select(r => r.bucket)];
    }

    private void Schedule(TimeSpan due)
    {
        if (_draining)
        {
            _drainAgain = true;
            return;
        }
        _timer?.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Writes a copy of the in-memory state. Writes are chained one after the other, because the fan-out interleaves
    /// with calls and storage takes one write of a grain at a time.
    /// </summary>
    private Task Persist()
    {
        var write = WriteAfter(_lastWrite);
        _lastWrite = write;
        return write;
    }

    private async Task WriteAfter(Task previous)
    {
        try
        {
            await previous;
        }
        catch
        {
            // Its caller handles that failure; this write stores everything anyway.
        }
        state.State = new FollowTopicState
        {
            Buckets = new Dictionary<int, FollowerBucketCount>(_buckets),
            Outbox = [.. _outbox],
            RecentEventIds = [.. _recentIds],
        };
        await state.WriteStateAsync();
    }

    /// <summary>After a delivery: a failed write only means delivered events may be delivered again, which feeds ignore.</summary>
    private async Task PersistQuietly()
    {
        try
        {
            await Persist();
        }
        catch (Exception ex)
        {
            LogPersistFailed(logger, ex, _topic.Key);
        }
    }

    private void Remember(string eventId)
    {
        if (!_recent.Add(eventId))
            return;
        _recentIds.Add(eventId);
        if (_recentIds.Count > RememberedEventIds)
        {
            _recent.Remove(_recentIds[0]);
            _recentIds.RemoveAt(0);
        }
    }

    private void Forget(string eventId)
    {
        if (_recent.Remove(eventId))
            _recentIds.Remove(eventId);
    }

    private void RequireTopic()
    {
        if (_topic is null)
            throw new InputRejectedException("topic", $"'{this.GetPrimaryKeyString()}' is not a topic key such as 'goal:g-1'.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic} refused announced event {EventId}")]
    private static partial void LogAnnounceRefused(ILogger logger, Exception ex, string topic, string eventId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivering to bucket {Bucket} of topic {Topic} failed")]
    private static partial void LogBucketFailed(ILogger logger, Exception ex, string topic, int bucket);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: event {EventId} did not reach {Buckets} follower bucket(s) (attempt {Attempt}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string topic, string eventId, int buckets, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Topic {Topic}: gave up delivering event {EventId} to {Buckets} follower bucket(s) after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, string topic, string eventId, int buckets, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Topic {Topic}: too many undelivered events; gave up the oldest, {EventId}, for {Buckets} follower bucket(s)")]
    private static partial void LogOverflow(ILogger logger, string topic, string eventId, int buckets);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: could not store the delivery progress; delivered events may be delivered again")]
    private static partial void LogPersistFailed(ILogger logger, Exception ex, string topic);
}

/// <summary>An accepted event and the buckets it has still to reach.</summary>
[GenerateSerializer, Immutable, Alias("cc.PendingFanOut.v1")]
public sealed record PendingFanOut(
    [property: Id(0)] FeedEvent Event,
    [property: Id(1)] IReadOnlyList<int> Buckets,
    [property: Id(2)] int Attempts,
    [property: Id(3)] DateTimeOffset NextAttemptAt);
