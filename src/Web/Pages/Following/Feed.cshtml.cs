using CivicContracting.Accounts;
using CivicContracting.Following;
using CivicContracting.Places;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Following;

/// <summary>The person's feed: what changed in what they follow, newest first, unread first marked; e-mail on or off.</summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class FeedModel(Access access, IClusterClient orleans, SiteData data, CommitmentViews views) : PageModel
{
    /// <summary>Readable names of the followed topics: a goal's title, a place's name, a commitment's title, a participant's public name.</summary>
    public IReadOnlyDictionary<FollowTopic, string> Names { get; private set; } = new Dictionary<FollowTopic, string>();

    public const int PageSize = 30;

    public FeedPage Feed { get; private set; } = null!;

    public FollowingView Following { get; private set; } = null!;

    public EmailNotifications Email { get; private set; } = null!;

    public AccountView Account { get; private set; } = null!;

    [BindProperty(SupportsGet = true)] public long? Before { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Challenge();

    public async Task<IActionResult> OnPostReadAsync(long upTo)
    {
        if (!await LoadAsync())
            return Challenge();
        await orleans.GetGrain<IFeedGrain>(Account.Id).MarkRead(Math.Min(upTo, Feed.LatestSequence));
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostEmailAsync(bool enabled)
    {
        if (!await LoadAsync())
            return Challenge();
        if (!enabled || Account.Email is not null)
            await orleans.GetGrain<IFeedGrain>(Account.Id).SetEmailNotifications(enabled, Account.Email);
        return RedirectToPage();
    }

    private async Task<bool> LoadAsync()
    {
        var actor = await access.ActorAsync(HttpContext);
        if (actor.Account is null)
            return false;
        Account = actor.Account;
        var feed = orleans.GetGrain<IFeedGrain>(Account.Id);
        Feed = await feed.GetPage(Before, PageSize);
        Email = await feed.GetEmailNotifications();
        Following = await orleans.GetGrain<IFollowerGrain>(Account.Id).GetFollowing();
        var names = new Dictionary<FollowTopic, string>();
        foreach (var followed in Following.Topics)
        {
            var topic = followed.Topic;
            names[topic] = topic.Kind switch
            {
                FollowTopicKind.Goal => data.Goal(topic.Id) is { } goal ? CivicContracting.Web.Content.ContentText.Title(goal).Text : null,
                FollowTopicKind.Neighbourhood => PlaceCatalog.Leuven.TryGet(topic.Id, out var place) ? place.Name : null,
                FollowTopicKind.Commitment => (await views.GetAsync(topic.Id))?.Terms.Title,
                _ => (await views.ProfileAsync(topic.Id))?.DisplayName,
            } ?? topic.Id;
        }
        Names = names;
        return true;
    }
}
