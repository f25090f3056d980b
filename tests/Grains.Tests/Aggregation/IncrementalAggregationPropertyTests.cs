using System.Reflection;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CsCheck;

namespace CivicContracting.Grains.Tests.Aggregation;

/// <summary>
/// The incremental totals of a shard (<see cref="ShardAggregation"/>, <see cref="ScopeTally"/>) against a recomputation
/// from scratch (<see cref="EngagementMath.Totals"/>) after random streams of changes: creations, reports, upgrades,
/// withdrawals, conditions met and lapsed (in and out of force), verification, neighbourhood and goal-weight changes,
/// delivered late, out of order and more than once, with restarts and verification steps in between. Equality is exact:
/// the integer sums, every count and the first engagement, compared through <see cref="ShardAggregation.Fingerprint"/>.
/// </summary>
public sealed class IncrementalAggregationPropertyTests
{
    private const int Commitments = 24;
    private static readonly string[] Neighbourhoods = [.. PlaceCatalog.Leuven.Neighbourhoods.Select(n => n.Code).Take(5)];
    private static readonly string[] Goals = ["goal:ambition", "goal:objective-a", "goal:objective-b", "goal:standalone"];
    private static readonly double[] Weights = [1, 0.5, 2.5, 1.0 / 3, 1000, 0.000001];
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed record Op(int Kind, int Commitment, int A, int B);

