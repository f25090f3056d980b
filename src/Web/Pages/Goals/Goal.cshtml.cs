using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Goals;
using CivicContracting.Web.Json;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Goals;

/// <summary>A goal: its aggregate, its progress and engagement over time, its objectives and its commitments (filtered).</summary>
public sealed class GoalModel(SiteData data, CommitmentViews views, ReplayCache replays, FilteredLists filtered, GoalGapReader gaps, Access access) : PageModel
{
    /// <summary>What is committed against what the goal's quantitative target requires; null without a target.</summary>
    public UncommittedGap? Gap { get; private set; }

    /// <summary>Whether the visitor is an administrator (in a session), who may edit the goal and add objectives.</summary>
    public bool MayEdit { get; private set; }

    /// <summary>Set after the edit or new page saved the goal.</summary>
    [BindProperty(SupportsGet = true, Name = "saved")]
    public string? Saved { get; set; }

    public GoalInfo Goal { get; private set; } = null!;

    public IReadOnlyList<GoalInfo> Lineage { get; private set; } = [];

    public IReadOnlyList<GoalInfo> Objectives { get; private set; } = [];

    public EngagementSnapshot Snapshot { get; private set; } = null!;

    public IReadOnlyList<EngagementBucket> History { get; private set; } = [];

    /// <summary>Engaged commitments over time, from when each was signed (the aggregate's own history starts when it was first computed).</summary>
    public IReadOnlyList<(DateTimeOffset At, int Commitments)> Engagement { get; private set; } = [];

    public CommitmentList Commitments { get; private set; } = null!;

    [BindProperty(SupportsGet = true)]
    public string? Level { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Neighbourhood { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int? PageNumber { get; set; }

    public EngagementSnapshot ObjectiveSnapshot(GoalInfo objective) => data.Aggregate(AggregateScope.Goal(objective.Id));

    public async Task<IActionResult> OnGetAsync(string id)
    {
        await data.WhenLoaded(HttpContext.RequestAborted);
        if (await views.GoalAsync(id) is not { } goal)
            return NotFound();
        Goal = goal;
        Lineage = [.. goal.Lineage.Skip(1).Reverse().Select(data.Goal).OfType<GoalInfo>()];
        Objectives = [.. data.Children(goal.Id)];
        var scope = AggregateScope.Goal(goal.Id);
        Snapshot = data.Aggregate(scope);
        History = await views.HistoryAsync(scope);
        // The figures above are in once the aggregates are; what follows lists commitments (a few seconds after a start).
        await data.WhenListsLoaded(HttpContext.RequestAborted);
        Engagement = replays.EngagementOverTime(goal.Id);
        Gap = await gaps.GetAsync(goal, HttpContext.RequestAborted);
        MayEdit = User.Identity?.IsAuthenticated == true && GoalForm.MayManageGoals(await access.ActorAsync(HttpContext));

        var level = Parse<CommitmentLevel>(Level);
        var kind = Parse<ParticipantKind>(Kind);
        var status = Parse<CommitmentStatus>(Status);
        var neighbourhood = PlaceCatalog.Leuven.IsNeighbourhood(Neighbourhood) ? PlaceCatalog.Leuven.Get(Neighbourhood!).Code : null;
        var filter = new CommitmentFilter(level, kind, status, neighbourhood);
        var index = data.Contributions;
        IReadOnlyList<Contribution> items;
        int page, totalPages, total;
        if (filter.IsEmpty)
        {
            // A page of the goal's public list, O(page).
            (items, page, totalPages, total) = CommitmentRows.Page((skip, take) => index.Page(scope, publicOnly: true, skip, take), PageNumber);
        }
        else
        {
            // A scan of the goal's commitments, O(goal), shared by the next pages and visitors while it is fresh.
            var matching = filtered.Get(scope, filter.Key, filter.Admits);
            (items, page, totalPages) = CommitmentRows.Page(matching, PageNumber);
            total = matching.Count;
        }
        Commitments = new CommitmentList("goal-commitments", "", await CommitmentRows.BuildAsync(views, items), page, totalPages, total, PageUrl);
        return Page();
    }

    private string PageUrl(int page) => QueryHelpers(page);

    private string QueryHelpers(int page)
    {
        var query = new Dictionary<string, string?>
        {
            ["level"] = Level, ["kind"] = Kind, ["neighbourhood"] = Neighbourhood, ["status"] = Status, ["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString($"/goals/{Uri.EscapeDataString(Goal.Id)}",
            query.Where(q => !string.IsNullOrEmpty(q.Value))) + "#goal-commitments-section";
    }

    private static T? Parse<T>(string? value)
        where T : struct, Enum => string.IsNullOrWhiteSpace(value) ? null : EnumNames.Parse<T>(value.Trim());
}
