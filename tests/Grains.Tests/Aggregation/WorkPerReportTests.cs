using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;

namespace CivicContracting.Grains.Tests.Aggregation;

/// <summary>
/// Issue 12's promise, counted rather than timed: the aggregation work of one progress report (taking the contribution,
/// adjusting the totals of its scopes, producing the totals of each changed scope for publishing) is the same whether the
/// shard holds 1,000 or 100,000 contributions.
/// </summary>
public sealed class WorkPerReportTests
{
    private static readonly string[] Neighbourhoods = [.. PlaceCatalog.Leuven.Neighbourhoods.Select(n => n.Code)];
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void One_report_visits_as_much_at_100000_contributions_as_at_1000()
    {
        var small = WorkOfOneReport(1_000);
        var large = WorkOfOneReport(100_000);
        Assert.True(small > 0);
        Assert.Equal(small, large);
    }

    [Fact]
    public void One_report_on_a_commitment_in_a_hot_city_wide_goal_costs_what_it_costs_in_a_small_goal()
    {
        // The city-wide goal holds every contribution; the small one a handful. The report's work does not see the difference.
        var aggregation = City(50_000);
        var hot = Report(aggregation, "c-000001");
        var quiet = Report(aggregation, "c-000200");
        Assert.Equal(hot, quiet);
    }

    private static long WorkOfOneReport(int size) => Report(City(size), "c-000007");

    private static long Report(ShardAggregation aggregation, string commitmentId)
    {
        aggregation.TakeChangedScopes();
        var before = aggregation.Work;
        var held = aggregation.Get(commitmentId)!;
        var report = held with
        {
            Version = held.Version + 1,
            Status = CommitmentStatus.Active,
            Progress = 0.75,
        };
        Assert.True(aggregation.Apply(report));
        foreach (var scope in aggregation.TakeChangedScopes())
            aggregation.Totals(scope); // what publishing the changed scopes costs
        return aggregation.Work - before;
    }

    private static ShardAggregation City(int size)
    {
        var aggregation = new ShardAggregation();
        for (var i = 0; i < size; i++)
        {
            var neighbourhood = Neighbourhoods[i % Neighbourhoods.Length];
            var scopes = PlaceCatalog.Leuven.Get(neighbourhood).SelfAndAncestors.Select(p => new ScopeWeight(AggregateScope.Place(p), 1)).ToList();
            scopes.Add(new ScopeWeight(i % 100 == 0 ? "goal:quiet" : "goal:hot", 1));
            aggregation.Apply(new Contribution($"c-{i:D6}", 1, $"p-{i / 5}", (ParticipantKind)(i % 6), (CommitmentLevel)(i % 3),
                CommitmentStatus.Confirmed, i % 3 == 0 ? null : 0.5, false, Start.AddMinutes(i), scopes, Start));
        }
        return aggregation;
    }
}
