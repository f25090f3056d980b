using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Silo.Demo;

namespace CivicContracting.Silo.Tests.Demo;

/// <summary>Runs the seeder twice on one cluster (the second time with a new seeder, as after a restart) and reads the world after each run.</summary>
public sealed class SeededTwiceFixture : DemoClusterFixture
{
    public DemoPlan Plan { get; private set; } = null!;

    public SeedResult First { get; private set; } = null!;

    public SeedResult Second { get; private set; } = null!;

    public DemoWorld AfterFirst { get; private set; } = null!;

    public DemoWorld AfterSecond { get; private set; } = null!;

    protected override async Task OnDeployedAsync()
    {
        var seeder = NewSeeder();
        Plan = seeder.Plan();
        First = await seeder.SeedAsync();
        AfterFirst = await DemoWorld.ReadAsync(this, Plan);
        Second = await NewSeeder().SeedAsync();
        AfterSecond = await DemoWorld.ReadAsync(this, Plan);
    }
}

public sealed class DemoSeedTests(SeededTwiceFixture fixture) : IClassFixture<SeededTwiceFixture>
{
    private DemoPlan Plan => fixture.Plan;

    [Fact]
    public void The_first_run_creates_the_whole_seed_without_failures()
    {
        var first = fixture.First;

        Assert.Equal(0, first.Failures);
        Assert.Equal(Plan.Goals.Count, first.GoalsDefined);
        Assert.Equal(Plan.Participants.Count, first.ParticipantsRegistered);
        Assert.Equal(LeuvenDemoPlan.CommitmentCount, first.CommitmentsCreated);
        Assert.Equal(Plan.Commitments.Count(c => c.Outcome != CommitmentStatus.Draft), first.Confirmations);
        Assert.Equal(Plan.Commitments.Count(c => c.UpgradeTo is not null), first.Upgrades);
        Assert.Equal(Plan.Commitments.Sum(c => c.Reports.Count), first.ProgressReports);
        Assert.Equal(Plan.Commitments.Count(c => c.Outcome is CommitmentStatus.Achieved or CommitmentStatus.Missed), first.Closed);
        Assert.Equal(Plan.Commitments.Count(c => c.Outcome == CommitmentStatus.Withdrawn), first.Withdrawn);
    }

    [Fact]
    public void The_second_run_creates_nothing_twice()
    {
        Assert.Equal(0, fixture.Second.Failures);
        Assert.True(fixture.Second.ChangedNothing, $"The second run still acted: {fixture.Second}");
    }

    [Fact]
    public void Goals_participants_commitments_histories_and_the_city_aggregate_are_identical_after_the_second_run()
    {
        var (first, second) = (fixture.AfterFirst, fixture.AfterSecond);

        Assert.Equal(Plan.Goals.Count, first.GoalIds.Count);
        Assert.Equal(Plan.Participants.Count, first.ParticipantIds.Count);
        Assert.Equal(LeuvenDemoPlan.CommitmentCount, first.CommitmentIds.Count);
        Assert.Equal(first.GoalIds, second.GoalIds);
        Assert.Equal(first.ParticipantIds, second.ParticipantIds);
        Assert.Equal(first.CommitmentIds, second.CommitmentIds);
        Assert.Equal(first.CommitmentStates, second.CommitmentStates);
        Assert.Equal(first.CityAggregate, second.CityAggregate);
    }

    [Fact]
    public async Task The_Kessel_Lo_ambition_holds_its_28_illustrative_objectives()
    {
        var ambition = await fixture.Grains.GetGrain<IGoalGrain>(LeuvenContent.KesselLoAmbitionId).GetInfo();

        Assert.NotNull(ambition);
        Assert.True(ambition.Definition.Illustrative);
        Assert.Equal(28, ambition.ChildGoalIds.Count);
        Assert.Equal(28, ambition.ChildGoalIds.Distinct().Count());
        foreach (var id in ambition.ChildGoalIds)
        {
            var objective = await fixture.Grains.GetGrain<IGoalGrain>(id).GetInfo();
            Assert.NotNull(objective);
            Assert.Equal(LeuvenContent.KesselLoAmbitionId, objective.Definition.ParentGoalId);
            Assert.True(objective.Definition.Illustrative);
            Assert.Equal(["24062C"], objective.Definition.Scope.PlaceCodes);
        }
        var city = await fixture.Grains.GetGrain<IGoalGrain>(LeuvenContent.CityAmbitionId).GetInfo();
        Assert.NotNull(city);
        Assert.Equal(PlaceLevel.City, city.Definition.Scope.Level);
        Assert.True(city.ChildGoalIds.Count >= 5);
    }

