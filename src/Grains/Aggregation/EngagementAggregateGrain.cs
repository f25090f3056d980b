using System.Diagnostics;
using CivicContracting.Goals;
using CivicContracting.Hosting;
using CivicContracting.Live;
using CivicContracting.Places;
using CivicContracting.Observability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicContracting.Aggregation;

/// <summary>
/// The live aggregate of one goal or place: the newest totals of each contribution shard, combined exactly, plus
/// (for an ambition) the progress of its objectives. Its state is derived and can be rebuilt from the shards,
/// so it persists on a timer rather than on every report; shards re-publish now and then, which repairs a crash.
/// <para>
/// Sixteen shards each publish every <see cref="AggregationOptions.PublishInterval"/>, so a busy scope (the city, a
/// city-wide goal) hears from them hundreds of times a second. It recomputes at most once per
/// <see cref="AggregationOptions.AggregateRecomputeInterval"/>: the first news after a quiet spell at once, news within
/// the interval together at its end. A read (<see cref="GetSnapshot"/>) never sees news it has not computed.
/// </para>
/// </summary>
public sealed class EngagementAggregateGrain(
    [PersistentState("aggregate", GrainStorage.Name)] IPersistentState<EngagementAggregateState> state,
    IOptions<AggregationOptions> aggregationOptions,
    IOptions<PlaceOptions> placeOptions,
    TimeProvider clock,
    ILogger<EngagementAggregateGrain> logger) : Grain, IEngagementAggregateGrain
{
    /// <summary>Hourly buckets are kept this long; older ones are merged into daily buckets.</summary>
    public static readonly TimeSpan HourlyHistory = TimeSpan.FromDays(14);
    public const int MaxBuckets = 3_000;

    private EngagementSnapshot? _snapshot;
    private bool _dirty;

    /// <summary>Set while the parent goal's aggregate may not know this objective's latest progress.</summary>
    private bool _parentBehind;

    /// <summary>Set while news from shards or objectives waits for the end of the recompute interval.</summary>
    private bool _changePending;
    /// <summary>When the last change was computed (a stopwatch reading: pacing, not a date of the calendar).</summary>
    private long? _lastChangeTimestamp;
    private IGrainTimer? _recomputeTimer;

    private string Scope => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!AggregateScope.IsGoal(Scope) && !AggregateScope.IsPlace(Scope))
            throw new InvalidOperationException($"'{Scope}' is not an aggregate scope (goal:… or place:…).");
        if (AggregateScope.IsPlace(Scope))
        {
            var code = Scope[AggregateScope.PlacePrefix.Length..];
            if (!PlaceCatalog.Leuven.TryGet(code, out _))
                throw new InvalidOperationException($"'{code}' is not a known place.");
            int? population = placeOptions.Value.Population.TryGetValue(code, out var n) && n > 0 ? n : null;
            state.State.Settings = new AggregateSettings(RollUpRule.WeightedMeanOfCommitments, null, population);
        }
        // Tell the parent once after activation: a push lost to a crash or a failed call is repaired here.
        _parentBehind = state.State.Settings?.ParentScope is not null;
        var interval = aggregationOptions.Value.AggregatePersistInterval;
        this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions(interval, interval));
        _recomputeTimer = this.RegisterGrainTimer(RecomputePending, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await RecomputePending(cancellationToken);
        await PersistIfDirty(cancellationToken);
    }

    public async Task Configure(AggregateSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!Enum.IsDefined(settings.RollUp))
            throw new ArgumentOutOfRangeException(nameof(settings), $"Unknown roll-up rule {settings.RollUp}.");
        if (settings.ParentScope is { } parent && (!AggregateScope.IsGoal(parent) || parent == Scope))
            throw new ArgumentException($"A goal's parent scope must be another goal scope, not '{parent}'.", nameof(settings));
        if (settings.Population is <= 0)
            throw new ArgumentOutOfRangeException(nameof(settings), "A population must be positive.");
        if (!AggregateScope.IsGoal(Scope))
            throw new InvalidOperationException("Only goal aggregates are configured; places take their settings from the catalogue.");
        if (state.State.Settings == settings)
            return;
        state.State.Settings = settings;
        await Changed(forcePersist: true);
    }

    public async Task ReportShard(ShardReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(report.Totals);
        if (report.ShardIndex is < 0 or >= AggregateScope.ShardCount)
            throw new ArgumentOutOfRangeException(nameof(report), $"Shard index {report.ShardIndex} is outside 0..{AggregateScope.ShardCount - 1}.");
        if (state.State.Shards.TryGetValue(report.ShardIndex, out var known) && known.Version >= report.Version)
            return; // stale or repeated: the newer totals stay
        state.State.Shards[report.ShardIndex] = report;
        // A shard re-publishes every scope after each verification pass: the same figures under a newer version change
        // nothing that anyone sees, so they are not a change (no new version, no live push, no history bucket).
        if (known is not null && ShardAggregation.SameTotals(known.Totals, report.Totals))
            return;
        await ChangedSoon();
    }

    public async Task ReportChildGoal(ChildGoalReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(report.ChildGoalId);
        if (report.Progress is { } p && !(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(report), "Progress is normalised to [0, 1].");
        if (report.VerifiedProgress is { } v && !(v >= 0 && v <= 1))
            throw new ArgumentOutOfRangeException(nameof(report), "Verified progress is normalised to [0, 1].");
        if (state.State.Children.TryGetValue(report.ChildGoalId, out var known) && known.Version >= report.Version)
            return;
        state.State.Children[report.ChildGoalId] = report;
        await ChangedSoon();
    }

    public async Task<EngagementSnapshot> GetSnapshot()
    {
        await RecomputePending(CancellationToken.None);
        return _snapshot ??= Compute();
    }

    /// <summary>A change now after a quiet spell; within the recompute interval of the last one, one change at its end.</summary>
    private Task ChangedSoon()
    {
        if (_changePending)
            return Task.CompletedTask; // the timer is set
        var interval = aggregationOptions.Value.AggregateRecomputeInterval;
        var wait = _lastChangeTimestamp is { } last ? interval - Stopwatch.GetElapsedTime(last) : TimeSpan.Zero;
        if (wait <= TimeSpan.Zero)
            return Changed(forcePersist: false);
        _changePending = true;
        _recomputeTimer!.Change(wait, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    private Task RecomputePending(CancellationToken cancellationToken)
    {
        if (!_changePending)
            return Task.CompletedTask;
        _recomputeTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return Changed(forcePersist: false); // which clears _changePending
    }

    public Task<IReadOnlyList<EngagementBucket>> GetHistory() =>
        Task.FromResult<IReadOnlyList<EngagementBucket>>([.. state.State.History]);

    private async Task Changed(bool forcePersist)
    {
        // News waiting for the interval is part of this change.
        _changePending = false;
        _lastChangeTimestamp = Stopwatch.GetTimestamp();
        var before = _snapshot ?? Compute();
        // Versions only grow, also across a restart that lost the last unsaved ones: they follow the clock.
        state.State.Version = Math.Max(state.State.Version + 1, clock.GetUtcNow().UtcTicks);
        state.State.UpdatedAt = clock.GetUtcNow();
        _snapshot = Compute();
        Record(_snapshot);
        _dirty = true;
        CivicMetrics.AggregateChanged();
        try
        {
            // Live push to the web hosts through this silo's batcher: one-way, so it never waits and never fails the change.
            GrainFactory.GetGrain<ILiveBatcherGrain>(0).Publish(new AggregateChange(Scope, _snapshot.Version, _snapshot)).Ignore();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Aggregate {Scope} could not hand its change to the live batcher", Scope);
        }
        if (forcePersist)
            await PersistIfDirty(CancellationToken.None);

        // An objective tells its ambition when its progress moves (the mean-of-objectives rule needs it).
        if (state.State.Settings?.ParentScope is not null
            && (before.Progress != _snapshot.Progress || before.VerifiedProgress != _snapshot.VerifiedProgress || forcePersist))
        {
            _parentBehind = true;
            await TellParent();
        }
    }

    private async Task TellParent()
    {
        if (!_parentBehind || state.State.Settings?.ParentScope is not { } parent)
            return;
        var snapshot = _snapshot ??= Compute();
        var childId = Scope[AggregateScope.GoalPrefix.Length..];
        try
        {
            await GrainFactory.GetGrain<IEngagementAggregateGrain>(parent)
                .ReportChildGoal(new ChildGoalReport(childId, snapshot.Version, snapshot.Progress, snapshot.VerifiedProgress));
            if (_snapshot == snapshot)
                _parentBehind = false;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Aggregate {Scope} could not tell its parent {Parent}; it retries on the next tick", Scope, parent);
        }
    }

    private async Task Tick(CancellationToken cancellationToken)
    {
        await TellParent();
        await PersistIfDirty(cancellationToken);
    }

    private EngagementSnapshot Compute()
    {
        var totals = EngagementMath.Combine(state.State.Shards.Values.Select(s => s.Totals));
        var settings = state.State.Settings ?? new AggregateSettings(RollUpRule.WeightedMeanOfCommitments, null, null);
        var mean = EngagementMath.MeanProgress(totals);
        var weighted = EngagementMath.WeightedProgress(totals);
        var objectives = state.State.Children.ToDictionary(c => c.Key, c => c.Value.Progress, StringComparer.Ordinal);
        var withProgress = objectives.Values.Where(p => p is not null).Select(p => p!.Value).ToList();
        var progress = settings.RollUp == RollUpRule.MeanOfObjectives
            ? withProgress.Count == 0 ? null : withProgress.Average()
            : weighted;
        // Verified progress by the same rule, over the same objectives (those with progress; one reported before verified
        // progress existed counts 0) or the same commitments and weights: null exactly when progress is null.
        var verifiedProgress = settings.RollUp == RollUpRule.MeanOfObjectives
            ? withProgress.Count == 0 ? null : state.State.Children.Values.Where(c => c.Progress is not null).Average(c => c.VerifiedProgress ?? 0)
            : EngagementMath.VerifiedWeightedProgress(totals);
        return new EngagementSnapshot(
            Scope,
            totals,
            mean,
            weighted,
            progress,
            totals.ParticipantsByKind.Count(k => k.Value > 0),
            EngagementMath.Shannon(totals.ParticipantsByKind),
            EngagementMath.Per1000(totals.EngagedCommitments, settings.Population),
            EngagementMath.Per1000(totals.Participants, settings.Population),
            state.State.Version,
            state.State.UpdatedAt,
            objectives,
            verifiedProgress,
            EngagementMath.VerifiedShare(progress, verifiedProgress));
    }

    /// <summary>Keeps the latest figures of the current hour; hourly buckets older than two weeks fold into days.</summary>
    private void Record(EngagementSnapshot s)
    {
        var now = clock.GetUtcNow();
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var bucket = new EngagementBucket(hour, TimeSpan.FromHours(1), s.Totals.EngagedCommitments, s.Totals.Participants, s.DistinctKinds, s.Progress);
        var history = state.State.History;
        if (history.Count > 0 && history[^1].Start == hour)
            history[^1] = bucket;
        else
            history.Add(bucket);

        var cutoff = now - HourlyHistory;
        var firstHourly = history.FindIndex(b => b.Length == TimeSpan.FromHours(1));
        while (firstHourly >= 0 && firstHourly < history.Count && history[firstHourly].Start < cutoff)
        {
            var old = history[firstHourly];
            var day = new DateTimeOffset(old.Start.Date, TimeSpan.Zero);
            // A bucket holds the figures at its end, so the day keeps the last of its hours.
            if (firstHourly > 0 && history[firstHourly - 1].Start == day && history[firstHourly - 1].Length == TimeSpan.FromDays(1))
                history[firstHourly - 1] = old with { Start = day, Length = TimeSpan.FromDays(1) };
            else
            {
                history[firstHourly] = old with { Start = day, Length = TimeSpan.FromDays(1) };
                firstHourly++;
                continue;
            }
            history.RemoveAt(firstHourly);
        }
        if (history.Count > MaxBuckets)
            history.RemoveRange(0, history.Count - MaxBuckets);
    }

    private async Task PersistIfDirty(CancellationToken cancellationToken)
    {
        if (!_dirty)
            return;
        _dirty = false;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            _dirty = true;
            logger.LogWarning(ex, "Aggregate {Scope} could not persist; it retries on the next tick", Scope);
        }
    }
}
