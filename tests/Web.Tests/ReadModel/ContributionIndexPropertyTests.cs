using System.Text.Json;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Coaching;
using CivicContracting.Web.ReadModel;
using CsCheck;

namespace CivicContracting.Web.Tests.ReadModel;

/// <summary>
/// The index keeps its lists by changes; every answer must equal what plain LINQ over all contributions gives
/// (<see cref="Recomputed"/>, <see cref="CoachWorkspace"/>'s own definitions) after random streams of versions delivered
/// out of order and more than once — checked along the way, not only at the end.
/// </summary>
public sealed class ContributionIndexPropertyTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Every_answer_equals_a_recomputation_over_all_contributions_after_random_streams()
    {
        Gen.Select(Gen.Int, Gen.Int[1, 400], Gen.Int[1, 60]).Sample((seed, commitments, participants) =>
        {
            var city = new RandomCity(seed);
            var deliveries = city.Deliveries(city.Versions(commitments, participants));
            var index = new ContributionIndex();
            var delivered = new Dictionary<string, Contribution>(StringComparer.Ordinal);
            var checkpoints = 3;
            var at = 0;
            while (at < deliveries.Count)
            {
                var batch = deliveries.Skip(at).Take(1 + city.Next(60)).ToList();
                at += batch.Count;
                index.Apply(batch, RandomCity.TakenAt);
                foreach (var c in batch)
                {
                    if (!delivered.TryGetValue(c.CommitmentId, out var held) || held.Version < c.Version)
                        delivered[c.CommitmentId] = c;
                }
                if (at == deliveries.Count || city.Next(deliveries.Count / 60 + 1) == 0 && checkpoints-- > 0)
                    AssertMatches(index, delivered.Values, city);
            }
        }, iter: 60);
    }

    [Fact]
    public void Lists_longer_than_a_chunk_page_like_a_recomputation()
    {
        // Enough commitments for every scope's lists to split into chunks and merge again as versions move them.
        var city = new RandomCity(20260101);
        var deliveries = city.Deliveries(city.Versions(3_000, 400));
        var index = new ContributionIndex();
        var delivered = new Dictionary<string, Contribution>(StringComparer.Ordinal);
        foreach (var batch in deliveries.Chunk(500))
        {
            index.Apply(batch, RandomCity.TakenAt);
            foreach (var c in batch)
            {
                if (!delivered.TryGetValue(c.CommitmentId, out var held) || held.Version < c.Version)
                    delivered[c.CommitmentId] = c;
            }
            AssertMatches(index, delivered.Values, city);
        }
    }

    private static void AssertMatches(ContributionIndex index, IEnumerable<Contribution> delivered, RandomCity city)
    {
        var all = Recomputed.All(delivered);
        Assert.Equal(all.Count, index.Count);
        foreach (var c in all)
            Assert.Same(c, index.Get(c.CommitmentId));

        var scopes = all.SelectMany(c => c.Scopes.Select(s => s.Scope)).Distinct().Append("goal:no-such-goal").ToList();
        foreach (var scope in scopes)
        {
            var inScope = Recomputed.InScope(all, scope).ToList();
            foreach (var publicOnly in new[] { false, true })
            {
                var expected = publicOnly ? [.. Recomputed.Public(inScope)] : inScope;
                foreach (var (skip, take) in new[] { (0, 20), (7, 5), (20, 20), (Math.Max(0, expected.Count - 3), 20), (expected.Count / 2, 100), (expected.Count + 5, 20) })
                {
                    var (items, total) = index.Page(scope, publicOnly, skip, take);
                    Assert.Equal(expected.Count, total);
                    AssertSame(expected.Skip(skip).Take(take), items, $"{scope} public={publicOnly} skip={skip}");
                }
                bool Filter(Contribution c) => c.Level == CommitmentLevel.Result || c.ParticipantKind == ParticipantKind.School;
                var filtered = expected.Where(Filter).ToList();
                var (page, count) = index.PageWhere(scope, publicOnly, Filter, 3, 10);
                Assert.Equal(filtered.Count, count);
                AssertSame(filtered.Skip(3).Take(10), page, $"{scope} filtered");
            }
            AssertSame(inScope.Where(c => c.IsEngaged && c.Level == CommitmentLevel.Result), index.EngagedResults(scope), $"{scope} engaged results");
            if (AggregateScope.IsGoal(scope))
            {
                var goal = scope[AggregateScope.GoalPrefix.Length..];
                Assert.Equal(Recomputed.Replay(all, RandomCity.TakenAt, goal, null).Total(), index.EngagementOverTime(scope));
            }
        }

        // The home page.
        var confirmed = Recomputed.Public(all).Where(c => c.ConfirmedAt is not null).ToList();
        AssertSame(confirmed.OrderByDescending(c => c.ConfirmedAt).ThenBy(c => c.CommitmentId, StringComparer.Ordinal).Take(6), index.NewestConfirmed(6), "newest");
        AssertSame(confirmed.Take(12), index.RecentlyChangedConfirmed(12), "latest reports");

        // The coach's workspace, for everyone, "mine only", one neighbourhood, and both.
        var mine = all.Select(c => c.ParticipantId).Distinct().Where((_, i) => i % 3 == 0).ToHashSet(StringComparer.Ordinal);
        var here = RandomCity.Neighbourhoods[city.Next(RandomCity.Neighbourhoods.Length)];
        var coached = all.Select(c => c.ParticipantId).Distinct().Where((_, i) => i % 4 == 1).ToHashSet(StringComparer.Ordinal);
        var now = RandomCity.Start.AddDays(city.Next(30));
        foreach (var filter in new[] { WorkspaceFilter.Everyone, new WorkspaceFilter(true, null, mine), new WorkspaceFilter(false, here, mine), new WorkspaceFilter(true, here.ToLowerInvariant(), mine), new WorkspaceFilter(false, here.ToLowerInvariant(), mine) })
        {
            AssertSection(CoachWorkspace.ClaimsToVerify(all, filter), CoachWorkspace.ClaimsToVerify(index, filter, 5), "claims");
            AssertSection(CoachWorkspace.DraftsAskingHelp(all, filter), CoachWorkspace.DraftsAskingHelp(index, filter, 5), "help");
            AssertSection(CoachWorkspace.ConditionsClosing(all, filter, now), CoachWorkspace.ConditionsClosing(index, filter, now, 5), "conditions");
            var uncoached = CoachWorkspace.Uncoached(all, coached, filter);
            var (shown, total) = CoachWorkspace.Uncoached(index, coached, filter, 5);
            Assert.Equal(uncoached.Count, total);
            Assert.Equal(uncoached.Take(5), shown);
        }

        // The replay: the whole city, one kind, one goal, both.
        foreach (var goal in new[] { null, "ambition", "objective-a", "no-such-goal" })
        {
            foreach (var kind in new ParticipantKind?[] { null, ParticipantKind.Resident, ParticipantKind.School })
            {
                var expected = JsonSerializer.Serialize(Recomputed.Replay(all, RandomCity.TakenAt, goal, kind), Json);
                var actual = JsonSerializer.Serialize(EngagementReplay.Compute(index, goal, kind), Json);
                Assert.True(expected == actual, $"Replay goal={goal} kind={kind} differs:\nexpected {expected}\nactual   {actual}");
            }
        }
    }

    private static void AssertSection(IReadOnlyList<Contribution> expected, (IReadOnlyList<Contribution> Shown, int Total) actual, string what)
    {
        Assert.Equal(expected.Count, actual.Total);
        AssertSame(expected.Take(5), actual.Shown, what);
    }

    private static void AssertSame(IEnumerable<Contribution> expected, IEnumerable<Contribution> actual, string what)
    {
        var e = expected.Select(c => c.CommitmentId + "@" + c.Version).ToList();
        var a = actual.Select(c => c.CommitmentId + "@" + c.Version).ToList();
        Assert.True(e.SequenceEqual(a), $"{what}: expected [{string.Join(", ", e)}] but got [{string.Join(", ", a)}]");
    }

    [Fact]
    public void A_stale_or_repeated_version_changes_nothing_and_a_newer_one_moves_the_commitment_in_every_list()
    {
        var scopes = new List<ScopeWeight> { new(AggregateScope.Place("24062W01"), 1), new(AggregateScope.Goal("g"), 1) };
        Contribution Version(long v, CommitmentStatus status, int hour) => new("c-1", v, "p-1", ParticipantKind.School, CommitmentLevel.Result, status,
            null, false, status == CommitmentStatus.Draft ? null : RandomCity.Start, scopes, RandomCity.Start.AddHours(hour));
        var other = new Contribution("c-2", 1, "p-2", ParticipantKind.Resident, CommitmentLevel.Pledge, CommitmentStatus.Active, null, false,
            RandomCity.Start, scopes, RandomCity.Start.AddHours(5));
        var index = new ContributionIndex([other, Version(2, CommitmentStatus.Active, 1)], RandomCity.TakenAt);

        Assert.False(index.Apply(Version(1, CommitmentStatus.Draft, 9)));
        Assert.False(index.Apply(Version(2, CommitmentStatus.Withdrawn, 9)));
        Assert.Equal(["c-2", "c-1"], index.Page("goal:g", publicOnly: true, 0, 10).Items.Select(c => c.CommitmentId));
        Assert.Single(index.EngagedResults("goal:g"));

        Assert.True(index.Apply(Version(3, CommitmentStatus.Withdrawn, 9)));
        Assert.Equal(["c-1", "c-2"], index.Page("goal:g", publicOnly: true, 0, 10).Items.Select(c => c.CommitmentId));
        Assert.Empty(index.EngagedResults("goal:g"));
        Assert.Equal(3, index.Get("c-1")!.Version);
    }

    [Fact]
    public void A_malformed_contribution_is_refused_before_anything_changes()
    {
        var scopes = new List<ScopeWeight> { new(AggregateScope.Place("24062W01"), 1) };
        var good = new Contribution("c-1", 1, "p-1", ParticipantKind.School, CommitmentLevel.Pledge, CommitmentStatus.Active, null, false,
            RandomCity.Start, scopes, RandomCity.Start);
        var index = new ContributionIndex([good], RandomCity.TakenAt);

        Assert.Throws<ArgumentException>(() => index.Apply(good with { Version = 2, Scopes = [null!] }));
        Assert.Throws<ArgumentException>(() => index.Apply(good with { Version = 3, ParticipantId = "" }));

        Assert.Same(good, index.Get("c-1"));
        Assert.Equal([good], index.Page("place:24062W01", publicOnly: false, 0, 10).Items);
        Assert.True(index.Apply(good with { Version = 4 }));
        Assert.Single(index.Page("place:24062W01", publicOnly: false, 0, 10).Items);
    }
}
