using CivicContracting.Following;
using CivicContracting.Web.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace CivicContracting.Web.Following;

/// <summary>What the follow button needs: the topic, whether the viewer is signed in and already follows it.</summary>
public sealed record FollowButtonModel(FollowTopic Topic, bool SignedIn, bool Following, string ReturnUrl);

/// <summary>
/// "Volgen" on a goal, commitment, participant or neighbourhood. Anonymous visitors (whose pages are cached and shared)
/// get a sign-in link; a signed-in person's page asks their follow list once.
/// </summary>
public sealed class FollowButtonViewComponent(Access access, IClusterClient orleans) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(FollowTopicKind kind, string id)
    {
        var topic = new FollowTopic(kind, id);
        var returnUrl = HttpContext.Request.Path + HttpContext.Request.QueryString;
        if (User.Identity?.IsAuthenticated != true)
            return View(new FollowButtonModel(topic, false, false, returnUrl));
        var actor = await access.ActorAsync(HttpContext);
        if (actor.Account is null)
            return View(new FollowButtonModel(topic, false, false, returnUrl));
        var following = await orleans.GetGrain<IFollowerGrain>(actor.Account.Id).GetFollowing();
        return View(new FollowButtonModel(topic, true, following.Topics.Any(t => t.Topic == topic), returnUrl));
    }
}
