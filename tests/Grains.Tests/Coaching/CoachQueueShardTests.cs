using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Grains.Tests.Commitments;
using CivicContracting.Participants;

namespace CivicContracting.Grains.Tests.Coaching;

/// <summary>
/// The coach queue in <see cref="CoachQueue.ShardCount"/> shards: a commitment's entry lives in its own shard (a put or
/// remove writes that shard only), the queue is read whole, and an entry an earlier version left in the first shard (then
/// the whole queue) is read once and removed when its commitment leaves the queue.
/// </summary>
[Collection(CommitmentClusterCollection.Name)]
public sealed class CoachQueueShardTests(CommitmentClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_commitment_queues_itself_in_its_own_shard_and_an_entry_left_in_the_first_shard_by_an_earlier_version_is_read_once_and_removed_with_it()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W05");
        var terms = TestData.PledgeTerms();
        string id;
        do
            id = TestData.NewId("c");
        while (CoachQueue.ShardFor(id) == CoachQueue.Key);
        var own = Grains.GetGrain<ICoachQueueGrain>(CoachQueue.ShardFor(id));
        var first = Grains.GetGrain<ICoachQueueGrain>(CoachQueue.Key);
        var commitment = Grains.GetGrain<ICommitmentGrain>(id);
        await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W05", terms, ReportingInterval: TimeSpan.FromDays(7)));
        var confirmed = await commitment.Confirm("Test Person", CommitmentText.Hash(terms), AdvancingClock.Now.AddDays(-10));

        // As an earlier version left it: the entry in the one queue there was.
        var legacy = new CoachQueueEntry(id, ReportingDueReason.ReportOverdue, confirmed.NextReportDue!.Value, owner, "24062W05", terms.Title, 0, null);
        await first.Put(legacy);
        Assert.Equal(legacy, Assert.Single(await CoachQueue.ReadAllAsync(Grains), e => e.CommitmentId == id));

        // Its reminder fires: the entry goes to its own shard, and the whole queue shows that one.
        var scheduled = Assert.Single(await Grains.GetGrain<IReportingSweeperGrain>(ReportingSchedule.SweeperKey).FindScheduled(id));
        await Grains.GetGrain<ICommitmentCoachingGrain>(id).ReportingDue(scheduled.DueAt, scheduled.Slot);
        Assert.Contains(await own.GetEntries(), e => e.CommitmentId == id && e.NudgeCount == 1);
        Assert.Equal(1, Assert.Single(await CoachQueue.ReadAllAsync(Grains), e => e.CommitmentId == id).NudgeCount);

        // A report takes it out of both.
        await commitment.ReportProgress(new ProgressReport(TestData.NewId("r"), AdvancingClock.Now, Note: "Done this week."));
        Assert.DoesNotContain(await own.GetEntries(), e => e.CommitmentId == id);
        Assert.DoesNotContain(await first.GetEntries(), e => e.CommitmentId == id);
        Assert.DoesNotContain(await CoachQueue.ReadAllAsync(Grains), e => e.CommitmentId == id);
    }
}
