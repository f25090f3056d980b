using CivicContracting.Hosting;
using CivicContracting.Validation;

namespace CivicContracting.Following;

/// <summary>
/// What one account follows. A follow is wired up in a fixed order — the topic's bucket, the topic's count, the feed's
/// filter — and recorded here last, so the list here only shows follows that work; each step is idempotent, so a
/// retry after a failure finishes the job. An unfollow closes the feed first, so nothing arrives once it has begun.
/// Calls go one way (follower → bucket, topic, feed; topic → bucket → feed): no cycles.
/// </summary>
public sealed class FollowerGrain(
    [PersistentState("follower", GrainStorage.Name)] IPersistentState<FollowerState> state,
    TimeProvider clock) : Grain, IFollowerGrain
{
    private FollowerState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    private IFeedGrain Feed => GrainFactory.GetGrain<IFeedGrain>(Id);

    public async Task<FollowingView> Follow(FollowTopic topic)
    {
        RequireAccount();
        FollowRules.Topic(topic).ThrowIfAny();
        var known = S.Topics.Exists(t => t.Topic == topic);
        if (!known && S.Topics.Count >= FollowRules.MaxFollowsPerAccount)
            throw new StateConflictException($"An account follows at most {FollowRules.MaxFollowsPerAccount} goals, commitments, participants and neighbourhoods; unfollow one first.");

        var bucket = FollowerBuckets.Of(Id);
        var count = await GrainFactory.GetGrain<IFollowerBucketGrain>(FollowerBuckets.Key(topic, bucket)).Add(Id);
        await GrainFactory.GetFollowTopic(topic).ReportFollowers(bucket, count);
        await Feed.SetTopicFollowed(topic, true);
        if (!known)
        {
            S.Topics.Add(new FollowedTopic(topic, clock.GetUtcNow()));
            await Write();
        }
        return View();
    }

    public async Task<FollowingView> Unfollow(FollowTopic topic)
    {
        RequireAccount();
        FollowRules.Topic(topic).ThrowIfAny();
        await Unwire(topic);
        if (S.Topics.RemoveAll(t => t.Topic == topic) > 0)
            await Write();
        return View();
    }

    public Task<FollowingView> GetFollowing()
    {
        RequireAccount();
        return Task.FromResult(View());
    }

    public async Task Erase()
    {
        RequireAccount();
        foreach (var followed in S.Topics.ToList())
            await Unwire(followed.Topic);
        await Feed.Erase();
        await state.ClearStateAsync();
        state.State = new FollowerState();
    }

    /// <summary>The reverse of a follow's wiring; also done for a topic not listed, to clean up a follow that failed half-way.</summary>
    private async Task Unwire(FollowTopic topic)
    {
        await Feed.SetTopicFollowed(topic, false);
        var bucket = FollowerBuckets.Of(Id);
        var count = await GrainFactory.GetGrain<IFollowerBucketGrain>(FollowerBuckets.Key(topic, bucket)).Remove(Id);
        await GrainFactory.GetFollowTopic(topic).ReportFollowers(bucket, count);
    }

    private FollowingView View() => new(Id, [.. S.Topics], FollowRules.MaxFollowsPerAccount);

    private async Task Write()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle(); // reload what is stored rather than keep a change that was not
            throw;
        }
    }

    private void RequireAccount() => FollowRules.AccountId(Id).ThrowIfAny();
}
