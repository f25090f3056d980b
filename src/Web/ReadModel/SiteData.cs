using System.Collections.Immutable;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Web.Live;

namespace CivicContracting.Web.ReadModel;

/// <summary>
/// This web host's memory of what the public pages show: the newest aggregate of every goal and place (held by the
/// <see cref="LiveFeed"/>, which the pushes keep current), the goals, and every commitment's contribution.
/// <see cref="SiteDataSync"/> fills it at start and keeps it current, so a page view or a map request reads memory
/// and causes no grain work.
/// </summary>
public sealed class SiteData(LiveFeed feed)
{
    private long _changes;

    /// <summary>All goals, oldest first, with their definitions.</summary>
    public ImmutableArray<GoalInfo> Goals { get; private set; } = [];

    /// <summary>The contributions of every commitment in the city, newest change first.</summary>
    public ContributionIndex Contributions { get; private set; } = ContributionIndex.Empty;

    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once the first full load has finished.</summary>
    public bool IsLoaded => _loaded.Task.IsCompleted;

    /// <summary>Completes when the first full load has finished; readers wait for it rather than show empty figures.</summary>
    public Task WhenLoaded(CancellationToken cancellationToken) => _loaded.Task.WaitAsync(cancellationToken);

    /// <summary>Counts changes of anything held here; caches key on it.</summary>
    public long ChangeCount => feed.AcceptedChanges + Interlocked.Read(ref _changes);

    public EngagementSnapshot Aggregate(string scope) => feed.Latest(scope)?.Snapshot ?? EmptySnapshot(scope);

    public GoalInfo? Goal(string id) => Goals.FirstOrDefault(g => string.Equals(g.Id, id, StringComparison.Ordinal));

    public IEnumerable<GoalInfo> Children(string goalId) => Goals.Where(g => g.Definition.ParentGoalId == goalId);

    internal void ReplaceGoals(IEnumerable<GoalInfo> goals)
    {
        Goals = [.. goals.OrderBy(g => g.CreatedAt).ThenBy(g => g.Id, StringComparer.Ordinal)];
        Interlocked.Increment(ref _changes);
    }

    /// <summary>Adds a goal defined since the last load (its aggregate has not changed yet, so no push told this host).</summary>
    internal void AddGoal(GoalInfo goal)
    {
        if (Goal(goal.Id) is not null)
            return;
        ReplaceGoals(Goals.Append(goal));
    }

    /// <summary>
    /// Keeps a goal a write just returned (a new one, or a revision), so the writer's next page shows it before the next
    /// reload; an older version than the one held changes nothing.
    /// </summary>
    internal void PutGoal(GoalInfo goal)
    {
        if (Goal(goal.Id) is { } held && held.Version >= goal.Version)
            return;
        ReplaceGoals(Goals.Where(g => !string.Equals(g.Id, goal.Id, StringComparison.Ordinal)).Append(goal));
    }

    internal void ReplaceContributions(ContributionIndex index)
    {
        Contributions = index;
        Interlocked.Increment(ref _changes);
    }

    internal void MarkLoaded() => _loaded.TrySetResult();

    private static EngagementSnapshot EmptySnapshot(string scope) =>
        new(scope, EngagementTotals.Empty, null, null, null, 0, 0, null, null, 0, DateTimeOffset.MinValue, new Dictionary<string, double?>());
}

/// <summary>Every commitment's contribution at one moment, with the lookups the pages need.</summary>
public sealed class ContributionIndex
{
    public static ContributionIndex Empty { get; } = new([], DateTimeOffset.MinValue);

    private readonly Dictionary<string, Contribution> _byId;

    public ContributionIndex(IEnumerable<Contribution> contributions, DateTimeOffset takenAt)
    {
        All = [.. contributions
            .OrderByDescending(c => c.UpdatedAt)
            .ThenBy(c => c.CommitmentId, StringComparer.Ordinal)];
        _byId = All.ToDictionary(c => c.CommitmentId, StringComparer.Ordinal);
        TakenAt = takenAt;
    }

    /// <summary>Newest change first.</summary>
    public ImmutableArray<Contribution> All { get; }

    public DateTimeOffset TakenAt { get; }

    public Contribution? Get(string commitmentId) => _byId.GetValueOrDefault(commitmentId);

    /// <summary>The contributions that count in <paramref name="scope"/> (a goal with its objectives, or a place).</summary>
    public IEnumerable<Contribution> InScope(string scope) =>
        All.Where(c => c.Scopes.Any(s => string.Equals(s.Scope, scope, StringComparison.Ordinal)));

    /// <summary>The neighbourhood a contribution counts in (its one neighbourhood-level place scope).</summary>
    public static string? NeighbourhoodOf(Contribution contribution)
    {
        foreach (var s in contribution.Scopes)
        {
            if (AggregateScope.IsPlace(s.Scope) && CivicContracting.Places.PlaceCatalog.Leuven.IsNeighbourhood(s.Scope[AggregateScope.PlacePrefix.Length..]))
                return s.Scope[AggregateScope.PlacePrefix.Length..];
        }
        return null;
    }
}
