using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Validation;
using Orleans.Core.Internal;
using Orleans.Runtime;

namespace CivicContracting.Grains.Tests.Goals;

/// <summary>Administrators revise goals: texts, the citizen panel's wording, target and roll-up rule, with a readable history.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GoalRevisionTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static readonly CitizenPanelWording Wording = new("Meer groen en minder autoverkeer in onze straten.", "Burgerpanel Kessel-Lo", "https://example.org/visie.pdf");

    private static GoalDefinition Definition(string? parent = null) =>
        new("Half of all trips on foot or by bike", "The original description.", new GoalScope(PlaceLevel.District, ["24062C"]), parent,
            new QuantitativeTarget("share of active trips", "%", 20, 50, new DateOnly(2030, 12, 31)));

    private static GoalRevision Revision(GoalDefinition d, string by = "Admin B", string? note = null) =>
        new(d.Title, d.Description, d.CitizenPanelWording, d.Target, d.RollUp, by, note);

    [Fact]
    public async Task A_revision_changes_texts_wording_target_and_rule_and_keeps_the_earlier_version_readable()
    {
        var parent = await TestData.Goal(Grains);
        var id = TestData.NewId("g");
        var grain = Grains.GetGrain<IGoalGrain>(id);
        var original = Definition(parent);
        var defined = await grain.DefineAs(original, "Admin A");
        Assert.Equal(1, defined.Version);
        Assert.Equal("Admin A", defined.RevisedBy);

        var newTarget = new QuantitativeTarget("share of active trips", "%", 20, 60, new DateOnly(2032, 6, 30));
        var revised = await grain.Revise(new GoalRevision("Two thirds of all trips on foot or by bike", "Revised.", Wording, newTarget,
            RollUpRule.MeanOfObjectives, "Admin B", "The panel raised the bar."));

        Assert.Equal(2, revised.Version);
        Assert.Equal("Admin B", revised.RevisedBy);
        Assert.NotNull(revised.RevisedAt);
        var d = revised.Definition;
        Assert.Equal("Two thirds of all trips on foot or by bike", d.Title);
        Assert.Equal("Revised.", d.Description);
        Assert.Equal(Wording, d.CitizenPanelWording);
        Assert.Equal(newTarget, d.Target);
        Assert.Equal(RollUpRule.MeanOfObjectives, d.RollUp);
        // What a revision never changes.
        Assert.Equal(parent, d.ParentGoalId);
        Assert.Equal(PlaceLevel.District, d.Scope.Level);
        Assert.Equal(["24062C"], d.Scope.PlaceCodes);
        Assert.Equal(defined.CreatedAt, revised.CreatedAt);
        Assert.Equal(defined.Lineage, revised.Lineage);

        var versions = await grain.GetVersions();
        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.Equal(original.Title, versions[0].Definition.Title);
        Assert.Equal(original.Target, versions[0].Definition.Target);
        Assert.Null(versions[0].Definition.CitizenPanelWording);
        Assert.Equal("Admin A", versions[0].By);
        Assert.Equal(defined.CreatedAt, versions[0].ValidFrom);
        Assert.Equal(revised.RevisedAt, versions[0].ValidUntil);
        Assert.Equal("Admin B", versions[1].By);
        Assert.Equal("The panel raised the bar.", versions[1].Note);
        Assert.Equal(revised.RevisedAt, versions[1].ValidFrom);
        Assert.Null(versions[1].ValidUntil);

        // Stored: a new activation reads the same.
        await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var management = Grains.GetGrain<IManagementGrain>(0);
        await Eventually.Until(async () => !(await management.GetActiveGrains(grain.GetGrainId().Type)).Contains(grain.GetGrainId()),
            TimeSpan.FromSeconds(10), "the goal deactivated");
        Assert.Equal(2, (await grain.GetInfo())!.Version);
        Assert.Equal(2, (await grain.GetVersions()).Count);
    }

    [Fact]
    public async Task A_revision_that_changes_nothing_is_a_no_op()
    {
        var id = TestData.NewId("g");
        var grain = Grains.GetGrain<IGoalGrain>(id);
        var defined = await grain.DefineAs(Definition(), "Admin A");

        var same = await grain.Revise(Revision(defined.Definition, by: "Admin B", note: "Only a note."));

        Assert.Equal(1, same.Version);
        Assert.Equal("Admin A", same.RevisedBy);
        Assert.Null(same.RevisedAt);
        Assert.Single(await grain.GetVersions());
    }

    [Fact]
    public async Task Bad_revisions_are_rejected_naming_the_field_and_change_nothing()
    {
        var id = TestData.NewId("g");
        var grain = Grains.GetGrain<IGoalGrain>(id);
        var defined = await grain.Define(Definition());
        var d = defined.Definition;

        async Task Rejects(GoalRevision revision, string field)
        {
            var ex = await Assert.ThrowsAsync<InputRejectedException>(() => grain.Revise(revision));
            Assert.Contains(field, ex.Errors.Keys);
        }

        await Rejects(Revision(d with { Title = " " }), "title");
        await Rejects(Revision(d with { Target = d.Target! with { Target = d.Target.Baseline } }), "target.target");
        await Rejects(Revision(d with { CitizenPanelWording = new CitizenPanelWording("Tekst", "") }), "citizenPanelWording.source");
        await Rejects(Revision(d with { CitizenPanelWording = new CitizenPanelWording("Tekst", "Panel", "javascript:alert(1)") }), "citizenPanelWording.sourceUrl");
        await Rejects(Revision(d with { RollUp = (RollUpRule)7 }), "rollUp");
        await Rejects(Revision(d, by: ""), "revisedBy");

        var after = await grain.GetInfo();
        Assert.Equal(1, after!.Version);
        Assert.Equal(d.Title, after.Definition.Title);
        Assert.Single(await grain.GetVersions());

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Grains.GetGrain<IGoalGrain>(TestData.NewId("g")).Revise(Revision(d)));
    }

    [Fact]
    public async Task The_directory_lists_the_revised_title_and_version()
    {
        var id = TestData.NewId("g");
        var grain = Grains.GetGrain<IGoalGrain>(id);
        var defined = await grain.Define(Definition());

        await grain.Revise(Revision(defined.Definition with { Title = "A new title" }));

        var listing = (await Grains.GetGrain<IGoalDirectoryGrain>(0).List()).Single(g => g.Id == id);
        Assert.Equal("A new title", listing.Title);
        Assert.Equal(2, listing.Version);
        Assert.Equal(defined.CreatedAt, listing.CreatedAt);
    }

    [Fact]
    public async Task Repeating_the_original_definition_after_a_revision_is_a_no_op_and_another_one_is_a_conflict()
    {
        var id = TestData.NewId("g");
        var grain = Grains.GetGrain<IGoalGrain>(id);
        var original = Definition();
        await grain.Define(original);
        await grain.Revise(Revision(original with { Title = "Revised title" }));

        var again = await grain.Define(original);

        Assert.Equal("Revised title", again.Definition.Title);
        Assert.Equal(2, again.Version);
        await Assert.ThrowsAsync<StateConflictException>(() => grain.Define(original with { Title = "Something else" }));
    }

    [Fact]
    public async Task A_new_title_leaves_the_aggregate_as_it_was()
    {
        var goal = await TestData.Goal(Grains);
        var participant = await TestData.Participant(Grains);
        var commitment = await TestData.ConfirmedCommitment(Grains, participant, TestData.ResultTerms(0, 100), "24062W01", new GoalWeight(goal));
        await Grains.GetGrain<ICommitmentGrain>(commitment).ReportProgress(new ProgressReport("r1", DateTimeOffset.UtcNow, Value: 40));
        var aggregate = Grains.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(goal));
        var before = await Eventually.Value(aggregate.GetSnapshot, s => s.Progress is > 0.39);
        var grain = Grains.GetGrain<IGoalGrain>(goal);

        await grain.Revise(Revision((await grain.GetInfo())!.Definition with
        {
            Title = "Renamed",
            Description = "Other words.",
            CitizenPanelWording = Wording,
            Target = new QuantitativeTarget("trips", "%", 10, 90, new DateOnly(2031, 1, 1)),
        }));
        await Task.Delay(300); // anything the revision set off would have reached the aggregate by now

        var after = await aggregate.GetSnapshot();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Progress, after.Progress);
        Assert.Equal(before.Totals.EngagedCommitments, after.Totals.EngagedCommitments);
    }

    [Fact]
    public async Task Changing_the_roll_up_rule_recomputes_the_goals_progress_with_the_new_rule_and_back()
    {
        var ambition = await TestData.Goal(Grains);
        var a = await TestData.Goal(Grains, parent: ambition);
        var b = await TestData.Goal(Grains, parent: ambition);
        var participant = await TestData.Participant(Grains);
        var result = await TestData.ConfirmedCommitment(Grains, participant, TestData.ResultTerms(0, 100), "24062W01", new GoalWeight(a, 1));
        var action = await TestData.ConfirmedCommitment(Grains, participant, TestData.ActionTerms(4), "24062W01", new GoalWeight(b, 3));
        await Grains.GetGrain<ICommitmentGrain>(result).ReportProgress(new ProgressReport("r", DateTimeOffset.UtcNow, Value: 90));
        await Grains.GetGrain<ICommitmentGrain>(action).ReportProgress(new ProgressReport("m", DateTimeOffset.UtcNow, CompletedMilestoneId: "m1"));

        // Weighted mean of the commitments (the default): (1 × 0.9 + 3 × 0.25) / (1 + 3).
        const double weighted = (1 * 0.9 + 3 * 0.25) / 4;
        const double meanOfObjectives = (0.9 + 0.25) / 2;
        var aggregate = Grains.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(ambition));
        var s = await Eventually.Value(aggregate.GetSnapshot,
            s => s.ObjectiveProgress.Count == 2 && s.ObjectiveProgress.Values.All(p => p > 0) && s.Progress is { } p && Math.Abs(p - weighted) < 1e-9);
        Assert.Equal(weighted, s.Progress!.Value, 12);

        var grain = Grains.GetGrain<IGoalGrain>(ambition);
        var definition = (await grain.GetInfo())!.Definition;
        await grain.Revise(Revision(definition with { RollUp = RollUpRule.MeanOfObjectives }));

        // Configure returns once the aggregate has recomputed: no waiting needed.
        s = await aggregate.GetSnapshot();
        Assert.Equal(meanOfObjectives, s.Progress!.Value, 12);
        Assert.Equal(weighted, s.WeightedProgress!.Value, 12);
        Assert.Equal(2, s.Totals.EngagedCommitments);

        await grain.Revise(Revision(definition with { RollUp = RollUpRule.WeightedMeanOfCommitments }));
        Assert.Equal(weighted, (await aggregate.GetSnapshot()).Progress!.Value, 12);
        var history = await aggregate.GetHistory();
        Assert.Equal(weighted, history[^1].Progress!.Value, 12);
    }
}
