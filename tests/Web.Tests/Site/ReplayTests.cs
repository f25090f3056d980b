using System.Net;
using System.Text.Json.Nodes;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.ReadModel;

namespace CivicContracting.Web.Tests.Site;

/// <summary>The replay of the oil stain: computed from the commitments' confirmation times, per neighbourhood.</summary>
public sealed class ReplayComputationTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Contribution Confirmed(string id, string participant, ParticipantKind kind, string neighbourhood, DateTimeOffset confirmedAt,
        CommitmentStatus status = CommitmentStatus.Active, string goal = "g-1")
    {
        var place = PlaceCatalog.Leuven.Get(neighbourhood);
        var scopes = place.SelfAndAncestors.Select(code => new ScopeWeight(AggregateScope.Place(code), 1))
            .Append(new ScopeWeight(AggregateScope.Goal(goal), 1)).ToList();
        return new Contribution(id, 1, participant, kind, CommitmentLevel.Pledge, status, null, false, confirmedAt, scopes, confirmedAt);
    }

    [Fact]
    public void Each_step_counts_the_engaged_commitments_confirmed_by_then_and_their_distinct_participants()
    {
        var index = new ContributionIndex(
        [
            Confirmed("c1", "p1", ParticipantKind.School, "24062W01", Start),
            Confirmed("c2", "p1", ParticipantKind.School, "24062W01", Start.AddDays(10)),
            Confirmed("c3", "p2", ParticipantKind.Resident, "24062W02", Start.AddDays(20)),
            Confirmed("c4", "p3", ParticipantKind.Resident, "24062W02", Start.AddDays(30), CommitmentStatus.Withdrawn),
            new Contribution("c5", 1, "p4", ParticipantKind.City, CommitmentLevel.Pledge, CommitmentStatus.Draft, null, false, null,
                [new ScopeWeight(AggregateScope.Place("24062W03"), 1)], Start),
        ], takenAt: Start.AddDays(59));

        var replay = EngagementReplay.Compute(index, goal: null, kind: null);

        Assert.Equal(EngagementReplay.MaxSteps, replay.Steps.Count);
        Assert.Equal(Start, replay.Steps[0]);
        Assert.Equal(Start.AddDays(59), replay.Steps[^1]);
        Assert.Equal(24, replay.Places.Count);
        var first = replay.Places["24062W01"];
        Assert.Equal(1, first.Commitments[0]);
        Assert.Equal(2, first.Commitments[^1]);
        Assert.Equal(1, first.Participants[^1]); // the same school twice is one participant
        Assert.Equal(1, first.ParticipantsByKind[ParticipantKind.School][^1]);
        var second = replay.Places["24062W02"];
        Assert.Equal(0, second.Commitments[0]);
        Assert.Equal(1, second.Commitments[^1]); // the withdrawn one never counts
        // Step i is at Start + 59 days * i / 59 = Start + i days: the resident's commitment appears at step 20.
        Assert.Equal(0, second.Commitments[19]);
        Assert.Equal(1, second.Commitments[20]);
        Assert.All(replay.Places["24062W03"].Commitments, n => Assert.Equal(0, n)); // drafts are not engagement
        // Counts never go down over the steps.
        Assert.All(replay.Places.Values, p => Assert.True(p.Commitments.Zip(p.Commitments.Skip(1)).All(x => x.First <= x.Second)));
    }

    [Fact]
    public void Filters_keep_only_one_goal_and_one_kind()
    {
        var index = new ContributionIndex(
        [
            Confirmed("c1", "p1", ParticipantKind.School, "24062W01", Start, goal: "g-mobility"),
            Confirmed("c2", "p2", ParticipantKind.Resident, "24062W01", Start.AddHours(1), goal: "g-green"),
            Confirmed("c3", "p3", ParticipantKind.Resident, "24062W01", Start.AddHours(2), goal: "g-mobility"),
        ], takenAt: Start.AddHours(3));

        Assert.Equal(2, EngagementReplay.Compute(index, "g-mobility", null).Places["24062W01"].Commitments[^1]);
        Assert.Equal(2, EngagementReplay.Compute(index, null, ParticipantKind.Resident).Places["24062W01"].Commitments[^1]);
        var both = EngagementReplay.Compute(index, "g-mobility", ParticipantKind.Resident).Places["24062W01"];
        Assert.Equal(1, both.Commitments[^1]);
        Assert.Equal([ParticipantKind.Resident], both.ParticipantsByKind.Keys);
    }

    [Fact]
    public void Without_engagement_the_replay_is_one_empty_step()
    {
        var replay = EngagementReplay.Compute(new ContributionIndex([], Start), null, null);
        Assert.Single(replay.Steps);
        Assert.All(replay.Places.Values, p => Assert.Equal([0], p.Commitments));
    }
}

[Collection(WebAppCollection.Name)]
public sealed class ReplayApiTests(WebAppFixture app)
{
    [Fact]
    public async Task A_confirmed_commitment_appears_in_the_last_step_of_its_neighbourhood_and_goal_replay()
    {
        var api = app.Operator;
        var neighbourhood = TestApi.Neighbourhood(17);
        var goal = await api.DefineGoalAsync();
        var school = await api.RegisterAsync(ParticipantKind.School, neighbourhood);
        var commitment = await api.CommitAsync(school, neighbourhood, TestApi.PledgeTerms(), (goal, 1.0));
        await api.ConfirmAsync(commitment.Id);

        // The web host reloads its commitments list shortly after the pushed change.
        var replay = await Eventually.Value(
            () => app.Public.GetAsync<JsonObject>($"/api/map/replay?goal={goal}&kind=school"),
            r => (int)r["places"]![neighbourhood]!["commitments"]!.AsArray()[^1]! == 1,
            TimeSpan.FromSeconds(10));
        Assert.Equal(1, (int)replay["places"]![neighbourhood]!["commitments"]!.AsArray()[^1]!);
        Assert.Equal(1, (int)replay["places"]![neighbourhood]!["participantsByKind"]!["school"]!.AsArray()[^1]!);
        Assert.Equal(24, replay["places"]!.AsObject().Count);
        var others = replay["places"]!.AsObject().Where(p => p.Key != neighbourhood).Sum(p => (int)p.Value!["commitments"]!.AsArray()[^1]!);
        Assert.Equal(0, others);
    }

    [Theory]
    [InlineData("kind=alien", "kind")]
    [InlineData("goal=no-such-goal", "goal")]
    public async Task Unknown_filters_are_refused_with_a_problem_naming_them(string query, string field)
    {
        var response = await app.Public.GetAsync($"/api/map/replay?{query}");
        await response.ProblemNamingAsync(field);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_districts_layer_has_the_five_districts_and_the_attribution()
    {
        var districts = await app.Public.GetAsync<JsonObject>("/api/map/districts");
        Assert.Equal(5, districts["features"]!.AsArray().Count);
        Assert.Contains("Statbel", districts["attribution"]!.ToJsonString(), StringComparison.Ordinal);
    }
}
