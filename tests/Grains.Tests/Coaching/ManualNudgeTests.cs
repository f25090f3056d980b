using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Following;
using CivicContracting.Goals;
using CivicContracting.Grains.Tests.Commitments;
using CivicContracting.Grains.Tests.Following;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Coaching;

/// <summary>A coach's nudge by hand (<see cref="ICommitmentCoachingGrain.Nudge"/>): counted, told on the owner's feed, queued when due; refused on commitments not reported on.</summary>
[Collection(CommitmentClusterCollection.Name)]
public sealed class ManualNudgeTests(CommitmentClusterFixture fixture)
{
    private static readonly TimeSpan Interval = TimeSpan.FromDays(7);

    private IGrainFactory Grains => fixture.Grains;

    private Task<IReadOnlyList<CoachQueueEntry>> QueueEntries() => CoachQueue.ReadAllAsync(Grains);

    [Fact]
    public async Task A_nudge_counts_announces_the_coachs_message_to_the_owners_feed_and_keeps_the_version()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.School, "24062W13");
        var ownerAccount = FollowingTestData.NewAccount();
        await Grains.GetGrain<IFollowerGrain>(ownerAccount).Follow(new FollowTopic(FollowTopicKind.Participant, owner));
        var terms = TestData.ResultTerms();
        var id = TestData.NewId("c");
        var commitment = Grains.GetGrain<ICommitmentGrain>(id);
        await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms, ReportingInterval: Interval));
        var confirmed = await commitment.ConfirmAs(terms);
        Assert.Equal(0, confirmed.NudgeCount);
        Assert.Null(await Grains.GetGrain<ICommitmentCoachingGrain>(id).GetLastManualNudge());

        var nudged = await Grains.GetGrain<ICommitmentCoachingGrain>(id).Nudge("a-coach", "  Hoe staat het met de fietstellingen?  ");

        Assert.Equal(1, nudged.NudgeCount);
        Assert.NotNull(nudged.LastNudgedAt);
        Assert.Equal(confirmed.Version, nudged.Version); // no new version: nothing pushed
        var manual = await Grains.GetGrain<ICommitmentCoachingGrain>(id).GetLastManualNudge();
        Assert.Equal(new ManualNudge("a-coach", nudged.LastNudgedAt!.Value, "Hoe staat het met de fietstellingen?"), manual);
        Assert.Equal(1, (await commitment.Get())!.NudgeCount);
        // Not due yet: not queued.
        Assert.DoesNotContain(await QueueEntries(), e => e.CommitmentId == id);

        var feed = await Eventually.Value(() => Grains.GetGrain<IFeedGrain>(ownerAccount).GetPage(null, 50),
            p => p.Items.Any(i => i.Event.Kind == FeedEventKind.ReportDue), TimeSpan.FromSeconds(10));
        var news = Assert.Single(feed.Items, i => i.Event.Kind == FeedEventKind.ReportDue);
        Assert.Equal(id, news.Event.CommitmentId);
        Assert.Equal("Je coach vraagt een stand van zaken: Hoe staat het met de fietstellingen?", news.Event.Summary);

        // A second nudge without a message counts again and says so plainly.
        var again = await Grains.GetGrain<ICommitmentCoachingGrain>(id).Nudge("a-coach", null);
        Assert.Equal(2, again.NudgeCount);
        var feed2 = await Eventually.Value(() => Grains.GetGrain<IFeedGrain>(ownerAccount).GetPage(null, 50),
            p => p.Items.Count(i => i.Event.Kind == FeedEventKind.ReportDue) == 2, TimeSpan.FromSeconds(10));
        Assert.Contains(feed2.Items, i => i.Event.Summary == "Je coach vraagt een stand van zaken.");
    }

    [Fact]
    public async Task A_nudge_on_a_due_commitment_puts_it_in_the_queue_with_its_count()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W12");
        var terms = TestData.PledgeTerms();
        var id = TestData.NewId("c");
        var commitment = Grains.GetGrain<ICommitmentGrain>(id);
        await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W12", terms, ReportingInterval: Interval));
        // Signed ten days ago on paper: its weekly report is overdue at once.
        var clockNow = AdvancingClock.Instance.GetUtcNow();
        await commitment.Confirm("Test Person", CommitmentText.Hash(terms), clockNow.AddDays(-10));

        var nudged = await Grains.GetGrain<ICommitmentCoachingGrain>(id).Nudge("a-coach", null);

        Assert.Equal(CommitmentPhase.ReportingDue, nudged.Phase);
        var entry = await Eventually.Value(async () => (await QueueEntries()).SingleOrDefault(e => e.CommitmentId == id), e => e is not null);
        Assert.NotNull(entry);
        Assert.Equal(ReportingDueReason.ReportOverdue, entry.Reason);
        Assert.Equal(nudged.NudgeCount, entry.NudgeCount);
        Assert.Equal(nudged.LastNudgedAt, entry.LastNudgedAt);
    }

    [Fact]
    public async Task A_draft_a_withdrawn_commitment_and_bad_input_are_refused_and_nothing_changes()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains);
        var terms = TestData.PledgeTerms();
        var (id, commitment, draft) = await Grains.Create(owner, "24062W13", goal, terms);
        var coaching = Grains.GetGrain<ICommitmentCoachingGrain>(id);

        await Assert.ThrowsAsync<StateConflictException>(() => coaching.Nudge("a-coach", null));
        Assert.Equal(0, (await commitment.Get())!.NudgeCount);

        await commitment.ConfirmAs(terms);
        var tooLong = await Assert.ThrowsAsync<InputRejectedException>(() => coaching.Nudge("a-coach", new string('x', ManualNudge.MaxMessageLength + 1)));
        Assert.Contains("message", tooLong.Errors.Keys);
        await Assert.ThrowsAsync<InputRejectedException>(() => coaching.Nudge(" ", null));
        Assert.Equal(0, (await commitment.Get())!.NudgeCount);
        Assert.Equal(1, (await coaching.Nudge("a-coach", new string('x', ManualNudge.MaxMessageLength))).NudgeCount);

        await commitment.Withdraw("No longer possible.");
        await Assert.ThrowsAsync<StateConflictException>(() => coaching.Nudge("a-coach", null));
        Assert.Equal(1, (await commitment.Get())!.NudgeCount);

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Grains.GetGrain<ICommitmentCoachingGrain>(TestData.NewId("c")).Nudge("a-coach", null));
    }
}
