using System.Collections.Frozen;
using System.Collections.Immutable;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Web.Live;

namespace CivicContracting.Web.ReadModel;

/// <summary>
/// This web host's memory of what the public pages show: the newest aggregate of every goal and place (held by the
/// <see cref="LiveFeed"/>, which the pushes keep current), the goals, and every commitment's contribution
/// (<see cref="ContributionIndex"/>, kept current by the shards' deltas through <see cref="ContributionSync"/>).
/// <see cref="SiteDataSync"/> fills it at start and keeps it current, so a page view or a map request reads memory
/// and causes no grain work.
/// <para>
/// Start-up comes in two steps: the goals and aggregates first (<see cref="WhenLoaded"/>: enough for <c>/</c>,
/// <c>/api/map</c> and every goal's and place's figures), then the commitments (<see cref="WhenListsLoaded"/>: one read of
/// each shard), which pages that list commitments wait for.
/// </para>
/// </summary>
public sealed class SiteData(LiveFeed feed) : IDisposable
{
    private long _changes;
    private FrozenDictionary<string, GoalInfo> _goalsById = FrozenDictionary<string, GoalInfo>.Empty;

    /// <summary>All goals, oldest first, with their definitions.</summary>
    public ImmutableArray<GoalInfo> Goals { get; private set; } = [];

    /// <summary>The contributions of every commitment in the city, with the orders the pages read them in.</summary>
    public ContributionIndex Contributions { get; } = new();

    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _listsLoaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once the goals and every aggregate have been read once.</summary>
    public bool IsLoaded => _loaded.Task.IsCompleted;

    /// <summary>Completes when the goals and every aggregate have been read once; readers wait for it rather than show empty figures.</summary>
    public Task WhenLoaded(CancellationToken cancellationToken) => _loaded.Task.WaitAsync(cancellationToken);

    /// <summary>True once every shard's commitments have been read once (the lists are complete from then on).</summary>
    public bool AreListsLoaded => _listsLoaded.Task.IsCompleted;

    /// <summary>Completes when every shard's commitments have been read once: pages that list commitments wait for it.</summary>
    public Task WhenListsLoaded(CancellationToken cancellationToken) => _listsLoaded.Task.WaitAsync(cancellationToken);

    /// <summary>Counts changes of anything held here; caches key on it.</summary>
    public long ChangeCount => feed.AcceptedChanges + Interlocked.Read(ref _changes);

    public EngagementSnapshot Aggregate(string scope) => feed.Latest(scope)?.Snapshot ?? EmptySnapshot(scope);

    public GoalInfo? Goal(string id) => id is null ? null : _goalsById.GetValueOrDefault(id);

    public IEnumerable<GoalInfo> Children(string goalId) => Goals.Where(g => g.Definition.ParentGoalId == goalId);

    internal void ReplaceGoals(IEnumerable<GoalInfo> goals)
    {
        ImmutableArray<GoalInfo> ordered = [.. goals.OrderBy(g => g.CreatedAt).ThenBy(g => g.Id, StringComparer.Ordinal)];
        _goalsById = ordered.DistinctBy(g => g.Id, StringComparer.Ordinal).ToFrozenDictionary(g => g.Id, StringComparer.Ordinal);
        Goals = ordered;
        Interlocked.Increment(ref _changes);
        GoalsReplaced?.Invoke(ordered);
    }

    /// <summary>The goals after each reload or write (the search index compares their versions with what it holds).</summary>
    public event Action<ImmutableArray<GoalInfo>>? GoalsReplaced;

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

    public void Dispose() => Contributions.Dispose();

    internal void MarkLoaded() => _loaded.TrySetResult();

    internal void MarkListsLoaded() => _listsLoaded.TrySetResult();

    private int _goalMissing;

    /// <summary>A contribution named a goal this host does not know: <see cref="SiteDataSync"/> reads the goals again.</summary>
    internal void NoteGoalMissing() => Interlocked.Exchange(ref _goalMissing, 1);

    /// <summary>Whether a goal was noted missing since the last call.</summary>
    internal bool TakeGoalMissing() => Interlocked.Exchange(ref _goalMissing, 0) == 1;

    private static EngagementSnapshot EmptySnapshot(string scope) =>
        new(scope, EngagementTotals.Empty, null, null, null, 0, 0, null, null, 0, DateTimeOffset.MinValue, new Dictionary<string, double?>());
}
