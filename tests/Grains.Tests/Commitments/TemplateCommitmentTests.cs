using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>Template commitments taken up per neighbourhood: each copy counts in its own neighbourhood, the template never.</summary>
[Collection(CommitmentClusterCollection.Name)]
public sealed class TemplateCommitmentTests(CommitmentClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    // Neighbourhoods no other test of this cluster uses, so their aggregates change only here.
    private const string TemplateHome = "24062W02";
    private const string FirstStreet = "24062W04";
    private const string SecondStreet = "24062W06";

    [Fact]
    public async Task Copies_of_a_template_count_each_in_their_own_neighbourhood_and_the_template_never_counts()
    {
        // Read before anything of this test exists: aggregates publish asynchronously, so a read after the template's
        // confirmation might or might not include it yet.
        string[] places = [TemplateHome, FirstStreet, SecondStreet];
        var before = new Dictionary<string, EngagementSnapshot>();
        foreach (var code in places)
            before[code] = await Grains.Snapshot(AggregateScope.Place(code));
        var goal = await TestData.Goal(Grains);
        var city = await TestData.Participant(Grains, ParticipantKind.City, TemplateHome);
        var terms = TestData.ActionTerms(2);
        var (templateId, template, created) = await Grains.Create(city, TemplateHome, goal, terms, isTemplate: true);
        Assert.True(created.IsTemplate);
        var published = await template.ConfirmAs(terms, "Alderman");
        Assert.False(published.CountsInAggregates);
        Assert.True((await template.GetContribution())!.NotInForce);

        // One copy taken up, one created with the template's goals and terms: each with its own participant and place.
        var resident = await TestData.Participant(Grains, ParticipantKind.Resident, FirstStreet);
        var school = await TestData.Participant(Grains, ParticipantKind.School, SecondStreet);
        var firstId = TestData.NewId("c");
        var first = Grains.GetGrain<ICommitmentGrain>(firstId);
        var firstView = await first.TakeUp(new TemplateTakeUp(templateId, resident, FirstStreet));
        Assert.Equal((templateId, resident, FirstStreet, false), (firstView.TemplateId, firstView.ParticipantId, firstView.NeighbourhoodCode, firstView.IsTemplate));
        Assert.Equal(published.Goals, firstView.Goals);
        Assert.Equal(CommitmentText.Hash(terms), CommitmentText.Hash(firstView.Terms));
        var secondId = TestData.NewId("c");
        var second = Grains.GetGrain<ICommitmentGrain>(secondId);
        await second.Create(new CommitmentDraft(school, published.Goals, SecondStreet, published.Terms, TemplateId: templateId));
        await first.ConfirmAs(terms, "Resident");
        await second.ConfirmAs(terms, "Head teacher");

        var listing = (await template.Get())!;
        Assert.Equal(new[] { firstId, secondId }.Order(), listing.TemplateCopyIds!.Order());
        Assert.Equal(2, listing.TemplateCopyCount);

        // The goal counts the two copies, not the template (which counts by status only).
        var goalAggregate = await Grains.SnapshotWhen(AggregateScope.Goal(goal), s => s.Totals.EngagedCommitments == 2 && s.Totals.Commitments == 3);
        Assert.Equal((3, 2, 2), (goalAggregate.Totals.Commitments, goalAggregate.Totals.EngagedCommitments, goalAggregate.Totals.Participants));
        Assert.Equal(0, goalAggregate.Totals.ParticipantsByKind.GetValueOrDefault(ParticipantKind.City));

        // Each copy counts in its own neighbourhood on the map; the template's neighbourhood gains nothing engaged.
        foreach (var code in new[] { FirstStreet, SecondStreet })
        {
            var expected = before[code].Totals.EngagedCommitments + 1;
            var snapshot = await Grains.SnapshotWhen(AggregateScope.Place(code), s => s.Totals.EngagedCommitments == expected);
            Assert.Equal(expected, snapshot.Totals.EngagedCommitments);
        }
        var home = await Grains.SnapshotWhen(AggregateScope.Place(TemplateHome), s => s.Totals.Commitments == before[TemplateHome].Totals.Commitments + 1);
        Assert.Equal(before[TemplateHome].Totals.Commitments + 1, home.Totals.Commitments);
        Assert.Equal(before[TemplateHome].Totals.EngagedCommitments, home.Totals.EngagedCommitments);
        Assert.Null(await Grains.InShard(resident, firstId, AggregateScope.Place(TemplateHome)));

        // Taking up again is a no-op: the template lists the copy once.
        var repeated = await first.TakeUp(new TemplateTakeUp(templateId, resident, FirstStreet));
        Assert.Equal(CommitmentStatus.Confirmed, repeated.Status);
        Assert.Equal(2, (await template.Get())!.TemplateCopyCount);
    }

    [Fact]
    public async Task A_copy_may_carry_its_own_condition_and_counts_once_that_is_met()
    {
        var goal = await TestData.Goal(Grains);
        var city = await TestData.Participant(Grains, ParticipantKind.City);
        var terms = TestData.PledgeTerms();
        var (templateId, template, _) = await Grains.Create(city, "24062W13", goal, terms, isTemplate: true);
        var resident = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W13");
        var copy = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
        var taken = await copy.TakeUp(new TemplateTakeUp(templateId, resident, "24062W13", CommitmentCondition.Threshold(1, AdvancingClock.Now.AddDays(5))));
        Assert.Equal(ConditionStatus.Waiting, taken.ConditionStatus);
        await copy.ConfirmAs(terms);
        Assert.False((await copy.GetContribution())!.IsEngaged);

        var met = await copy.Join(await TestData.Participant(Grains, ParticipantKind.Resident, "24062W13"));
        Assert.Equal(ConditionStatus.Met, met.ConditionStatus);
        Assert.True((await copy.GetContribution())!.IsEngaged);
        Assert.Equal(1, (await template.Get())!.TemplateCopyCount);
    }

    [Fact]
    public async Task Taking_up_or_copying_is_refused_naming_the_field_for_an_unknown_commitment_a_non_template_or_other_terms_and_nothing_is_stored()
    {
        var goal = await TestData.Goal(Grains);
        var city = await TestData.Participant(Grains, ParticipantKind.City);
        var resident = await TestData.Participant(Grains);
        var terms = TestData.PledgeTerms();
        var (templateId, template, templateView) = await Grains.Create(city, "24062W13", goal, terms, isTemplate: true);
        var (plainId, _, _) = await Grains.Create(city, "24062W13", goal, terms);

        async Task Refused(string field, Func<ICommitmentGrain, Task> act)
        {
            var grain = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
            var ex = await Assert.ThrowsAsync<InputRejectedException>(() => act(grain));
            Assert.True(ex.Errors.ContainsKey(field), $"expected an error for '{field}', got: {ex.Message}");
            Assert.Null(await grain.Get());
        }

        await Refused("templateId", g => g.TakeUp(new TemplateTakeUp(TestData.NewId("c-missing"), resident, "24062W13")));
        await Refused("templateId", g => g.TakeUp(new TemplateTakeUp(plainId, resident, "24062W13")));
        await Refused("neighbourhoodCode", g => g.TakeUp(new TemplateTakeUp(templateId, resident, "24062W99")));
        await Refused("participantId", g => g.TakeUp(new TemplateTakeUp(templateId, TestData.NewId("p-missing"), "24062W13")));
        await Refused("terms", g => g.Create(new CommitmentDraft(resident, templateView.Goals, "24062W13", TestData.ActionTerms(1), TemplateId: templateId)));
        await Refused("goals", g => g.Create(new CommitmentDraft(resident, [new GoalWeight(goal, 3)], "24062W13", terms, TemplateId: templateId)));
        await Refused("isTemplate", g => g.Create(new CommitmentDraft(resident, templateView.Goals, "24062W13", terms, IsTemplate: true, TemplateId: templateId)));
        await Refused("condition", g => g.Create(new CommitmentDraft(city, [new GoalWeight(goal)], "24062W13", terms, CommitmentCondition.Threshold(2, AdvancingClock.Now.AddDays(3)), IsTemplate: true)));
        await Refused("condition.deadline", g => g.TakeUp(new TemplateTakeUp(templateId, resident, "24062W13", CommitmentCondition.Threshold(2, AdvancingClock.Now.AddDays(-1)))));

        var listing = (await template.Get())!;
        Assert.Equal(0, listing.TemplateCopyCount);
        Assert.Empty(listing.TemplateCopyIds!);

        // A template is taken up, not joined; it reports no progress and is not closed.
        await template.ConfirmAs(terms);
        await Assert.ThrowsAsync<StateConflictException>(() => template.Join(resident));
        await Assert.ThrowsAsync<StateConflictException>(() => template.ReportProgress(new ProgressReport("r1", AdvancingClock.Now, Note: "Started")));
        await Assert.ThrowsAsync<StateConflictException>(() => template.Close(CommitmentOutcome.Achieved));

        // A withdrawn template can no longer be taken up.
        await template.Withdraw("Replaced by a better one.");
        await Refused("templateId", g => g.TakeUp(new TemplateTakeUp(templateId, resident, "24062W13")));
    }
}
