using CivicContracting.Aggregation;
using CivicContracting.Goals;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Goals;

/// <summary>The goals: each ambition with its objectives, and their live figures.</summary>
public sealed class IndexModel(SiteData data, Access access) : PageModel
{
    /// <summary>Whether the visitor is an administrator (in a session), who may create goals.</summary>
    public bool MayCreate { get; private set; }

    public IReadOnlyList<(GoalInfo Goal, int Depth)> Goals { get; private set; } = [];

    public EngagementSnapshot Aggregate(GoalInfo goal) => data.Aggregate(AggregateScope.Goal(goal.Id));

    public async Task OnGetAsync()
    {
        await data.WhenLoaded(HttpContext.RequestAborted);
        Goals = GoalTree.Flatten(data);
        MayCreate = User.Identity?.IsAuthenticated == true && GoalForm.MayManageGoals(await access.ActorAsync(HttpContext));
    }
}
