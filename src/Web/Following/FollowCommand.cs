using CivicContracting.Commitments;
using CivicContracting.Following;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;

namespace CivicContracting.Web.Following;

/// <summary>
/// Following or unfollowing a goal, a commitment, a participant or a neighbourhood: the one way in for
/// POST /api/me/follows, DELETE /api/me/follows/{kind}/{id} and the site's follow buttons. Only a person's own account
/// follows (401 if not signed in, 403 for the operator token); the topic's fields are checked as the request names them
/// (<c>kind</c>, <c>id</c>: 400), following what does not exist is 404, and the grain checks the per-account limit.
/// Unfollowing needs no such check: unfollowing what is not followed is a no-op.
/// </summary>
public sealed class FollowCommand(IClusterClient orleans)
{
    public async Task<FollowingView> RunAsync(Actor actor, FollowTopic topic, bool follow)
    {
        var account = Access.RequireAccount(actor).Account!;
        var follower = orleans.GetGrain<IFollowerGrain>(account.Id);
        var trimmed = topic with { Id = topic.Id?.Trim() ?? "" };
        FollowRules.Topic(trimmed, field: "").ThrowIfAny();
        if (!follow)
            return await follower.Unfollow(trimmed);
        if (!await ExistsAsync(trimmed))
            throw ApiProblems.NotFound(trimmed.Kind.ToString().ToLowerInvariant(), trimmed.Id);
        return await follower.Follow(trimmed);
    }

    /// <summary>One grain read of the topic itself; a neighbourhood is known when its code passed the rules.</summary>
    private async Task<bool> ExistsAsync(FollowTopic topic) => topic.Kind switch
    {
        FollowTopicKind.Goal => ApiIds.IsWellFormed(topic.Id) && await orleans.GetGrain<IGoalGrain>(topic.Id).GetInfo() is not null,
        FollowTopicKind.Commitment => ApiIds.IsWellFormed(topic.Id) && await orleans.GetGrain<ICommitmentGrain>(topic.Id).Get() is not null,
        FollowTopicKind.Participant => ApiIds.IsWellFormed(topic.Id) && await orleans.GetGrain<IParticipantGrain>(topic.Id).GetProfile() is not null,
        _ => true,
    };
}
