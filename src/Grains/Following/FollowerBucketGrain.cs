using CivicContracting.Hosting;
using CivicContracting.Validation;
using Microsoft.Extensions.Logging;

namespace CivicContracting.Following;

/// <summary>
/// One slice of a topic's followers. Splitting followers over <see cref="FollowRules.BucketCount"/> grains keeps each
/// follow a small write and lets a popular topic's fan-out run on many grains (and silos) at once.
/// </summary>
public sealed partial class FollowerBucketGrain(
    [PersistentState("followerBucket", GrainStorage.Name)] IPersistentState<FollowerBucketState> state,
    ILogger<FollowerBucketGrain> logger) : Grain, IFollowerBucketGrain
{
    /// <summary>Feeds called at once: enough to hide latency, few enough not to flood a silo with one event.</summary>
    private const int Parallelism = 64;

    private FollowerBucketState S => state.State;

    public async Task<FollowerBucketCount> Add(string accountId)
    {
        FollowRules.AccountId(accountId).ThrowIfAny();
        RequireValidKey();
        if (S.Followers.Contains(accountId))
            return Count();
        if (S.Followers.Count >= FollowRules.MaxFollowersPerBucket)
            throw new StateConflictException("This topic has reached the largest number of followers the platform supports.");
        S.Followers.Add(accountId);
        S.Version++;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            S.Followers.Remove(accountId);
            S.Version--;
            throw;
        }
        return Count();
    }

    public async Task<FollowerBucketCount> Remove(string accountId)
    {
        FollowRules.AccountId(accountId).ThrowIfAny();
        RequireValidKey();
        if (!S.Followers.Remove(accountId))
            return Count();
        S.Version++;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            S.Followers.Add(accountId);
            S.Version--;
            throw;
        }
        return Count();
    }

    public async Task<int> Deliver(FeedEvent feedEvent)
    {
        ArgumentNullException.ThrowIfNull(feedEvent);
        // A copy: follows and unfollows interleave with this delivery and change the set meanwhile.
        var followers = S.Followers.ToArray();
        var failures = 0;
        foreach (var chunk in followers.Chunk(Parallelism))
        {
            var results = await Task.WhenAll(chunk.Select(async account =>
            {
                try
                {
                    await GrainFactory.GetGrain<IFeedGrain>(account).Receive(feedEvent);
                    return true;
                }
                catch (Exception ex)
                {
                    LogReceiveFailed(logger, ex, feedEvent.EventId);
                    return false;
                }
            }));
            failures += results.Count(ok => !ok);
        }
        return failures;
    }

    private FollowerBucketCount Count() => new(S.Followers.Count, S.Version);

    private void RequireValidKey()
    {
        if (!FollowerBuckets.TryParse(this.GetPrimaryKeyString(), out _, out _))
            throw new InputRejectedException("topic", $"'{this.GetPrimaryKeyString()}' is not a follower bucket key.");
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A feed did not take event {EventId}; the topic retries the bucket")]
    private static partial void LogReceiveFailed(ILogger logger, Exception ex, string eventId);
}