    private static readonly Gen<Op> OpGen = Gen.Select(Gen.Int[0, 11], Gen.Int[0, Commitments - 1], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue],
        (kind, commitment, a, b) => new Op(kind, commitment, a, b));

    [Fact]
    public void Incremental_totals_equal_a_recomputation_after_random_streams_with_duplicates_reordering_and_restarts()
    {
        OpGen.List[1, 300].Sample(ops =>
        {
            var model = new Model();
            foreach (var op in ops)
            {
                model.Run(op);
                model.AssertExact();
            }
            model.DeliverAll();
            model.AssertExact();
            Assert.Equal(0, model.Aggregation.Repairs);
        }, iter: 400);
    }

    [Fact]
    public void A_full_verification_pass_finds_nothing_to_repair_after_random_streams()
    {
        OpGen.List[1, 200].Sample(ops =>
        {
            var model = new Model();
            foreach (var op in ops)
                model.Run(op);
            model.DeliverAll();
            for (var i = 0; i < ShardAggregation.SegmentCount * 2; i++)
                Assert.Empty(model.Aggregation.VerifyNextSegment());
            Assert.Equal(0, model.Aggregation.Repairs);
            model.AssertExact();
        }, iter: 100);
    }

    [Fact]
    public void The_verifier_repairs_and_counts_a_running_total_that_went_wrong()
    {
        var model = new Model();
        for (var c = 0; c < Commitments; c++)
            model.Run(new Op(0, c, 6 * 4 + 1, 1 + c * 13)); // confirmed pledges with progress, in force, not delivered yet
        model.DeliverAll();
        var city = AggregateScope.Place(PlaceCatalog.CityCode);
        var engaged = model.Delivered.Values.First(c => c.IsEngaged && c.Scopes.Any(s => s.Scope == city));

        // Simulate a bug: the city's running tally counts one contribution twice.
        var tallies = (Dictionary<string, ScopeTally>)typeof(ShardAggregation)
            .GetField("_tallies", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(model.Aggregation)!;
        tallies[city].Add(engaged with { CommitmentId = "phantom" });
        Assert.NotEqual(model.Expected(city), ShardAggregation.Fingerprint(model.Aggregation.Totals(city)));

        var repaired = new List<string>();
        for (var i = 0; i < ShardAggregation.SegmentCount; i++)
            repaired.AddRange(model.Aggregation.VerifyNextSegment());

        Assert.Equal([city], repaired);
        Assert.Equal(1, model.Aggregation.Repairs);
        Assert.Contains(city, model.Aggregation.TakeChangedScopes());
        model.AssertExact();
    }

    [Fact]
    public void The_first_engagement_stays_exact_when_the_earliest_confirmations_are_withdrawn_one_by_one()
    {
        var aggregation = new ShardAggregation();
        var city = AggregateScope.Place(PlaceCatalog.CityCode);
        var contributions = Enumerable.Range(0, FirstEngagementTracker.Capacity * 3)
            .Select(i => Contribution($"c{i:D3}", 1, "p1", CommitmentStatus.Confirmed, Start.AddMinutes(i), [new ScopeWeight(city, 1)]))
            .Reverse() // latest first, so the tracker fills, overflows and drops
            .ToList();
        foreach (var c in contributions)
            aggregation.Apply(c);
        var live = contributions.ToDictionary(c => c.CommitmentId);
        foreach (var c in contributions.OrderBy(c => c.ConfirmedAt).ToList())
        {
            Assert.Equal(live.Values.Min(x => x.ConfirmedAt), aggregation.Totals(city).FirstEngagementAt);
            var withdrawn = c with { Version = 2, Status = CommitmentStatus.Withdrawn, ConfirmedAt = null };
            aggregation.Apply(withdrawn);
            live.Remove(c.CommitmentId);
        }
        Assert.Null(aggregation.Totals(city).FirstEngagementAt);
        Assert.True(aggregation.FirstEngagementRepairs >= 2, "withdrawing more than the tracked candidates needs a repair");
    }

    [Fact]
    public void Totals_are_the_same_exactly_when_their_fingerprints_are()
    {
        // The aggregates skip a shard report whose totals are the same figures; that check must agree with the canonical text.
        var totalsGen = DeliveredModels.Select(model => Scopes.Select(scope => model.Aggregation.Totals(scope)).ToList());
        var same = 0;
        Gen.Select(totalsGen, totalsGen).Sample((left, right) =>
        {
            foreach (var a in left)
            {
                foreach (var b in right.Concat(left))
                {
                    var expected = ShardAggregation.Fingerprint(a) == ShardAggregation.Fingerprint(b);
                    Assert.Equal(expected, ShardAggregation.SameTotals(a, b));
                    if (expected)
                        same++;
                }
                // A copy with one more zero count is the same figure; one more commitment is not.
                Assert.True(ShardAggregation.SameTotals(a, a with { ByStatus = new Dictionary<CommitmentStatus, int>(a.ByStatus) { [CommitmentStatus.Withdrawn] = a.ByStatus.GetValueOrDefault(CommitmentStatus.Withdrawn) } }));
                Assert.False(ShardAggregation.SameTotals(a, a with { Commitments = a.Commitments + 1 }));
            }
        }, iter: 100);
        Assert.True(same > 0, "the generator must also produce equal totals");
    }

    [Fact]
    public void Tallies_show_the_same_figures_exactly_when_their_totals_fingerprints_are_and_a_reset_tally_recomputes_like_a_new_one()
    {
        // The verifier compares tallies counter by counter and reuses its tallies from pass to pass.
        var tallyGen = DeliveredModels.Select(model => model.Delivered.Values.ToList());
        var same = 0;
        Gen.Select(tallyGen, tallyGen).Sample((left, right) =>
        {
            foreach (var scope in Scopes)
            {
                var a = TallyOf(scope, left);
                var b = TallyOf(scope, right);
                var expected = ShardAggregation.Fingerprint(a.ToTotals(_ => [])) == ShardAggregation.Fingerprint(b.ToTotals(_ => []));
                Assert.Equal(expected, a.SameFigures(b));
                if (expected)
                    same++;

                // Reset, then fed the other's contributions: the same figures as a new tally of them.
                a.Reset();
                Assert.True(a.IsEmpty);
                foreach (var c in right.Where(c => c.Scopes.Any(s => s.Scope == scope)))
                    a.Add(c);
                Assert.True(a.SameFigures(b));
                Assert.Equal(ShardAggregation.Fingerprint(b.ToTotals(_ => [])), ShardAggregation.Fingerprint(a.ToTotals(_ => [])));
            }
        }, iter: 100);
        Assert.True(same > 0, "the generator must also produce equal tallies");

        static ScopeTally TallyOf(string scope, IEnumerable<Contribution> contributions)
        {
            var tally = new ScopeTally(scope);
            foreach (var c in contributions.Where(c => c.Scopes.Any(s => s.Scope == scope)))
                tally.Add(c);
            return tally;
        }
    }

    [Fact]
    public void The_verifier_removes_and_counts_a_running_total_of_a_scope_nothing_counts_in_and_finds_nothing_on_the_next_pass()
    {
        var model = new Model();
        for (var c = 0; c < Commitments; c++)
            model.Run(new Op(0, c, 6 * 4 + 1, 1 + c * 13));
        model.DeliverAll();
        var engaged = model.Delivered.Values.First(c => c.IsEngaged);

        // Simulate a bug: a running tally for a scope that no contribution is in.
        var tallies = (Dictionary<string, ScopeTally>)typeof(ShardAggregation)
            .GetField("_tallies", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(model.Aggregation)!;
        var phantom = new ScopeTally("goal:phantom");
        phantom.Add(engaged with { CommitmentId = "phantom" });
        tallies["goal:phantom"] = phantom;

        var repaired = new List<string>();
        for (var i = 0; i < ShardAggregation.SegmentCount; i++)
            repaired.AddRange(model.Aggregation.VerifyNextSegment());
        Assert.Equal(["goal:phantom"], repaired);
        Assert.Equal(1, model.Aggregation.Repairs);
        Assert.Equal(0, model.Aggregation.Totals("goal:phantom").Commitments);

        // The next pass reuses its tallies and finds the running totals right.
        for (var i = 0; i < ShardAggregation.SegmentCount; i++)
            Assert.Empty(model.Aggregation.VerifyNextSegment());
        Assert.Equal(1, model.Aggregation.Repairs);
        model.AssertExact();
    }

    /// <summary>Shards after a random stream of up to 40 operations, everything delivered.</summary>
    private static Gen<Model> DeliveredModels => OpGen.List[0, 40].Select(ops =>
    {
        var model = new Model();
        foreach (var op in ops)
            model.Run(op);
        model.DeliverAll();
        return model;
    });

    /// <summary>The goal and place scopes the streams count in.</summary>
    private static IEnumerable<string> Scopes => Goals.Concat(Neighbourhoods.Select(AggregateScope.Place));

    internal static Contribution Contribution(string id, long version, string participant, CommitmentStatus status, DateTimeOffset? confirmedAt, IReadOnlyList<ScopeWeight> scopes,
        CommitmentLevel level = CommitmentLevel.Result, double? progress = 0.5, ParticipantKind kind = ParticipantKind.Resident) =>
        new(id, version, participant, kind, level, status, progress, false, confirmedAt, scopes, Start.AddSeconds(version));

    /// <summary>The stream's truth: every version made, which were delivered, and the shard under test.</summary>
    private sealed class Model
    {
        private readonly long[] _versions = new long[Commitments];
        private readonly List<Contribution> _pending = [];
        private readonly List<Contribution> _made = [];

        public ShardAggregation Aggregation { get; private set; } = new();

        /// <summary>The newest version delivered per commitment: what the shard must hold.</summary>
        public Dictionary<string, Contribution> Delivered { get; } = new(StringComparer.Ordinal);

        public void Run(Op op)
        {
            switch (op.Kind)
            {
                case <= 4: // a new version (creation, report, upgrade, withdrawal, condition, verification, moved): delivered later
                    var made = Make(op);
                    _made.Add(made);
                    _pending.Add(made);
                    if (op.A % 3 == 0)
                        Deliver(_pending.Count - 1); // often at once
                    break;
                case 5 or 6: // a pending version arrives, out of order
                    if (_pending.Count > 0)
                        Deliver(op.A % _pending.Count);
                    break;
                case 7: // an old version arrives again (a retry or a duplicate): changes nothing
                    if (_made.Count > 0)
                        Apply(_made[op.A % _made.Count]);
                    break;
                case 8: // the shard restarts: reads what was durable, in any order
                    var durable = Delivered.Values.OrderBy(c => (c.CommitmentId.GetHashCode(StringComparison.Ordinal) ^ op.A) & 0xFFFF).ToList();
                    Aggregation = new ShardAggregation();
                    foreach (var c in durable)
                        Aggregation.Apply(c);
                    break;
                case 9: // verification steps
                    for (var i = 0; i < op.A % (ShardAggregation.SegmentCount + 5); i++)
                        Assert.Empty(Aggregation.VerifyNextSegment());
                    break;
                default: // publish: read some totals (repairs the first engagement lazily)
                    foreach (var scope in Aggregation.TakeChangedScopes().Take(1 + op.A % 5))
                        Aggregation.Totals(scope);
                    break;
            }
        }

        private void Deliver(int index)
        {
            var c = _pending[index];
            _pending.RemoveAt(index);
            Apply(c);
        }

        private void Apply(Contribution c)
        {
            var taken = Aggregation.Apply(c);
            var newer = !Delivered.TryGetValue(c.CommitmentId, out var held) || held.Version < c.Version;
            Assert.Equal(newer, taken);
            if (newer)
                Delivered[c.CommitmentId] = c;
        }

        public void DeliverAll()
        {
            while (_pending.Count > 0)
                Deliver(_pending.Count - 1);
        }

        private Contribution Make(Op op)
        {
            var id = $"commitment-{op.Commitment:D2}";
            var participant = $"participant-{op.Commitment % 7}";
            var kind = (ParticipantKind)(op.Commitment % 7 % 6);
            var version = ++_versions[op.Commitment];
            var a = op.A;
            var b = op.B;
            var status = (CommitmentStatus)(a % 6);
            var level = (CommitmentLevel)(a / 6 % 3);
            double? progress = b % 5 == 0 ? null : b % 1001 / 1000.0;
            double? verified = progress is { } p ? Math.Min(p, b / 7 % 11 / 10.0) : null;
            var notInForce = a / 18 % 5 == 0; // a condition waiting or lapsed, or a template
            DateTimeOffset? confirmedAt = status is CommitmentStatus.Draft || notInForce ? null : Start.AddMinutes(a / 90 % 500);
            var neighbourhood = Neighbourhoods[b / 13 % Neighbourhoods.Length];
            var scopes = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var place in PlaceCatalog.Leuven.Get(neighbourhood).SelfAndAncestors)
                scopes[AggregateScope.Place(place)] = 1;
            var goalBits = b / 97 % 8;
            if (goalBits == 0)
                goalBits = 1 + a % 7;
            for (var g = 0; g < 3; g++)
            {
                if ((goalBits & (1 << g)) == 0)
                    continue;
                var weight = Weights[(a / 7 + g) % Weights.Length];
                var goal = Goals[g + 1];
                scopes[goal] = Math.Max(scopes.GetValueOrDefault(goal), weight);
                if (g < 2) // the objectives' ambition, with the largest weight below it
                    scopes[Goals[0]] = Math.Max(scopes.GetValueOrDefault(Goals[0]), weight);
            }
            return new Contribution(id, version, participant, kind, level, status, progress, a % 4 == 0, confirmedAt,
                [.. scopes.Select(s => new ScopeWeight(s.Key, s.Value))], Start.AddSeconds(version), NotInForce: notInForce, VerifiedProgress: verified);
        }

        public string Expected(string scope) =>
            ShardAggregation.Fingerprint(EngagementMath.Totals(Delivered.Values.Where(c => c.Scopes.Any(s => s.Scope == scope)), scope));

        public void AssertExact()
        {
            var scopes = Delivered.Values.SelectMany(c => c.Scopes.Select(s => s.Scope)).Concat(Aggregation.Scopes).Distinct().ToList();
            foreach (var scope in scopes)
                Assert.Equal(Expected(scope), ShardAggregation.Fingerprint(Aggregation.Totals(scope)));
        }
    }
}
