using System.Collections.Concurrent;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Validation;
using Orleans.Core.Internal;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace CivicContracting.Grains.Tests;

/// <summary>
/// Randomised concurrent updates, duplicates, retries, stale pushes and forced deactivations; at quiescence every
/// aggregate must equal a recomputation from the commitments themselves. Runs on a cluster of its own, so that the
/// city and neighbourhood aggregates hold only what this test made.
/// </summary>
public sealed class AggregationExactnessTests(ClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ClusterFixture>
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Every_aggregate_equals_a_recomputation_from_the_commitments_after_concurrent_random_updates()
    {
        var random = new Random(20261128);
        var ambition = await TestData.Goal(Grains, rollUp: RollUpRule.MeanOfObjectives);
        var objectives = new[] { await TestData.Goal(Grains, ambition), await TestData.Goal(Grains, ambition), await TestData.Goal(Grains, ambition) };
        var standalone = new[] { await TestData.Goal(Grains), await TestData.Goal(Grains) };
        var leafGoals = objectives.Concat(standalone).ToArray();
        var neighbourhoods = PlaceCatalog.Leuven.Neighbourhoods.Select(p => p.Code).ToArray();
        var kinds = Enum.GetValues<ParticipantKind>();

        var participants = new List<string>();
        for (var i = 0; i < 40; i++)
            participants.Add(await TestData.Participant(Grains, kinds[random.Next(kinds.Length)], neighbourhoods[random.Next(neighbourhoods.Length)]));

        var commitmentIds = new List<string>();
        var levels = new ConcurrentDictionary<string, CommitmentLevel>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 150), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            Random r;
            lock (random)
                r = new Random(random.Next());
            var level = (CommitmentLevel)r.Next(3);
            var terms = level switch
            {
                CommitmentLevel.Pledge => TestData.PledgeTerms(),
                CommitmentLevel.Action => TestData.ActionTerms(1 + r.Next(5)),
                _ => r.Next(2) == 0 ? TestData.ResultTerms(10, 90) : TestData.ResultTerms(500, 100),
            };
            var goals = leafGoals.OrderBy(_ => r.Next()).Take(1 + r.Next(2)).Select(g => new GoalWeight(g, 0.5 + r.Next(4))).ToArray();
            var id = $"c-exact-{i:D3}";
            var grain = Grains.GetGrain<ICommitmentGrain>(id);
            await grain.Create(new CommitmentDraft(participants[r.Next(participants.Count)], goals, neighbourhoods[r.Next(neighbourhoods.Length)], terms));
            if (r.NextDouble() < 0.9)
                await grain.Confirm("Someone", CommitmentText.Hash(terms));
            lock (commitmentIds)
                commitmentIds.Add(id);
            levels[id] = level;
        });

        var sent = new ConcurrentBag<(string Commitment, ProgressReport Report)>();
        var now = DateTimeOffset.UtcNow;
        var outcomes = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 1_000), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, cancellation) =>
        {
            int seed;
            lock (random)
                seed = random.Next();
            // A client retries what failed for a transient reason (a grain moving because of a forced deactivation),
            // with the same request: the same seed gives the same operation and the same report ids and dates.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    outcomes.AddOrUpdate(await RandomOperation(new Random(seed), i, cancellation), 1, (_, n) => n + 1);
                    return;
                }
                catch (Exception ex) when (attempt < 5 && ex is OrleansMessageRejectionException or SiloUnavailableException)
                {
                    outcomes.AddOrUpdate("transient-retry", 1, (_, n) => n + 1);
                }
            }
        });

        async Task<string> RandomOperation(Random r, int i, CancellationToken cancellation)
        {
            var roll = r.NextDouble();
            // Values go to result commitments and milestones to action commitments, mostly; the rest probes refusals.
            var wanted = roll < 0.40 || (roll >= 0.55 && roll < 0.65) ? CommitmentLevel.Result
                : roll >= 0.65 && roll < 0.73 ? CommitmentLevel.Action : (CommitmentLevel?)null;
            var pool = wanted is { } level && r.NextDouble() < 0.95 ? commitmentIds.Where(c => levels[c] == level).ToList() : commitmentIds;
            var id = pool[r.Next(pool.Count)];
            var grain = Grains.GetGrain<ICommitmentGrain>(id);
            string op;
            try
            {
                if (roll < 0.40)
                {
                    op = "report";
                    var report = new ProgressReport($"r{i}", now.AddMinutes(-r.Next(10_000)), Value: r.Next(0, 600));
                    sent.Add((id, report));
                    await grain.ReportProgress(report);
                }
                else if (roll < 0.55 && !sent.IsEmpty)
                {
                    op = "duplicate";
                    var (c, report) = sent.ElementAt(r.Next(sent.Count));
                    await Grains.GetGrain<ICommitmentGrain>(c).ReportProgress(report);
                }
                else if (roll < 0.65)
                {
                    op = "retry-race";
                    var report = new ProgressReport($"rr{i}", now, Value: r.Next(0, 600));
                    sent.Add((id, report));
                    await Task.WhenAll(grain.ReportProgress(report), grain.ReportProgress(report));
                }
                else if (roll < 0.73)
                {
                    op = "milestone";
                    await grain.ReportProgress(new ProgressReport($"m{i}", now, CompletedMilestoneId: $"m{1 + r.Next(5)}"));
                }
                else if (roll < 0.76)
                {
                    op = "close";
                    await grain.Close(r.Next(2) == 0 ? CommitmentOutcome.Achieved : CommitmentOutcome.Missed);
                }
                else if (roll < 0.78)
                {
                    op = "withdraw";
                    await grain.Withdraw("Test withdrawal");
                }
                else if (roll < 0.81)
                {
                    op = "upgrade";
                    var action = TestData.ActionTerms(3);
                    await grain.Upgrade(action, "Someone", CommitmentText.Hash(action));
                }
                else if (roll < 0.86)
                {
                    op = "stale-push";
                    if (await grain.GetContribution() is { } current && current.Version > 1)
                    {
                        await Grains.GetGrain<IContributionShardGrain>(AggregateScope.ShardFor(current.ParticipantId))
                            .Report(current with { Version = current.Version - 1, Status = CommitmentStatus.Withdrawn });
                    }
                }
                else
                {
                    op = "deactivate";
                    IAddressable target = r.Next(3) switch
                    {
                        0 => Grains.GetGrain<IContributionShardGrain>(r.Next(AggregateScope.ShardCount)),
                        1 => Grains.GetGrain<IEngagementAggregateGrain>(r.Next(2) == 0
                            ? AggregateScope.Place(neighbourhoods[r.Next(neighbourhoods.Length)])
                            : AggregateScope.Goal(leafGoals[r.Next(leafGoals.Length)])),
                        _ => grain,
                    };
                    await target.AsReference<IGrainManagementExtension>().DeactivateOnIdle(cancellation);
                }
            }
            catch (Exception ex) when (ex is StateConflictException or InputRejectedException)
            {
                op = "refused:" + ex.GetType().Name; // e.g. reporting on a withdrawn commitment, or a milestone an action lacks
            }
            return op;
        }
        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}")));

        // Recompute every aggregate from the commitments' own views.
        var views = await Task.WhenAll(commitmentIds.Select(id => Grains.GetGrain<ICommitmentGrain>(id).Get()));
        var kindOf = new Dictionary<string, ParticipantKind>();
        foreach (var p in participants)
            kindOf[p] = (await Grains.GetGrain<IParticipantGrain>(p).GetProfile())!.Kind;
        var lineage = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var g in leafGoals.Append(ambition))
            lineage[g] = await Grains.GetGrain<IGoalGrain>(g).GetLineage();

        var scopes = new List<(string Scope, Func<CommitmentView, double?> Weight)>();
        foreach (var g in leafGoals.Append(ambition))
        {
            scopes.Add((AggregateScope.Goal(g), v =>
            {
                var weights = v.Goals.Where(w => lineage[w.GoalId].Contains(g)).Select(w => w.Weight).ToList();
                return weights.Count == 0 ? null : weights.Max();
            }));
        }
        foreach (var place in PlaceCatalog.Leuven.All)
            scopes.Add((AggregateScope.Place(place.Code), v => PlaceCatalog.Leuven.Get(v.NeighbourhoodCode).SelfAndAncestors.Contains(place.Code) ? 1.0 : null));

        var mismatches = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            mismatches.Clear();
            foreach (var (scope, weight) in scopes)
            {
                var snapshot = await Grains.GetGrain<IEngagementAggregateGrain>(scope).GetSnapshot();
                Compare(scope, snapshot, views!, weight, kindOf, mismatches);
            }
            var objectiveProgress = (await Grains.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(ambition)).GetSnapshot()).ObjectiveProgress;
            foreach (var o in objectives)
            {
                var own = (await Grains.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(o)).GetSnapshot()).Progress;
                if (!Close(objectiveProgress.GetValueOrDefault(o), own))
                    mismatches.Add($"ambition sees objective {o} at {objectiveProgress.GetValueOrDefault(o)}, objective is at {own}");
            }
            if (mismatches.Count == 0)
                break;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        if (mismatches.Count > 0)
        {
            var viewById = views!.Where(v => v is not null).ToDictionary(v => v!.Id, v => v!);
            foreach (var (scope, _) in scopes)
            {
                for (var i = 0; i < AggregateScope.ShardCount; i++)
                {
                    var shard = Grains.GetGrain<IContributionShardGrain>(i);
                    var held = await shard.GetContributions(scope);
                    var running = ShardAggregation.Fingerprint(await shard.GetTotals(scope));
                    var recomputed = ShardAggregation.Fingerprint(EngagementMath.Totals(held, scope));
                    if (running != recomputed)
                        output.WriteLine($"shard {i} {scope}: running totals {running} recomputed {recomputed}");
                    foreach (var c in held)
                    {
                        if (viewById.TryGetValue(c.CommitmentId, out var v) && v.Version != c.Version)
                            output.WriteLine($"shard {i} {scope}: {c.CommitmentId} holds v{c.Version}, commitment at v{v.Version}");
                    }
                }
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(20)));
        // About 40 % of the 1,000 operations try a report; how many succeed depends on the interleaving (a report on a
        // commitment another operation has just closed or withdrawn is refused): 276 to 312 in four runs on their own, 248
        // in a full CI run on 2 busy cores. The guard only makes sure the mix is not starved of reports.
        Assert.True(outcomes.GetValueOrDefault("report") > 200, $"the random mix must exercise plenty of reports: {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}"))}");
        Assert.True(outcomes.GetValueOrDefault("deactivate") > 50, "the random mix must exercise deactivations");
    }

    private static void Compare(string scope, EngagementSnapshot actual, CommitmentView[] views, Func<CommitmentView, double?> weightIn,
        Dictionary<string, ParticipantKind> kindOf, List<string> mismatches)
    {
        var members = views.Where(v => weightIn(v) is not null).ToList();
        static bool Engaged(CommitmentView v) => v.Status is CommitmentStatus.Confirmed or CommitmentStatus.Active or CommitmentStatus.Achieved or CommitmentStatus.Missed;
        var engaged = members.Where(Engaged).ToList();
        var withProgress = engaged.Where(v => v.Progress is not null).ToList();
        var t = actual.Totals;

        void Check(string what, object? expected, object? got)
        {
            if (!Equals(expected, got))
                mismatches.Add($"{scope} {what}: expected {expected}, aggregate has {got}");
        }

        Check("commitments", members.Count, t.Commitments);
        foreach (var status in Enum.GetValues<CommitmentStatus>())
            Check($"status {status}", members.Count(v => v.Status == status), t.ByStatus.GetValueOrDefault(status));
        foreach (var level in Enum.GetValues<CommitmentLevel>())
            Check($"engaged {level}", engaged.Count(v => v.Terms.Level == level), t.EngagedByLevel.GetValueOrDefault(level));
        foreach (var kind in Enum.GetValues<ParticipantKind>())
            Check($"participants {kind}", engaged.Select(v => v.ParticipantId).Distinct().Count(p => kindOf[p] == kind), t.ParticipantsByKind.GetValueOrDefault(kind));
        Check("progress count", withProgress.Count, t.ProgressCount);
        var mean = withProgress.Count == 0 ? (double?)null : withProgress.Average(v => v.Progress!.Value);
        if (!Close(mean, actual.MeanProgress))
            mismatches.Add($"{scope} mean progress: expected {mean}, aggregate has {actual.MeanProgress}");
        var weightSum = withProgress.Sum(v => weightIn(v)!.Value);
        var weighted = weightSum == 0 ? (double?)null : withProgress.Sum(v => weightIn(v)!.Value * v.Progress!.Value) / weightSum;
        if (!Close(weighted, actual.WeightedProgress))
            mismatches.Add($"{scope} weighted progress: expected {weighted}, aggregate has {actual.WeightedProgress}");
        Check("result commitments", engaged.Count(v => v.Terms.Level == CommitmentLevel.Result), t.ResultCommitments);
        Check("results achieved", engaged.Count(v => v.Terms.Level == CommitmentLevel.Result && v.Status == CommitmentStatus.Achieved), t.ResultsAchieved);
        var first = members.Select(FirstConfirmation).Where(c => c is not null).Min();
        Check("first engagement", first, t.FirstEngagementAt);
    }

    private static DateTimeOffset? FirstConfirmation(CommitmentView v) =>
        (v.EarlierVersions.Count > 0 ? v.EarlierVersions[0].Confirmation?.ConfirmedAt : null) ?? v.Confirmation?.ConfirmedAt;

    private static bool Close(double? a, double? b) =>
        (a is null && b is null) || (a is { } x && b is { } y && Math.Abs(x - y) < 1e-9);
}
