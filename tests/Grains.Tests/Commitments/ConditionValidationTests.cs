using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Commitments;

[Collection(CommitmentClusterCollection.Name)]
public sealed class ConditionValidationTests(CommitmentClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Invalid_conditions_are_rejected_naming_the_field_and_nothing_is_stored_anywhere()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains);
        var city = await TestData.Participant(Grains, ParticipantKind.City);
        var terms = TestData.PledgeTerms();
        var (templateId, template, _) = await Grains.Create(city, "24062W13", goal, terms, isTemplate: true);
        var (withdrawnId, withdrawn, _) = await Grains.Create(city, "24062W13", goal, terms);
        await withdrawn.Withdraw("Never mind.");
        var soon = AdvancingClock.Now.AddDays(10);

        var cases = new (string Field, Func<string, CommitmentCondition> Condition)[]
        {
            ("condition.requiredCoSigners", _ => CommitmentCondition.Threshold(0, soon)),
            ("condition.requiredCoSigners", _ => CommitmentCondition.Threshold(CommitmentRules.MaxRequiredCoSigners + 1, soon)),
            ("condition.requiredCoSigners", _ => new CommitmentCondition(ConditionKind.NeighbourhoodThreshold, soon)),
            ("condition.commitmentId", _ => new CommitmentCondition(ConditionKind.NeighbourhoodThreshold, soon, 3, templateId)),
            ("condition.deadline", _ => CommitmentCondition.Threshold(3, AdvancingClock.Now.AddMinutes(-1))),
            ("condition.deadline", _ => CommitmentCondition.Threshold(3, default)),
            ("condition.deadline", _ => CommitmentCondition.Threshold(3, AdvancingClock.Now.AddYears(11))),
            ("condition.kind", _ => new CommitmentCondition((ConditionKind)7, soon, 3)),
            ("condition.commitmentId", self => CommitmentCondition.Reciprocal(self, soon)),
            ("condition.commitmentId", _ => CommitmentCondition.Reciprocal("not an id!", soon)),
            ("condition.commitmentId", _ => CommitmentCondition.Reciprocal(TestData.NewId("c-missing"), soon)),
            ("condition.commitmentId", _ => CommitmentCondition.Reciprocal(templateId, soon)),
            ("condition.commitmentId", _ => CommitmentCondition.Reciprocal(withdrawnId, soon)),
            ("condition.requiredCoSigners", _ => new CommitmentCondition(ConditionKind.Reciprocal, soon, 2, withdrawnId)),
        };
        foreach (var (field, condition) in cases)
        {
            var id = TestData.NewId("c");
            var grain = Grains.GetGrain<ICommitmentGrain>(id);
            var ex = await Assert.ThrowsAsync<InputRejectedException>(() =>
                grain.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms, condition(id))));
            Assert.True(ex.Errors.ContainsKey(field), $"expected an error for '{field}', got: {ex.Message}");
            Assert.Null(await grain.Get());
            Assert.False(await Grains.IsTracked(id));
        }

        // Neither the template nor the withdrawn commitment registered a dependant.
        Assert.Empty((await template.Get())!.DependantIds!);
        Assert.Empty((await withdrawn.Get())!.DependantIds!);
        Assert.Empty((await Grains.GetGrain<IParticipantGrain>(owner).GetProfile())!.CommitmentIds);
    }

    [Fact]
    public void The_condition_rules_accept_valid_conditions_and_name_each_bad_field()
    {
        var now = AdvancingClock.Now;
        Assert.True(CommitmentRules.Condition(CommitmentCondition.Threshold(1, now.AddDays(1)), now).IsValid);
        Assert.True(CommitmentRules.Condition(CommitmentCondition.Threshold(CommitmentRules.MaxRequiredCoSigners, now.AddDays(1)), now).IsValid);
        Assert.True(CommitmentRules.Condition(CommitmentCondition.Reciprocal("c-1", now.AddDays(1)), now, "c-2").IsValid);
        Assert.Equal(["deadline"], CommitmentRules.Condition(CommitmentCondition.Threshold(5, now), now).ByField.Keys);
        Assert.Equal(["commitmentId"], CommitmentRules.Condition(CommitmentCondition.Reciprocal("c-1", now.AddDays(1)), now, "c-1").ByField.Keys);

        var draft = new CommitmentDraft("p-1", [new GoalWeight("g-1")], "24062W13", TestData.PledgeTerms(), CommitmentCondition.Threshold(1001, now.AddDays(1)));
        Assert.True(CommitmentRules.Draft(draft).IsValid); // the rules without a clock leave conditions to the grain
        Assert.Equal(["condition.requiredCoSigners"], CommitmentRules.Draft(draft, now).ByField.Keys);
        Assert.Equal(["participantId", "templateId"], CommitmentRules.TakeUp(new TemplateTakeUp("", "", "24062W13"), now).ByField.Keys.Order());
        Assert.Equal(["participantId"], InputRules.CoSigner(null).ByField.Keys);
    }
}