    [Fact]
    public async Task Participants_of_all_six_kinds_exist_and_residents_show_a_pseudonym()
    {
        var profiles = new List<ParticipantProfile>();
        foreach (var planned in Plan.Participants)
            profiles.Add(await fixture.Grains.GetGrain<IParticipantGrain>(planned.Id).GetProfile() ?? throw new Xunit.Sdk.XunitException($"{planned.Id} is missing"));

        Assert.Equal(Enum.GetValues<ParticipantKind>(), profiles.Select(p => p.Kind).Distinct().Order());
        Assert.All(Plan.Participants.Where(p => p.Registration.Kind == ParticipantKind.Resident), planned =>
        {
            var profile = profiles.Single(p => p.Id == planned.Id);
            Assert.Equal(planned.Registration.Pseudonym, profile.DisplayName);
            Assert.NotEqual(planned.Registration.Name, profile.DisplayName);
        });
        var school = profiles.Single(p => p.Id == LeuvenPeople.SchoolDeArk);
        Assert.Equal("Basisschool De ARK", school.DisplayName);
        Assert.Contains(LeuvenDemoPlan.SchoolResultCommitmentId, school.CommitmentIds);
    }

    [Fact]
    public async Task The_school_result_commitment_is_confirmed_and_has_progress()
    {
        var view = await fixture.Grains.GetGrain<ICommitmentGrain>(LeuvenDemoPlan.SchoolResultCommitmentId).Get();

        Assert.NotNull(view);
        Assert.Equal(LeuvenPeople.SchoolDeArk, view.ParticipantId);
        Assert.Equal(CommitmentLevel.Result, view.Terms.Level);
        Assert.Equal((55.0, 80.0), (view.Terms.Target!.Baseline, view.Terms.Target.Target));
        Assert.Contains("gebeurt 80 % van de verplaatsingen van en naar onze school te voet of met de fiets", view.Terms.Title, StringComparison.Ordinal);
        Assert.NotNull(view.Confirmation);
        Assert.Equal(LeuvenPeople.SchoolDeArk, view.Confirmation.ConfirmedBy);
        // Signed at the pilot's co-creation session, long before it was entered.
        var planned = Plan.Commitments.Single(c => c.Id == LeuvenDemoPlan.SchoolResultCommitmentId);
        Assert.Equal(planned.SignedAt, view.Confirmation.ConfirmedAt);
        Assert.True(view.Confirmation.ConfirmedAt < view.CreatedAt.AddDays(-500), $"signed {view.Confirmation.ConfirmedAt}, entered {view.CreatedAt}");
        Assert.Equal(CommitmentText.Hash(view.Terms), view.Confirmation.TextHash);
        Assert.Equal(CommitmentStatus.Active, view.Status);
        Assert.Equal(4, view.Reports.Count);
        Assert.Equal(67, view.CurrentValue);
        Assert.Equal((67 - 55) / 25.0, view.Progress!.Value, 9);

        var objective = await fixture.SettledSnapshotAsync(AggregateScope.Goal(LeuvenContent.KesselLoObjectiveId(1)));
        Assert.True(objective.Totals.EngagedByLevel.GetValueOrDefault(CommitmentLevel.Result) >= 1);
        Assert.True(objective.Totals.ParticipantsByKind.GetValueOrDefault(ParticipantKind.School) >= 1);
    }

