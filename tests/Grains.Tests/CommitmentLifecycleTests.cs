using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class CommitmentLifecycleTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_commitment_moves_from_draft_to_confirmed_to_active_and_keeps_its_reports()
    {
        var participant = await TestData.Participant(Grains, ParticipantKind.School);
        var goal = await TestData.Goal(Grains);
        var terms = TestData.ResultTerms(55, 80);
        var commitment = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));

        var draft = await commitment.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W13", terms));
        Assert.Equal(CommitmentStatus.Draft, draft.Status);

        await Assert.ThrowsAsync<InputRejectedException>(() => commitment.Confirm("Head teacher", new string('0', 64)));
        var confirmed = await commitment.Confirm("Head teacher", CommitmentText.Hash(terms));
        Assert.Equal(CommitmentStatus.Confirmed, confirmed.Status);
        Assert.Equal("Head teacher", confirmed.Confirmation!.ConfirmedBy);
        Assert.Equal(CommitmentText.Hash(terms), confirmed.Confirmation.TextHash);

        var at = DateTimeOffset.UtcNow;
        await commitment.ReportProgress(new ProgressReport("r1", at.AddDays(-2), Value: 60, Note: "Spring count"));
        await commitment.ReportProgress(new ProgressReport("r3", at, Value: 70));
        var view = await commitment.ReportProgress(new ProgressReport("r2", at.AddDays(-1), Value: 65));

        Assert.Equal(CommitmentStatus.Active, view.Status);
        Assert.Equal(["r1", "r2", "r3"], view.Reports.Select(r => r.ReportId));
        Assert.Equal(70, view.CurrentValue); // the newest measurement, not the last to arrive
        Assert.Equal((70 - 55) / 25.0, view.Progress!.Value, 12);
    }

    [Fact]
    public async Task A_commitment_signed_on_paper_and_entered_later_is_confirmed_as_of_its_signing()
    {
        var participant = await TestData.Participant(Grains, ParticipantKind.School);
        var goal = await TestData.Goal(Grains);
        var terms = TestData.ResultTerms(55, 80);
        var commitment = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
        await commitment.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W13", terms));
        // Signed at a co-creation session six weeks ago (an evening in Leuven, local time), entered by the support team now.
        var signedAt = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-42).AddHours(19).AddMinutes(30), TimeSpan.Zero).ToOffset(TimeSpan.FromHours(1));
        var entered = DateTimeOffset.UtcNow;

        var confirmed = await commitment.Confirm("Head teacher", CommitmentText.Hash(terms), signedAt);

        Assert.Equal(CommitmentStatus.Confirmed, confirmed.Status);
        Assert.Equal(signedAt, confirmed.Confirmation!.ConfirmedAt);
        Assert.Equal(TimeSpan.Zero, confirmed.Confirmation.ConfirmedAt.Offset);
        Assert.True(confirmed.UpdatedAt >= entered.AddSeconds(-5), "the write itself is dated when it happens");
        var contribution = await commitment.GetContribution();
        Assert.Equal(signedAt, contribution!.ConfirmedAt);
        Assert.True(contribution.IsEngaged);
        // The goal's stain dates its first engagement at the signing.
        var snapshot = await Eventually.Value(
            () => Grains.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(goal)).GetSnapshot(), s => s.Totals.FirstEngagementAt is not null);
        Assert.Equal(signedAt, snapshot.Totals.FirstEngagementAt);

        // Repeating the confirmation, with the same signing date or none, changes nothing; another date is a conflict.
        var again = await commitment.Confirm("Head teacher", CommitmentText.Hash(terms), signedAt);
        var withoutDate = await commitment.Confirm("Head teacher", CommitmentText.Hash(terms));
        Assert.Equal(confirmed.Version, again.Version);
        Assert.Equal(confirmed.Version, withoutDate.Version);
        Assert.Equal(signedAt, withoutDate.Confirmation!.ConfirmedAt);
        await Assert.ThrowsAsync<StateConflictException>(() => commitment.Confirm("Head teacher", CommitmentText.Hash(terms), signedAt.AddDays(1)));
        Assert.Equal(confirmed.Version, (await commitment.Get())!.Version);
        Assert.Equal(signedAt, (await commitment.GetContribution())!.ConfirmedAt);
    }

    [Fact]
    public async Task A_confirmation_without_a_signing_date_is_dated_now()
    {
        var (commitment, _) = await ConfirmedResult();
        var view = await commitment.Get();
        var contribution = await commitment.GetContribution();

        Assert.InRange(view!.Confirmation!.ConfirmedAt, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow);
        Assert.Equal(view.Confirmation.ConfirmedAt, contribution!.ConfirmedAt);
    }

    [Theory]
    [InlineData(1.0)]          // an hour ahead
    [InlineData(24.0 * 400)]   // next year
    [InlineData(-1.0e6)]       // about 1912: before 2000
    public async Task A_signing_date_in_the_future_or_before_2000_is_refused_naming_signedAt_and_nothing_is_stored(double hoursFromNow)
    {
        var participant = await TestData.Participant(Grains);
        var goal = await TestData.Goal(Grains);
        var terms = TestData.PledgeTerms();
        var commitment = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
        var draft = await commitment.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W01", terms));

        var error = await Assert.ThrowsAsync<InputRejectedException>(() =>
            commitment.Confirm("Resident", CommitmentText.Hash(terms), DateTimeOffset.UtcNow.AddHours(hoursFromNow)));

        Assert.Equal("signedAt", Assert.Single(error.Errors.Keys));
        var after = await commitment.Get();
        Assert.Equal(CommitmentStatus.Draft, after!.Status);
        Assert.Null(after.Confirmation);
        Assert.Equal(draft.Version, after.Version);
        var contribution = await commitment.GetContribution();
        Assert.Null(contribution!.ConfirmedAt);
        Assert.False(contribution.IsEngaged);
    }

    [Fact]
    public async Task A_signing_date_within_the_allowed_clock_skew_or_on_1_January_2000_is_accepted()
    {
        var participant = await TestData.Participant(Grains);
        var goal = await TestData.Goal(Grains);
        var terms = TestData.PledgeTerms();

        foreach (var signedAt in new[] { DateTimeOffset.UtcNow.AddMinutes(2), InputRules.EarliestSignedAt })
        {
            var commitment = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
            await commitment.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W01", terms));
            var view = await commitment.Confirm("Resident", CommitmentText.Hash(terms), signedAt);
            Assert.Equal(signedAt, view.Confirmation!.ConfirmedAt);
        }
        Assert.False(InputRules.SignedAt(DateTimeOffset.UtcNow.AddMinutes(6), DateTimeOffset.UtcNow).IsValid);
        Assert.False(InputRules.SignedAt(InputRules.EarliestSignedAt.AddTicks(-1), DateTimeOffset.UtcNow).IsValid);
        Assert.True(InputRules.SignedAt(null, DateTimeOffset.UtcNow).IsValid);
    }

    [Fact]
    public async Task A_repeated_report_is_stored_once_and_a_reused_report_id_is_refused()
    {
        var (commitment, _) = await ConfirmedResult();
        var report = new ProgressReport("same", DateTimeOffset.UtcNow, Value: 40);
        await commitment.ReportProgress(report);
        await Task.WhenAll(commitment.ReportProgress(report), commitment.ReportProgress(report));
        var view = await commitment.Get();
        Assert.Single(view!.Reports);

        await Assert.ThrowsAsync<StateConflictException>(() => commitment.ReportProgress(report with { Value = 41 }));
        Assert.Equal(40, (await commitment.Get())!.CurrentValue);
    }

    [Fact]
    public async Task An_upgrade_moves_up_the_spectrum_and_keeps_the_earlier_version_readable()
    {
        var participant = await TestData.Participant(Grains);
        var goal = await TestData.Goal(Grains);
        var pledge = TestData.PledgeTerms();
        var id = await TestData.ConfirmedCommitment(Grains, participant, pledge, "24062W01", new GoalWeight(goal));
        var commitment = Grains.GetGrain<ICommitmentGrain>(id);

        var action = TestData.ActionTerms(2);
        var upgraded = await commitment.Upgrade(action, "Resident", CommitmentText.Hash(action));
        Assert.Equal(CommitmentLevel.Action, upgraded.Terms.Level);
        Assert.Equal(2, upgraded.TermsVersion);
        var earlier = Assert.Single(upgraded.EarlierVersions);
        Assert.Equal(CommitmentLevel.Pledge, earlier.Terms.Level);
        Assert.Equal(CommitmentText.Hash(pledge), earlier.Confirmation!.TextHash);

        await Assert.ThrowsAsync<InputRejectedException>(() => commitment.Upgrade(pledge, "Resident", CommitmentText.Hash(pledge)));
        var view = await commitment.ReportProgress(new ProgressReport("m1-done", DateTimeOffset.UtcNow, CompletedMilestoneId: "m1"));
        Assert.Equal(0.5, view.Progress);
    }

    [Fact]
    public async Task Bad_arguments_are_rejected_with_the_field_named_and_change_nothing()
    {
        var (commitment, terms) = await ConfirmedResult();
        await commitment.ReportProgress(new ProgressReport("ok", DateTimeOffset.UtcNow, Value: 30));
        var before = await commitment.Get();

        var nan = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.ReportProgress(new ProgressReport("bad1", DateTimeOffset.UtcNow, Value: double.NaN)));
        Assert.Contains("value", nan.Errors.Keys);
        await Assert.ThrowsAsync<InputRejectedException>(() => commitment.ReportProgress(new ProgressReport("bad2", DateTimeOffset.UtcNow, Value: double.PositiveInfinity)));
        var milestone = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.ReportProgress(new ProgressReport("bad3", DateTimeOffset.UtcNow, CompletedMilestoneId: "nope")));
        Assert.Contains("completedMilestoneId", milestone.Errors.Keys);

        var after = await commitment.Get();
        Assert.Equal(before!.Version, after!.Version);
        Assert.Equal(before.Reports.Count, after.Reports.Count);

        var participant = await TestData.Participant(Grains);
        var goal = await TestData.Goal(Grains);
        var fresh = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
        var flat = await Assert.ThrowsAsync<InputRejectedException>(() =>
            fresh.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W01", TestData.ResultTerms(50, 50))));
        Assert.Contains("terms.target.target", flat.Errors.Keys);
        var place = await Assert.ThrowsAsync<InputRejectedException>(() =>
            fresh.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], "99999W99", terms)));
        Assert.Contains("neighbourhoodCode", place.Errors.Keys);
        var unknownGoal = await Assert.ThrowsAsync<InputRejectedException>(() =>
            fresh.Create(new CommitmentDraft(participant, [new GoalWeight("no-such-goal")], "24062W01", terms)));
        Assert.Contains("goals[0].goalId", unknownGoal.Errors.Keys);
        var longTitle = await Assert.ThrowsAsync<InputRejectedException>(() =>
            fresh.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W01", terms with { Title = new string('x', 1_000_000) })));
        Assert.Contains("terms.title", longTitle.Errors.Keys);
        await Assert.ThrowsAsync<InputRejectedException>(() =>
            fresh.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W01", terms with { Level = (CommitmentLevel)17 })));
        Assert.Null(await fresh.Get());
    }

    [Fact]
    public async Task A_withdrawn_commitment_takes_no_more_reports_and_leaves_engagement()
    {
        var (commitment, _) = await ConfirmedResult();
        var view = await commitment.Withdraw("We moved away.");
        Assert.Equal(CommitmentStatus.Withdrawn, view.Status);
        await Assert.ThrowsAsync<StateConflictException>(() => commitment.ReportProgress(new ProgressReport("late", DateTimeOffset.UtcNow, Value: 70)));
        var contribution = await commitment.GetContribution();
        Assert.False(contribution!.IsEngaged);
    }

    [Fact]
    public async Task Goals_form_a_tree_and_refuse_unknown_parents()
    {
        var ambition = await TestData.Goal(Grains, rollUp: RollUpRule.MeanOfObjectives);
        var objective = await TestData.Goal(Grains, parent: ambition);
        var info = await Grains.GetGrain<IGoalGrain>(ambition).GetInfo();
        Assert.Contains(objective, info!.ChildGoalIds);
        Assert.Equal([objective, ambition], await Grains.GetGrain<IGoalGrain>(objective).GetLineage());

        var orphan = Grains.GetGrain<IGoalGrain>(TestData.NewId("g"));
        var error = await Assert.ThrowsAsync<InputRejectedException>(() =>
            orphan.Define(new GoalDefinition("Orphan", "", new GoalScope(PlaceLevel.City, []), ParentGoalId: "missing-parent")));
        Assert.Contains("parentGoalId", error.Errors.Keys);
        Assert.Null(await orphan.GetInfo());
        Assert.Contains((await Grains.GetGrain<IGoalDirectoryGrain>(0).List()), g => g.Id == objective && g.ParentGoalId == ambition);
    }

    [Fact]
    public async Task Residents_are_public_under_a_pseudonym_and_their_contact_data_stays_private()
    {
        var id = TestData.NewId("p");
        var grain = Grains.GetGrain<IParticipantGrain>(id);
        var profile = await grain.Register(new ParticipantRegistration(ParticipantKind.Resident, "Jan Peeters", "24062W10", ContactEmail: "jan@example.org"));
        Assert.DoesNotContain("Jan", profile.DisplayName, StringComparison.Ordinal);
        Assert.Equal("Jan Peeters", (await grain.GetPrivateDetails())!.Name);

        var school = await Grains.GetGrain<IParticipantGrain>(TestData.NewId("p"))
            .Register(new ParticipantRegistration(ParticipantKind.School, "Basisschool De ARK", "24062W13"));
        Assert.Equal("Basisschool De ARK", school.DisplayName);
        await Assert.ThrowsAsync<StateConflictException>(() =>
            grain.Register(new ParticipantRegistration(ParticipantKind.Business, "Other", "24062W10")));
    }

    [Fact]
    public async Task A_shard_ignores_a_contribution_older_than_the_one_it_holds()
    {
        var (commitment, _) = await ConfirmedResult();
        await commitment.ReportProgress(new ProgressReport("r", DateTimeOffset.UtcNow, Value: 50));
        var current = (await commitment.GetContribution())!;
        var shard = Grains.GetGrain<IContributionShardGrain>(AggregateScope.ShardFor(current.ParticipantId));

        await shard.Report(current with { Version = current.Version - 1, Status = CommitmentStatus.Withdrawn, Progress = 0 });
        var held = (await shard.GetContributions(current.Scopes[0].Scope)).Single(c => c.CommitmentId == current.CommitmentId);
        Assert.Equal(current.Version, held.Version);
        Assert.Equal(CommitmentStatus.Active, held.Status);
        Assert.Equal(current.Progress, held.Progress);
    }

    private async Task<(ICommitmentGrain Commitment, CommitmentTerms Terms)> ConfirmedResult()
    {
        var participant = await TestData.Participant(Grains);
        var goal = await TestData.Goal(Grains);
        var terms = TestData.ResultTerms();
        var id = await TestData.ConfirmedCommitment(Grains, participant, terms, "24062W13", new GoalWeight(goal));
        return (Grains.GetGrain<ICommitmentGrain>(id), terms);
    }
}
