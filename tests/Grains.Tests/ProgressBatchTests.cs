using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests;

/// <summary>ICommitmentGrain.ReportProgressBatch: many reports in one write, all or none, retries counted not stored.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProgressBatchTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_batch_is_stored_in_one_write_in_date_order_and_its_retry_stores_nothing()
    {
        var commitment = await ConfirmedAsync(TestData.ResultTerms(20, 80));
        var before = (await commitment.Get())!.Version;
        var at = DateTimeOffset.UtcNow.AddDays(-3);
        ProgressReport[] reports = [new("b2", at.AddDays(2), Value: 50), new("b0", at, Value: 30, Note: "first count"), new("b1", at.AddDays(1), Value: 40)];

        var result = await commitment.ReportProgressBatch(reports);

        Assert.Equal(3, result.Stored);
        Assert.Equal(0, result.AlreadyStored);
        Assert.Equal(before + 1, result.View.Version);
        Assert.Equal(["b0", "b1", "b2"], result.View.Reports.Select(r => r.ReportId));
        Assert.Equal(50, result.View.CurrentValue);
        Assert.Equal(0.5, result.View.Progress!.Value, 12);
        Assert.Equal(CommitmentStatus.Active, result.View.Status);

        var retry = await commitment.ReportProgressBatch([.. reports, new ProgressReport("b3", at.AddDays(2.5), Value: 55)]);
        Assert.Equal((1, 3), (retry.Stored, retry.AlreadyStored));
        Assert.Equal(before + 2, retry.View.Version);
        var again = await commitment.ReportProgressBatch(reports);
        Assert.Equal((0, 3), (again.Stored, again.AlreadyStored));
        Assert.Equal(before + 2, again.View.Version);
    }

    [Fact]
    public async Task One_bad_report_refuses_the_whole_batch_and_nothing_is_stored()
    {
        var commitment = await ConfirmedAsync(TestData.ResultTerms(20, 80));
        var now = DateTimeOffset.UtcNow;
        await commitment.ReportProgress(new ProgressReport("used", now.AddHours(-5), Value: 25));
        var before = await commitment.Get();

        var invalid = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.ReportProgressBatch(
            [new ProgressReport("ok", now.AddHours(-1), Value: 30), new ProgressReport("bad id!", now, Value: 31)]));
        Assert.Contains("[1].reportId", invalid.Errors.Keys);
        var future = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.ReportProgressBatch(
            [new ProgressReport("ok", now.AddHours(-1), Value: 30), new ProgressReport("later", now.AddDays(3), Value: 31)]));
        Assert.Contains("[1].reportedAt", future.Errors.Keys);
        await Assert.ThrowsAsync<StateConflictException>(() => commitment.ReportProgressBatch(
            [new ProgressReport("ok", now.AddHours(-1), Value: 30), new ProgressReport("used", now.AddHours(-5), Value: 99)]));
        await Assert.ThrowsAsync<StateConflictException>(() => commitment.ReportProgressBatch(
            [new ProgressReport("twice", now.AddHours(-1), Value: 30), new ProgressReport("twice", now.AddHours(-2), Value: 31)]));
        await Assert.ThrowsAsync<InputRejectedException>(() => commitment.ReportProgressBatch([]));

        var after = await commitment.Get();
        Assert.Equal(before!.Version, after!.Version);
        Assert.Equal(before.Reports, after.Reports);
    }

    [Fact]
    public async Task A_draft_takes_no_reports_and_an_action_commitment_no_values()
    {
        var participant = await TestData.Participant(Grains);
        var goal = await TestData.Goal(Grains);
        var draft = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
        await draft.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W13", TestData.ResultTerms()));
        await Assert.ThrowsAsync<StateConflictException>(() => draft.ReportProgressBatch([new ProgressReport("r", DateTimeOffset.UtcNow, Value: 1)]));

        var action = await ConfirmedAsync(TestData.ActionTerms());
        var rejected = await Assert.ThrowsAsync<InputRejectedException>(() => action.ReportProgressBatch([new ProgressReport("r", DateTimeOffset.UtcNow, Value: 1)]));
        Assert.Contains("[0].value", rejected.Errors.Keys);
        Assert.Empty((await action.Get())!.Reports);
    }

    private async Task<ICommitmentGrain> ConfirmedAsync(CommitmentTerms terms)
    {
        var participant = await TestData.Participant(Grains);
        var goal = await TestData.Goal(Grains);
        return Grains.GetGrain<ICommitmentGrain>(await TestData.ConfirmedCommitment(Grains, participant, terms, "24062W13", new GoalWeight(goal)));
    }
}
