using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Moderation;
using CivicContracting.Participants;
using CivicContracting.Validation;
using Orleans.Core.Internal;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>Moderators hide a commitment's text or one report from the public; the commitment keeps counting, and the log keeps every step.</summary>
[Collection(CommitmentClusterCollection.Name)]
public sealed class ModerationTests(CommitmentClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Hiding_the_text_is_logged_changes_no_engagement_or_progress_and_repeating_it_is_a_no_op()
    {
        var (id, commitment, owner) = await ConfirmedWithReport();
        var moderation = Grains.GetGrain<ICommitmentModerationGrain>(id);
        var before = (await commitment.Get())!;
        var contributionBefore = (await commitment.GetContribution())!;
        Assert.False(before.TextHidden);
        Assert.Empty(before.Moderation ?? []);

        var hidden = await moderation.Hide(ModerationTarget.Text, null, "Beledigende taal", "account-moderator");
        Assert.True(hidden.TextHidden);
        var step = Assert.Single(hidden.Moderation!);
        Assert.Equal((ModerationTarget.Text, (string?)null, true, "Beledigende taal", "account-moderator"), (step.Target, step.ReportId, step.Hidden, step.PublicReason, step.By));
        Assert.Equal(before.Terms, hidden.Terms); // stored as it was: the web tier redacts for the public
        Assert.Equal(before.Version + 1, hidden.Version);

        // The commitment keeps counting exactly as before.
        var contribution = (await commitment.GetContribution())!;
        Assert.Equal(hidden.Version, contribution.Version);
        Assert.Equal((contributionBefore.Status, contributionBefore.Progress, contributionBefore.OnTrack, contributionBefore.ConfirmedAt, contributionBefore.NotInForce, contributionBefore.IsEngaged),
            (contribution.Status, contribution.Progress, contribution.OnTrack, contribution.ConfirmedAt, contribution.NotInForce, contribution.IsEngaged));
        Assert.Equal(contributionBefore.Scopes.Select(s => s.Scope), contribution.Scopes.Select(s => s.Scope));
        Assert.Equal((before.Status, before.Progress, before.CurrentValue, before.Reports.Count, before.CountsInAggregates),
            (hidden.Status, hidden.Progress, hidden.CurrentValue, hidden.Reports.Count, hidden.CountsInAggregates));
        var shard = await Grains.InShard(owner, id, AggregateScope.Place("24062W13"));
        Assert.True(shard is { IsEngaged: true });
        // Public lists that name commitments without reading them (the sitemap) learn that the text is hidden.
        Assert.False(contributionBefore.TextHidden);
        Assert.True(contribution.TextHidden);
        Assert.True(shard!.TextHidden);
        // Also as the shard stores it (read back after a deactivation).
        await Grains.GetGrain<IContributionShardGrain>(AggregateScope.ShardFor(owner)).AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.True((await Grains.InShard(owner, id, AggregateScope.Place("24062W13")))!.TextHidden);

        // Hiding again changes nothing; showing again appends; showing what is shown changes nothing.
        Assert.Equal(hidden.Version, (await moderation.Hide(ModerationTarget.Text, null, "Nog eens", "account-other")).Version);
        var shown = await moderation.Unhide(ModerationTarget.Text, null, "Toch aanvaardbaar", "account-moderator");
        Assert.False(shown.TextHidden);
        Assert.False((await commitment.GetContribution())!.TextHidden);
        Assert.Equal([true, false], shown.Moderation!.Select(a => a.Hidden));
        Assert.Equal("Toch aanvaardbaar", shown.Moderation![1].PublicReason);
        Assert.Equal(shown.Version, (await moderation.Unhide(ModerationTarget.Text, null, "Nog eens", "account-moderator")).Version);
        Assert.Equal(2, (await commitment.Get())!.Moderation!.Count);
    }

    [Fact]
    public async Task Hiding_a_report_keeps_its_value_counting_and_an_unknown_report_or_commitment_is_not_found()
    {
        var (id, commitment, _) = await ConfirmedWithReport();
        var moderation = Grains.GetGrain<ICommitmentModerationGrain>(id);
        var before = (await commitment.Get())!;

        var hidden = await moderation.Hide(ModerationTarget.Report, "r-1", "Persoonsgegevens in de notitie", "account-moderator");
        Assert.NotNull(hidden.ReportHiddenBy("r-1"));
        Assert.Null(hidden.TextHiddenBy());
        Assert.False(hidden.TextHidden);
        Assert.Equal((before.CurrentValue, before.Progress, before.Reports.Count), (hidden.CurrentValue, hidden.Progress, hidden.Reports.Count));
        Assert.Equal(before.Reports[0], hidden.Reports[0]); // kept whole for the support team

        await Assert.ThrowsAsync<KeyNotFoundException>(() => moderation.Hide(ModerationTarget.Report, "r-unknown", "Beledigend", "account-moderator"));
        Assert.Equal(hidden.Version, (await commitment.Get())!.Version);
        await Assert.ThrowsAsync<KeyNotFoundException>(() =>
            Grains.GetGrain<ICommitmentModerationGrain>(TestData.NewId("c")).Hide(ModerationTarget.Text, null, "Beledigend", "account-moderator"));
    }

    [Fact]
    public async Task A_reason_out_of_bounds_or_a_target_without_its_report_is_refused_and_nothing_changes()
    {
        var (id, commitment, _) = await ConfirmedWithReport();
        var moderation = Grains.GetGrain<ICommitmentModerationGrain>(id);
        var version = (await commitment.Get())!.Version;

        foreach (var (call, field) in new (Func<Task<CommitmentView>>, string)[]
        {
            (() => moderation.Hide(ModerationTarget.Text, null, "", "account-moderator"), "publicReason"),
            (() => moderation.Hide(ModerationTarget.Text, null, "ab", "account-moderator"), "publicReason"),
            (() => moderation.Hide(ModerationTarget.Text, null, new string('x', ModerationRules.MaxPublicReasonLength + 1), "account-moderator"), "publicReason"),
            (() => moderation.Hide(ModerationTarget.Report, null, "Beledigend", "account-moderator"), "reportId"),
            (() => moderation.Hide(ModerationTarget.Text, "r-1", "Beledigend", "account-moderator"), "reportId"),
            (() => moderation.Hide(ModerationTarget.Text, null, "Beledigend", " "), "moderatorId"),
            (() => moderation.Unhide(ModerationTarget.Text, null, "x", "account-moderator"), "publicReason"),
        })
        {
            var refused = await Assert.ThrowsAsync<InputRejectedException>(call);
            Assert.Contains(field, refused.Errors.Keys);
        }
        var after = (await commitment.Get())!;
        Assert.Equal(version, after.Version);
        Assert.Empty(after.Moderation ?? []);
    }

    [Fact]
    public async Task The_queue_keeps_one_flag_per_account_per_item_and_resolving_moves_the_item_to_the_history()
    {
        var queue = Grains.GetGrain<IModerationQueueGrain>(ModerationQueue.Key);
        var commitmentId = TestData.NewId("c");

        await queue.Flag(commitmentId, ModerationTarget.Text, null, "account-a", "Beledigend");
        await queue.Flag(commitmentId, ModerationTarget.Text, null, "account-a", "Nog eens"); // the same account again: a no-op
        var item = await queue.Flag(commitmentId, ModerationTarget.Text, null, "account-b", "Kwetsend");
        await queue.Flag(commitmentId, ModerationTarget.Report, "r-1", "account-a", "Reclame");
        Assert.Equal(["account-a", "account-b"], item.Flags.Select(f => f.AccountId));
        Assert.Equal("Beledigend", item.Flags[0].Reason);
        var open = (await queue.GetOpen()).Where(i => i.CommitmentId == commitmentId).ToList();
        Assert.Equal(2, open.Count);

        await Assert.ThrowsAsync<InputRejectedException>(() => queue.Flag(commitmentId, ModerationTarget.Text, null, "account-c", "x"));
        await Assert.ThrowsAsync<InputRejectedException>(() => queue.Flag(commitmentId, ModerationTarget.Report, null, "account-c", "Reclame"));

        var resolved = await queue.Resolve(commitmentId, ModerationTarget.Text, null, FlagResolution.Hidden, "account-moderator");
        Assert.Equal((2, FlagResolution.Hidden, "account-moderator"), (resolved!.FlagCount, resolved.Resolution, resolved.By));
        Assert.Null(await queue.Resolve(commitmentId, ModerationTarget.Text, null, FlagResolution.Dismissed, "account-moderator"));
        var left = Assert.Single(await queue.GetOpen(), i => i.CommitmentId == commitmentId);
        Assert.Equal((ModerationTarget.Report, "r-1"), (left.Target, left.ReportId));
        Assert.Contains(await queue.GetResolved(), r => r.CommitmentId == commitmentId && r.Resolution == FlagResolution.Hidden);
    }

    /// <summary>A confirmed result commitment with one report (r-1: a value, a note and evidence).</summary>
    private async Task<(string Id, ICommitmentGrain Grain, string Owner)> ConfirmedWithReport()
    {
        var goal = await TestData.Goal(Grains);
        var owner = await TestData.Participant(Grains, ParticipantKind.School, "24062W13");
        var terms = TestData.ResultTerms();
        var (id, commitment, _) = await Grains.Create(owner, "24062W13", goal, terms);
        await commitment.ConfirmAs(terms);
        await commitment.ReportProgress(new ProgressReport("r-1", AdvancingClock.Now.AddMinutes(-1), 50, Note: "Een notitie", EvidenceUrl: "https://example.org/bewijs"));
        return (id, commitment, owner);
    }
}
