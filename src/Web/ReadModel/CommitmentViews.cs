using System.Collections.Concurrent;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;

namespace CivicContracting.Web.ReadModel;

/// <summary>
/// Commitments and participant profiles as the pages show them, held in this host's memory. A commitment is read
/// again only when its contribution (kept current by <see cref="SiteDataSync"/>) has a newer version than the one
/// held, so a list of twenty titles costs grain calls only for the commitments that changed.
/// </summary>
public sealed class CommitmentViews(IClusterClient orleans, SiteData data, TimeProvider clock)
{
    /// <summary>Profiles change only when a participant makes a new commitment; a short life is enough.</summary>
    private static readonly TimeSpan ProfileLifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, CommitmentView> _commitments = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, ParticipantProfile? Profile)> _profiles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlyList<EngagementBucket> Buckets)> _histories = new(StringComparer.Ordinal);

    /// <summary>History buckets are hours or days long; reading them again every half minute is plenty.</summary>
    private static readonly TimeSpan HistoryLifetime = TimeSpan.FromSeconds(30);

    /// <summary>A bound on the views held, so that memory stays flat at city scale; the busiest are simply read again.</summary>
    private const int MaxViews = 20_000;

    private readonly ConcurrentDictionary<string, (long Version, IReadOnlyList<ReportedValue> Values)> _values = new(StringComparer.Ordinal);

    /// <summary>A bound on the value series held (a series has at most one point per report).</summary>
    private const int MaxValueSeries = 1_000;

    /// <summary>The commitment as the public may read it: what moderators hid is redacted (<see cref="PublicView"/>).</summary>
    public async Task<CommitmentView?> GetAsync(string id) =>
        await GetUnredactedAsync(id) is { } view ? PublicView.Redact(view) : null;

    /// <summary>The commitment with everything moderators hid: for the support team only.</summary>
    public async Task<CommitmentView?> GetUnredactedAsync(string id)
    {
        var known = data.Contributions.Get(id)?.Version;
        if (_commitments.TryGetValue(id, out var held) && known is { } version && held.Version >= version)
            return held;
        var view = await orleans.GetGrain<ICommitmentGrain>(id).Get();
        if (_commitments.Count > MaxViews)
            _commitments.Clear();
        if (view is not null)
            _commitments.AddOrUpdate(id, view, (_, old) => old.Version >= view.Version ? old : view);
        return view;
    }

    /// <summary>
    /// Every measured value of the commitment's history, oldest first (a chart's series): from the view when it carries
    /// every report, else from the commitment, held until the commitment has a newer version.
    /// </summary>
    public async Task<IReadOnlyList<ReportedValue>> ReportedValuesAsync(CommitmentView view)
    {
        if (view.ReportCount <= view.Reports.Count)
            return [.. view.Reports.Where(r => r.Value is not null).Select(r => new ReportedValue(r.ReportedAt, r.Value!.Value))];
        if (_values.TryGetValue(view.Id, out var held) && held.Version >= view.Version)
            return held.Values;
        var values = await orleans.GetGrain<ICommitmentGrain>(view.Id).GetReportedValues();
        if (_values.Count > MaxValueSeries)
            _values.Clear();
        _values[view.Id] = (view.Version, values);
        return values;
    }

    /// <summary>Keeps a view a write just returned, so the writer's next page shows their change before the index catches up.</summary>
    public void Remember(CommitmentView view) =>
        _commitments.AddOrUpdate(view.Id, view, (_, old) => old.Version >= view.Version ? old : view);

    /// <summary>
    /// A goal from memory, or from its grain when it was defined after this host's last load (a new goal without
    /// commitments has pushed nothing yet); a goal found that way is kept.
    /// </summary>
    public async Task<GoalInfo?> GoalAsync(string id)
    {
        if (data.Goal(id) is { } known)
            return known;
        if (!CivicContracting.Web.Api.ApiIds.IsWellFormed(id) || await orleans.GetGrain<IGoalGrain>(id).GetInfo() is not { } info)
            return null;
        data.AddGoal(info);
        return info;
    }

    /// <summary>A goal's or place's engagement history.</summary>
    public async Task<IReadOnlyList<EngagementBucket>> HistoryAsync(string scope)
    {
        var now = clock.GetUtcNow();
        if (_histories.TryGetValue(scope, out var held) && now - held.At < HistoryLifetime)
            return held.Buckets;
        var buckets = await orleans.GetGrain<IEngagementAggregateGrain>(scope).GetHistory();
        _histories[scope] = (now, buckets);
        return buckets;
    }

    public async Task<IReadOnlyList<CommitmentView>> GetManyAsync(IEnumerable<string> ids)
    {
        var views = await Task.WhenAll(ids.Select(GetAsync));
        return [.. views.OfType<CommitmentView>()];
    }

    public async Task<ParticipantProfile?> ProfileAsync(string id)
    {
        var now = clock.GetUtcNow();
        if (_profiles.TryGetValue(id, out var held) && now - held.At < ProfileLifetime)
            return held.Profile;
        var profile = await orleans.GetGrain<IParticipantGrain>(id).GetProfile();
        _profiles[id] = (now, profile);
        return profile;
    }

    public async Task<IReadOnlyDictionary<string, ParticipantProfile>> ProfilesAsync(IEnumerable<string> ids)
    {
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        var profiles = await Task.WhenAll(distinct.Select(ProfileAsync));
        return distinct.Zip(profiles).Where(p => p.Second is not null)
            .ToDictionary(p => p.First, p => p.Second!, StringComparer.Ordinal);
    }
}
