using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>Verification tiers of result claims: self-declared, confirmed by a peer, verified by the support team; and verified progress.</summary>
[Collection(CommitmentClusterCollection.Name)]
public sealed class ClaimVerificationTests(CommitmentClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private ICommitmentVerificationGrain Verification(string commitmentId) => Grains.GetGrain<ICommitmentVerificationGrain>(commitmentId);

    private static ProgressReport Value(string reportId, double value, int minutesAgo) =>
        new(reportId, AdvancingClock.Now.AddMinutes(-minutesAgo), Value: value);

    private static ProgressReport Done(string reportId, string milestone, int minutesAgo) =>
        new(reportId, AdvancingClock.Now.AddMinutes(-minutesAgo), CompletedMilestoneId: milestone);

    /// <summary>A confirmed commitment of a new participant in 24062W13 towards <paramref name="goal"/>.</summary>
    private async Task<(string Id, ICommitmentGrain Grain, string Owner)> Confirmed(string goal, CommitmentTerms terms, double weight = 1)
    {
        var owner = await TestData.Participant(Grains, ParticipantKind.School, "24062W13");
        var id = TestData.NewId("c");
        var grain = Grains.GetGrain<ICommitmentGrain>(id);
        await grain.Create(new CommitmentDraft(owner, [new GoalWeight(goal, weight)], "24062W13", terms));
        await grain.ConfirmAs(terms);
        return (id, grain, owner);
    }

    [Fact]
    public async Task Tiers_only_go_up_and_a_repeat_or_a_peer_confirmation_of_a_verified_claim_changes_nothing()
    {
        var goal = await TestData.Goal(Grains);
        var (id, commitment, _) = await Confirmed(goal, TestData.ResultTerms(20, 80));
        var peer = await TestData.Participant(Grains);
        var otherPeer = await TestData.Participant(Grains);

        var reported = await commitment.ReportProgress(Value("r-1", 50, 5));
        Assert.Equal(0.5, reported.Progress!.Value, 12);
        Assert.Equal(VerificationTier.SelfDeclared, reported.ClaimTier);
        Assert.Equal(0.0, reported.VerifiedProgress);
        Assert.Empty(reported.Verifications!);

        var confirmed = await Verification(id).ConfirmClaim("r-1", peer, "  I was there.  ");
        Assert.Equal(reported.Version + 1, confirmed.Version);
        Assert.Equal(VerificationTier.PeerConfirmed, confirmed.ClaimTier);
        var peerRecord = Assert.Single(confirmed.Verifications!);
        Assert.Equal(("r-1", VerificationTier.PeerConfirmed, peer, "I was there."), (peerRecord.ReportId, peerRecord.Tier, peerRecord.By, peerRecord.Note));
        Assert.Equal(0.0, confirmed.VerifiedProgress); // a peer's confirmation is not a verification

        var repeated = await Verification(id).ConfirmClaim("r-1", peer, "I was there.");
        Assert.Equal(confirmed.Version, repeated.Version);

        var verified = await Verification(id).VerifyClaim("r-1", "acc-coach", "Counted at the school gate on 12 March.");
        Assert.Equal(confirmed.Version + 1, verified.Version);
        Assert.Equal(VerificationTier.Verified, verified.ClaimTier);
        var record = Assert.Single(verified.Verifications!);
        Assert.Equal((VerificationTier.Verified, "acc-coach", "Counted at the school gate on 12 March."), (record.Tier, record.By, record.Note));
        Assert.Equal(0.5, verified.VerifiedProgress!.Value, 12);

        // Never down, never overwritten: a second verification and a later peer confirmation are no-ops.
        var again = await Verification(id).VerifyClaim("r-1", "acc-other", "Another note.");
        var peerAfter = await Verification(id).ConfirmClaim("r-1", otherPeer, null);
        Assert.Equal(verified.Version, again.Version);
        Assert.Equal(verified.Version, peerAfter.Version);
        Assert.Equal(record, Assert.Single(peerAfter.Verifications!));

        // The contribution the aggregates get carries the same.
        var contribution = (await commitment.GetContribution())!;
        Assert.Equal((verified.Version, VerificationTier.Verified), (contribution.Version, contribution.ClaimTier));
        Assert.Equal(0.5, contribution.VerifiedProgress!.Value, 12);
    }

    [Fact]
    public async Task Verified_progress_of_a_result_is_that_of_the_newest_verified_value_and_never_more_than_progress()
    {
        var goal = await TestData.Goal(Grains);
        var (id, commitment, _) = await Confirmed(goal, TestData.ResultTerms(20, 80));
        await commitment.ReportProgress(Value("r-50", 50, 30));
        var v1 = await Verification(id).VerifyClaim("r-50", "acc-coach", "Seen the count.");
        Assert.Equal((0.5, 0.5), (v1.Progress!.Value, v1.VerifiedProgress!.Value));

        // A newer self-declared value: progress moves, verified progress stays with the verified value.
        var newer = await commitment.ReportProgress(Value("r-65", 65, 20));
        Assert.Equal(0.75, newer.Progress!.Value, 12);
        Assert.Equal(0.5, newer.VerifiedProgress!.Value, 12);
        Assert.Equal(VerificationTier.SelfDeclared, newer.ClaimTier); // the newest claim's tier

        var v2 = await Verification(id).VerifyClaim("r-65", "acc-coach", "Seen the second count.");
        Assert.Equal(0.75, v2.VerifiedProgress!.Value, 12);
        Assert.Equal(VerificationTier.Verified, v2.ClaimTier);

        // A newer, lower value: what is verified cannot be more than what is now claimed.
        var lower = await commitment.ReportProgress(Value("r-35", 35, 10));
        Assert.Equal(0.25, lower.Progress!.Value, 12);
        Assert.Equal(0.25, lower.VerifiedProgress!.Value, 12);

        // A report with only a note is no claim: it changes no tier and cannot be verified.
        var noted = await commitment.ReportProgress(new ProgressReport("r-note", AdvancingClock.Now, Note: "Rainy week."));
        Assert.Equal(VerificationTier.SelfDeclared, noted.ClaimTier);
        var refusal = await Assert.ThrowsAsync<InputRejectedException>(() => Verification(id).VerifyClaim("r-note", "acc-coach", "Seen."));
        Assert.Contains("reportId", refusal.Errors.Keys);
        Assert.Equal(noted.Version, (await commitment.Get())!.Version);
    }

    [Fact]
    public async Task Verified_progress_of_an_action_is_the_share_of_actions_whose_completing_report_is_verified_and_a_pledge_has_none()
    {
        var goal = await TestData.Goal(Grains);
        var (id, commitment, _) = await Confirmed(goal, TestData.ActionTerms(4));
        var peer = await TestData.Participant(Grains);
        await commitment.ReportProgress(Done("r-m1", "m1", 20));
        var two = await commitment.ReportProgress(Done("r-m2", "m2", 10));
        Assert.Equal((0.5, 0.0), (two.Progress!.Value, two.VerifiedProgress!.Value));

        var verified = await Verification(id).VerifyClaim("r-m2", "operator", "Visited the school street.");
        Assert.Equal(0.25, verified.VerifiedProgress!.Value, 12);
        var peerConfirmed = await Verification(id).ConfirmClaim("r-m1", peer, null);
        Assert.Equal(0.25, peerConfirmed.VerifiedProgress!.Value, 12); // a peer's confirmation is not a verification
        Assert.Equal(VerificationTier.Verified, peerConfirmed.ClaimTier); // r-m2 is the newest claim
        Assert.Equal(["r-m1", "r-m2"], peerConfirmed.Verifications!.Select(v => v.ReportId));

        var (_, pledge, _) = await Confirmed(goal, TestData.PledgeTerms());
        var pledgeView = (await pledge.Get())!;
        Assert.Null(pledgeView.Progress);
        Assert.Null(pledgeView.VerifiedProgress);
        Assert.Null(pledgeView.ClaimTier);
        Assert.Null((await pledge.GetContribution())!.VerifiedProgress);
    }

    [Fact]
    public async Task The_owner_an_unknown_report_or_participant_a_short_note_and_a_withdrawn_commitment_are_refused_and_nothing_changes()
    {
        var goal = await TestData.Goal(Grains);
        var (id, commitment, owner) = await Confirmed(goal, TestData.ResultTerms(20, 80));
        var peer = await TestData.Participant(Grains);
        var before = await commitment.ReportProgress(Value("r-1", 50, 5));

        var own = await Assert.ThrowsAsync<InputRejectedException>(() => Verification(id).ConfirmClaim("r-1", owner, null));
        Assert.Contains("participantId", own.Errors.Keys);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Verification(id).ConfirmClaim("r-unknown", peer, null));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Verification(id).VerifyClaim("r-unknown", "acc-coach", "Seen the count."));
        var nobody = await Assert.ThrowsAsync<InputRejectedException>(() => Verification(id).ConfirmClaim("r-1", TestData.NewId("p"), null));
        Assert.Contains("participantId", nobody.Errors.Keys);
        var shortNote = await Assert.ThrowsAsync<InputRejectedException>(() => Verification(id).VerifyClaim("r-1", "acc-coach", " ok "));
        Assert.Contains("note", shortNote.Errors.Keys);
        await Assert.ThrowsAsync<InputRejectedException>(() => Verification(id).VerifyClaim("r-1", "acc-coach", new string('x', VerificationRules.MaxNoteLength + 1)));
        await Assert.ThrowsAsync<InputRejectedException>(() => Verification(id).VerifyClaim("r-1", "", "Seen the count."));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Verification(TestData.NewId("c")).VerifyClaim("r-1", "acc-coach", "Seen the count."));

        var after = (await commitment.Get())!;
        Assert.Equal(before.Version, after.Version);
        Assert.Empty(after.Verifications!);
        Assert.Equal(VerificationTier.SelfDeclared, after.ClaimTier);

        await commitment.Withdraw("No longer possible.");
        var withdrawn = (await commitment.Get())!;
        await Assert.ThrowsAsync<StateConflictException>(() => Verification(id).VerifyClaim("r-1", "acc-coach", "Seen the count."));
        await Assert.ThrowsAsync<StateConflictException>(() => Verification(id).ConfirmClaim("r-1", peer, null));
        Assert.Equal(withdrawn.Version, (await commitment.Get())!.Version);
    }

    [Fact]
    public async Task A_goal_shows_verified_progress_and_share_by_its_roll_up_rule_exactly_as_recomputed_by_hand()
    {
        var ambition = await TestData.Goal(Grains, rollUp: RollUpRule.MeanOfObjectives);
        var objective = await TestData.Goal(Grains, ambition);
        var other = await TestData.Goal(Grains, ambition);

        // Objective (weighted mean of commitments): a result (weight 1), an action (weight 2), a result nobody verified (weight 1).
        var (a, resultA, _) = await Confirmed(objective, TestData.ResultTerms(20, 80));
        var (b, actionB, _) = await Confirmed(objective, TestData.ActionTerms(4), weight: 2);
        var (_, resultC, _) = await Confirmed(objective, TestData.ResultTerms(0, 100));
        await resultA.ReportProgress(Value("r-a", 50, 10));                      // progress 0.5
        await actionB.ReportProgress(Done("r-b1", "m1", 10));
        await actionB.ReportProgress(Done("r-b2", "m2", 5));                       // progress 0.5
        await resultC.ReportProgress(Value("r-c", 30, 10));                      // progress 0.3
        await Verification(a).VerifyClaim("r-a", "acc-coach", "Seen the count.");  // verified 0.5
        await Verification(b).VerifyClaim("r-b1", "acc-coach", "Seen the street."); // verified 0.25

        // The other objective: one result, fully verified at 0.4.
        var (d, resultD, _) = await Confirmed(other, TestData.ResultTerms(0, 10));
        await resultD.ReportProgress(Value("r-d", 4, 10));
        var lastView = await Verification(d).VerifyClaim("r-d", "acc-coach", "Read the meter.");

        const double progress = (1 * 0.5 + 2 * 0.5 + 1 * 0.3) / 4;   // 0.45
        const double verified = (1 * 0.5 + 2 * 0.25 + 1 * 0.0) / 4;  // 0.25
        // Shards publish on timers of their own, so a reading can hold one shard's news without another's (only B's
        // commitment, say: verified 0.25 too). Wait for both figures, then check everything else against them.
        static bool Near(double? value, double expected) => value is { } v && Math.Abs(v - expected) < 1e-12;
        var snapshot = await Grains.SnapshotWhen(AggregateScope.Goal(objective), s => Near(s.VerifiedProgress, verified) && Near(s.Progress, progress));
        Assert.Equal(progress, snapshot.Progress!.Value, 12);
        Assert.Equal(verified, snapshot.VerifiedProgress!.Value, 12);
        Assert.Equal(verified / progress, snapshot.VerifiedShare!.Value, 12);
        Assert.Equal(0.5 + 0.25 + 0.0, snapshot.Totals.VerifiedProgressSum, 12);
        Assert.Equal(1 * 0.5 + 2 * 0.25, snapshot.Totals.VerifiedWeightedProgressSum, 12);

        // The same from the commitments' own views.
        var views = await Task.WhenAll(new[] { resultA, actionB, resultC }.Select(async g => (await g.Get())!));
        Assert.Equal(verified, (views[0].VerifiedProgress!.Value + 2 * views[1].VerifiedProgress!.Value + views[2].VerifiedProgress!.Value) / 4, 12);

        // The ambition (mean of objectives): the mean of the objectives' verified progress, beside the mean of their progress.
        var otherSnapshot = await Grains.SnapshotWhen(AggregateScope.Goal(other), s => Near(s.VerifiedProgress, 0.4) && Near(s.Progress, 0.4));
        Assert.Equal(1.0, otherSnapshot.VerifiedShare!.Value, 12);
        Assert.Equal(lastView.VerifiedProgress, otherSnapshot.VerifiedProgress);
        var top = await Grains.SnapshotWhen(AggregateScope.Goal(ambition), s => Near(s.VerifiedProgress, (verified + 0.4) / 2) && Near(s.Progress, (progress + 0.4) / 2));
        Assert.Equal((progress + 0.4) / 2, top.Progress!.Value, 12);
        Assert.Equal((verified + 0.4) / 2, top.VerifiedProgress!.Value, 12);
        Assert.Equal((verified + 0.4) / (progress + 0.4), top.VerifiedShare!.Value, 12);
    }

    [Fact]
    public async Task A_goal_without_progress_has_no_verified_progress_and_with_zero_progress_no_share()
    {
        var goal = await TestData.Goal(Grains);
        var (_, pledge, _) = await Confirmed(goal, TestData.PledgeTerms());
        var none = await Grains.SnapshotWhen(AggregateScope.Goal(goal), s => s.Totals.EngagedCommitments == 1);
        Assert.Equal(1, none.Totals.EngagedCommitments);
        Assert.Null(none.Progress);
        Assert.Null(none.VerifiedProgress);
        Assert.Null(none.VerifiedShare);

        await Confirmed(goal, TestData.ResultTerms(20, 80)); // no report yet: progress 0
        var zero = await Grains.SnapshotWhen(AggregateScope.Goal(goal), s => s.Totals.EngagedCommitments == 2);
        Assert.Equal(0.0, zero.Progress);
        Assert.Equal(0.0, zero.VerifiedProgress);
        Assert.Null(zero.VerifiedShare);
        Assert.NotNull(await pledge.Get());
    }
}
