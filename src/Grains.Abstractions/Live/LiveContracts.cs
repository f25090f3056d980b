using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using Orleans.Concurrency;

namespace CivicContracting.Live;

/// <summary>
/// A goal's or place's aggregate after a change, pushed to the web hosts. It carries the whole snapshot (absolute,
/// versioned), so a host that missed or re-ordered pushes keeps the newest version per scope and is right again.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.AggregateChange.v1")]
public sealed record AggregateChange(
    [property: Id(0)] string Scope,
    [property: Id(1)] long Version,
    [property: Id(2)] EngagementSnapshot Snapshot);

/// <summary>
/// One per web host (an object reference, not a grain). Calls are one-way: a slow or vanished host must never hold
/// up the batcher that pushes to all of them; a host that is gone simply stops renewing and its entry expires.
/// </summary>
public interface ILiveObserver : IGrainObserver
{
    [OneWay]
    Task OnChanges(IReadOnlyList<AggregateChange> changes);

    /// <summary>
    /// The contributions that shards made durable, as deltas numbered per shard: the web host keeps its read model of
    /// commitments current from them (O(what changed)), and re-reads one shard when its numbers show a gap.
    /// </summary>
    [OneWay]
    Task OnContributions(IReadOnlyList<ContributionDelta> deltas);
}

/// <summary>
/// The registry's answer to a subscription. <see cref="Renewed"/> is false when the registry did not hold a current
/// lease of the host: its first subscription, or the registry lost it (its silo left and it was re-activated empty
/// elsewhere, or the host did not renew in time). A host that had been subscribed before then knows that it may have
/// missed changes and re-reads what it shows once every batcher knows it again, after <see cref="PushDelay"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.LiveLease.v1")]
public sealed record LiveLease(
    [property: Id(0)] DateTimeOffset Expires,
    [property: Id(1)] bool Renewed,
    [property: Id(2)] string Silo,
    [property: Id(3)] TimeSpan PushDelay);

/// <summary>
/// Key 0: the web hosts that want live changes, each under a lease it renews. Held in memory only — an observer
/// reference is only valid while its host is connected, so persisting one would be wrong; when the registry's silo
/// dies, the registry comes back empty on another silo, answers the hosts' next renewal with
/// <see cref="LiveLease.Renewed"/> false, and the hosts know they were lost.
/// </summary>
public interface ILiveRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Adds or renews <paramref name="hostId"/>'s entry for <paramref name="lease"/> (capped); says until when, whether
    /// it was a renewal of a current lease, on which silo the registry runs and how soon every batcher pushes to the host.
    /// </summary>
    Task<LiveLease> Subscribe(string hostId, ILiveObserver observer, TimeSpan lease);

    Task Unsubscribe(string hostId);

    /// <summary>The observers whose lease has not expired.</summary>
    Task<IReadOnlyList<ILiveObserver>> GetObservers();
}

/// <summary>
/// A per-silo batcher (stateless worker, key 0): aggregates hand it their changes one-way; it coalesces them per
/// scope and sends one batch per web host on a short timer, so pushes cost one message per host, not per change.
/// </summary>
public interface ILiveBatcherGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task Publish(AggregateChange change);

    /// <summary>A shard's durable contributions, sent on to every web host with the next batch (contiguous deltas of a shard are merged).</summary>
    [OneWay]
    Task PublishContributions(ContributionDelta delta);
}