    [Fact]
    public async Task Every_confirmed_commitment_carries_its_planned_signing_date_in_its_confirmation_and_contribution()
    {
        foreach (var planned in Plan.Commitments)
        {
            var grain = fixture.Grains.GetGrain<ICommitmentGrain>(planned.Id);
            var view = await grain.Get();
            var contribution = await grain.GetContribution();
            Assert.NotNull(view);
            Assert.NotNull(contribution);
            if (planned.Outcome == CommitmentStatus.Draft)
            {
                Assert.Null(view.Confirmation);
                Assert.Null(contribution.ConfirmedAt);
                continue;
            }
            // An upgrade is confirmed when it is entered; the first confirmation keeps the signing date.
            Assert.Equal(planned.SignedAt, contribution.ConfirmedAt);
            Assert.Equal(planned.SignedAt, planned.UpgradeTo is null ? view.Confirmation!.ConfirmedAt : view.EarlierVersions[0].Confirmation!.ConfirmedAt);
            Assert.All(view.Reports.Where(r => !r.ReportId.StartsWith("sim-", StringComparison.Ordinal)), r => Assert.True(r.ReportedAt > planned.SignedAt, $"{planned.Id} {r.ReportId}"));
        }
    }

    [Fact]
    public async Task The_stain_dates_its_first_engagement_at_the_pilot_session_in_Kessel_Lo_and_reaches_other_districts_later()
    {
        var pilot = Plan.Commitments.Single(c => c.Id == LeuvenDemoPlan.SchoolResultCommitmentId).SignedAt!.Value;

        Assert.Equal(pilot, fixture.AfterSecond.CitySnapshot.Totals.FirstEngagementAt);
        Assert.Equal(pilot, (await fixture.SettledSnapshotAsync(AggregateScope.Place(OilStain.KesselLoDistrictCode))).Totals.FirstEngagementAt);
        foreach (var district in PlaceCatalog.Leuven.Districts.Where(d => d.Code != OilStain.KesselLoDistrictCode))
        {
            var first = (await fixture.SettledSnapshotAsync(AggregateScope.Place(district.Code))).Totals.FirstEngagementAt;
            Assert.True(first > pilot.AddDays(60), $"{district.Name}: first engagement {first}, pilot {pilot}");
        }
    }

    [Fact]
    public void The_city_aggregate_counts_every_seeded_commitment_by_status_and_every_kind_of_participant()
    {
        var city = fixture.AfterSecond.CitySnapshot;
        var expected = Plan.Commitments
            .GroupBy(c => c.Outcome == CommitmentStatus.Active && c.Reports.Count == 0 ? CommitmentStatus.Confirmed : c.Outcome)
            .ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(LeuvenDemoPlan.CommitmentCount, city.Totals.Commitments);
        Assert.Equal(expected.OrderBy(e => e.Key), city.Totals.ByStatus.OrderBy(e => e.Key));
        Assert.Equal(6, city.DistinctKinds);
        Assert.NotNull(city.MeanProgress);
        Assert.NotNull(city.Totals.FirstEngagementAt);
    }
}

/// <summary>A cluster that holds the Kessel-Lo ambition as another edition of the demo defined it (other texts, e.g. the English ones of earlier versions).</summary>
public sealed class OtherEditionFixture : DemoClusterFixture
{
    public SeedResult Result { get; private set; } = null!;

    protected override async Task OnDeployedAsync()
    {
        var planned = NewSeeder().Plan().Goals.Single(g => g.Id == LeuvenContent.KesselLoAmbitionId);
        await Grains.GetGrain<IGoalGrain>(planned.Id).Define(planned.Definition with { Description = "The shared vision for Kessel-Lo (an earlier edition)." });
        Result = await NewSeeder().SeedAsync();
    }
}

public sealed class DemoOtherEditionTests(OtherEditionFixture fixture) : IClassFixture<OtherEditionFixture>
{
    [Fact]
    public async Task Data_of_another_edition_of_the_demo_is_left_as_it_is_without_a_failure_per_item()
    {
        Assert.Equal(0, fixture.Result.Failures);
        Assert.True(fixture.Result.ChangedNothing, $"the seed acted on another edition's data: {fixture.Result}");
        Assert.Null(await fixture.Grains.GetGrain<ICommitmentGrain>(LeuvenDemoPlan.SchoolResultCommitmentId).Get());
        Assert.Null(await fixture.Grains.GetGrain<IGoalGrain>(LeuvenContent.CityAmbitionId).GetInfo());
    }
}
