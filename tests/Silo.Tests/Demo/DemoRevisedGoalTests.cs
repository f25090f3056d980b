using CivicContracting.Goals;
using CivicContracting.Silo.Demo;

namespace CivicContracting.Silo.Tests.Demo;

/// <summary>
/// The Kessel-Lo ambition as this edition of the demo defines it, revised by an administrator (other title, description and
/// the citizen panel's wording) before the seed runs, as after a restart part-way through: the revision makes it no other
/// edition, so the seed goes on and completes the demo, and leaves the revision as it is.
/// </summary>
public sealed class RevisedDemoGoalFixture : DemoClusterFixture
{
    public SeedResult Seed { get; private set; } = null!;

    public GoalInfo Revised { get; private set; } = null!;

    protected override async Task OnDeployedAsync()
    {
        var planned = NewSeeder().Plan().Goals.Single(g => g.Id == LeuvenContent.KesselLoAmbitionId);
        var goal = Grains.GetGrain<IGoalGrain>(planned.Id);
        var d = (await goal.Define(planned.Definition)).Definition;
        await goal.Revise(new GoalRevision(d.Title + " (herzien)", "Herziene omschrijving.",
            new CitizenPanelWording("Duurzame mobiliteit, meer groen, leefbaarheid en comfort.", "Burgerpanel Kessel-Lo"), d.Target, d.RollUp, "Beheerder"));
        Seed = await NewSeeder().SeedAsync();
        Revised = (await goal.GetInfo())!;
    }
}

public sealed class DemoRevisedGoalTests(RevisedDemoGoalFixture fixture) : IClassFixture<RevisedDemoGoalFixture>
{
    [Fact]
    public void A_goal_revised_by_an_administrator_is_no_other_edition_and_the_seed_completes_around_it()
    {
        Assert.Equal(0, fixture.Seed.Failures);
        Assert.Equal(LeuvenDemoPlan.CommitmentCount, fixture.Seed.CommitmentsCreated);
        Assert.Equal(2, fixture.Revised.Version);
        Assert.EndsWith("(herzien)", fixture.Revised.Definition.Title, StringComparison.Ordinal);
        Assert.Equal("Burgerpanel Kessel-Lo", fixture.Revised.Definition.CitizenPanelWording!.Source);
        Assert.Equal(28, fixture.Revised.ChildGoalIds.Count);
    }
}
