using CivicContracting.Following;
using CivicContracting.Web.Accounts;

namespace CivicContracting.Web.Following;

/// <summary>
/// Following or unfollowing a goal, a commitment, a participant or a neighbourhood: the one way in for
/// POST /api/me/follows, DELETE /api/me/follows/{kind}/{id} and the site's follow buttons. Only a person's own account
/// follows (401 if not signed in, 403 for the operator token); the grain checks the topic and the per-account limit.
/// </summary>
public sealed class FollowCommand(IClusterClient orleans)
{
    public Task<FollowingView> RunAsync(Actor actor, FollowTopic topic, bool follow)
    {
        var account = Access.RequireAccount(actor).Account!;
        var follower = orleans.GetGrain<IFollowerGrain>(account.Id);
        var trimmed = topic with { Id = topic.Id?.Trim() ?? "" };
        return follow ? follower.Follow(trimmed) : follower.Unfollow(trimmed);
    }
}
