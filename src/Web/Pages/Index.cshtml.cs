using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Json;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Site;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Pages;

/// <summary>One neighbourhood's line in the table beside the map (the map's content without script).</summary>
public sealed record NeighbourhoodLine(Place Place, Place? District, int Commitments, int Participants, IReadOnlyDictionary<ParticipantKind, int> ParticipantsByKind);

/// <summary>Home: the city's live totals, the oil-stain map with its filters, and the newest commitments and reports.</summary>
public sealed class IndexModel(SiteData data, CommitmentViews views, ReplayCache replays, IOptions<SiteOptions> site) : PageModel
{
    public EngagementSnapshot City { get; private set; } = null!;

    public int EngagedNeighbourhoods { get; private set; }

    public IReadOnlyList<NeighbourhoodLine> Neighbourhoods { get; private set; } = [];

    public IReadOnlyList<CommitmentRow> Newest { get; private set; } = [];

    public IReadOnlyList<CommitmentRow> LatestReports { get; private set; } = [];

    /// <summary>Goals in tree order with their depth, for the filter.</summary>
    public IReadOnlyList<(GoalInfo Goal, int Depth)> GoalOptions { get; private set; } = [];

    public string? Goal { get; private set; }

    public ParticipantKind? Kind { get; private set; }

    public bool FilterRejected { get; private set; }

    /// <summary>
    /// The first seconds after a start: the figures and the map are in, the commitments not yet, so the lists of the newest
    /// commitments and reports are left empty (with a note) rather than shown from part of the city.
    /// </summary>
    public bool ListsLoading { get; private set; }

    public SiteOptions Site => site.Value;

    public async Task OnGetAsync(string? goal, string? kind)
    {
        await data.WhenLoaded(HttpContext.RequestAborted);
        Goal = string.IsNullOrWhiteSpace(goal) ? null : goal.Trim();
        if (Goal is not null && await views.GoalAsync(Goal) is null)
        {
            Goal = null;
            FilterRejected = true;
        }
        if (!string.IsNullOrWhiteSpace(kind))
        {
            Kind = EnumNames.Parse<ParticipantKind>(kind.Trim());
            FilterRejected |= Kind is null;
        }

        City = data.Aggregate(AggregateScope.Place(PlaceCatalog.CityCode));
        var catalog = PlaceCatalog.Leuven;
        // A filtered table comes from the replay, which needs the commitments.
        if (Goal is not null || Kind is not null)
            await data.WhenListsLoaded(HttpContext.RequestAborted);
        var replay = Goal is null && Kind is null ? null : replays.Get(Goal, Kind);
        Neighbourhoods = [.. catalog.Neighbourhoods.Select(p =>
        {
            var district = p.ParentCode is { } parent ? catalog.Get(parent) : null;
            if (replay is not null)
            {
                var series = replay.Places[p.Code];
                return new NeighbourhoodLine(p, district, series.Commitments[^1], series.Participants[^1],
                    series.ParticipantsByKind.ToDictionary(k => k.Key, k => k.Value[^1]));
            }
            var s = data.Aggregate(AggregateScope.Place(p.Code));
            return new NeighbourhoodLine(p, district, s.Totals.EngagedCommitments, s.Totals.Participants, s.Totals.ParticipantsByKind);
        })];
        EngagedNeighbourhoods = catalog.Neighbourhoods.Count(p => data.Aggregate(AggregateScope.Place(p.Code)).Totals.EngagedCommitments > 0);
        GoalOptions = GoalTree.Flatten(data);

        ListsLoading = !data.AreListsLoaded;
        if (ListsLoading)
            return;
        // Confirmed public commitments, the most recently confirmed and the most recently changed: O(6) and O(12).
        Newest = await CommitmentRows.BuildAsync(views, data.Contributions.NewestConfirmed(6));
        var reported = await CommitmentRows.BuildAsync(views, data.Contributions.RecentlyChangedConfirmed(12));
        LatestReports = [.. reported.Where(r => r.LatestReport is not null).OrderByDescending(r => r.LatestReport!.ReportedAt).Take(6)];
    }
}

/// <summary>Goals as a tree: ambitions, each followed by its objectives.</summary>
public static class GoalTree
{
    public static IReadOnlyList<(GoalInfo Goal, int Depth)> Flatten(SiteData data)
    {
        var result = new List<(GoalInfo, int)>();
        void Add(GoalInfo goal, int depth)
        {
            result.Add((goal, depth));
            foreach (var child in data.Children(goal.Id))
                Add(child, depth + 1);
        }
        foreach (var root in data.Goals.Where(g => g.Definition.ParentGoalId is null || data.Goal(g.Definition.ParentGoalId) is null))
            Add(root, 0);
        return result;
    }
}
