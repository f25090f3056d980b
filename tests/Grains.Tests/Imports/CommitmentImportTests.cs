using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Imports;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Imports;

/// <summary>The grains of the operator import on the two-silo test cluster: the commitment's import, the loader and the import job.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CommitmentImportTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static readonly DateTimeOffset SignedAt = DateTimeOffset.UtcNow.AddDays(-20);

    [Fact]
    public async Task An_imported_commitment_is_confirmed_as_signed_in_one_version_and_counts_in_its_goal_and_places()
    {
        var participant = await TestData.Participant(Grains, ParticipantKind.School);
        var goal = await TestData.Goal(Grains);
        var id = TestData.NewId("c");
        var import = new CommitmentImport(new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W13", TestData.ResultTerms()), new ImportedConfirmation("Directie", SignedAt));

        Assert.Equal(CommitmentImportOutcome.Created, await Grains.GetGrain<ICommitmentImportGrain>(id).Import(import));

        var view = (await Grains.GetGrain<ICommitmentGrain>(id).Get())!;
        Assert.Equal(CommitmentStatus.Confirmed, view.Status);
        Assert.Equal(1, view.Version); // one write
        Assert.Equal(SignedAt.ToUniversalTime(), view.Confirmation!.ConfirmedAt);
        Assert.Equal(CommitmentText.Hash(view.Terms), view.Confirmation.TextHash);
        Assert.True(view.CountsInAggregates);
        var contribution = (await Grains.GetGrain<ICommitmentGrain>(id).GetContribution())!;
        Assert.Equal(SignedAt.ToUniversalTime(), contribution.ConfirmedAt);
        Assert.Equal(ParticipantKind.School, contribution.ParticipantKind);
        Assert.Contains(contribution.Scopes, s => s.Scope == AggregateScope.Goal(goal));
        Assert.Contains(contribution.Scopes, s => s.Scope == AggregateScope.Place("24062C"));

        var snapshot = await Eventually.Value(() => Grains.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(goal)).GetSnapshot(),
            s => s.Totals.EngagedCommitments == 1, TimeSpan.FromSeconds(20));
        Assert.Equal(1, snapshot.Totals.EngagedCommitments);
        Assert.Equal(SignedAt.ToUniversalTime(), snapshot.Totals.FirstEngagementAt);
    }

    [Fact]
    public async Task Importing_the_same_commitment_again_is_a_no_op_and_other_content_under_its_id_is_a_conflict()
    {
        var participant = await TestData.Participant(Grains);
        var goal = await TestData.Goal(Grains);
        var id = TestData.NewId("c");
        var draft = new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W13", TestData.PledgeTerms());
        var grain = Grains.GetGrain<ICommitmentImportGrain>(id);
        await grain.Import(new CommitmentImport(draft, new ImportedConfirmation("Someone", SignedAt)));

        Assert.Equal(CommitmentImportOutcome.AlreadyThere, await grain.Import(new CommitmentImport(draft, new ImportedConfirmation("Someone", SignedAt))));
        Assert.Equal(1, (await Grains.GetGrain<ICommitmentGrain>(id).Get())!.Version);
        await Assert.ThrowsAsync<StateConflictException>(() => grain.Import(new CommitmentImport(draft, new ImportedConfirmation("Someone else", SignedAt))));
        await Assert.ThrowsAsync<StateConflictException>(() => grain.Import(new CommitmentImport(draft, new ImportedConfirmation("Someone", SignedAt.AddHours(1)))));
        await Assert.ThrowsAsync<StateConflictException>(() => grain.Import(new CommitmentImport(draft with { NeighbourhoodCode = "24062W01" }, new ImportedConfirmation("Someone", SignedAt))));
        Assert.Equal(1, (await Grains.GetGrain<ICommitmentGrain>(id).Get())!.Version);
    }

    [Fact]
    public async Task An_import_is_refused_by_the_rules_of_Create_and_Confirm_and_nothing_is_stored()
    {
        var participant = await TestData.Participant(Grains);
        var goal = await TestData.Goal(Grains);
        var draft = new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W13", TestData.ResultTerms());
        async Task<string> RefusedField(CommitmentImport import)
        {
            var id = TestData.NewId("c");
            var refused = await Assert.ThrowsAsync<InputRejectedException>(() => Grains.GetGrain<ICommitmentImportGrain>(id).Import(import));
            Assert.Null(await Grains.GetGrain<ICommitmentGrain>(id).Get());
            return string.Join(",", refused.Errors.Keys.Order(StringComparer.Ordinal));
        }

        Assert.Equal("participantId", await RefusedField(new CommitmentImport(draft with { ParticipantId = TestData.NewId("p") })));
        Assert.Equal("goals[0].goalId", await RefusedField(new CommitmentImport(draft with { Goals = [new GoalWeight(TestData.NewId("g"))] })));
        Assert.Equal("confirmation.signedAt", await RefusedField(new CommitmentImport(draft, new ImportedConfirmation("X", DateTimeOffset.UtcNow.AddDays(2)))));
        Assert.Equal("confirmation.signedAt", await RefusedField(new CommitmentImport(draft, new ImportedConfirmation("X", default))));
        Assert.Equal("confirmation.confirmedBy", await RefusedField(new CommitmentImport(draft, new ImportedConfirmation(" ", SignedAt))));
        Assert.Equal("confirmation.textHash", await RefusedField(new CommitmentImport(draft, new ImportedConfirmation("X", SignedAt, new string('0', 64)))));
        Assert.Equal("terms.target", await RefusedField(new CommitmentImport(draft with { Terms = draft.Terms with { Target = null } })));
        Assert.Equal("condition", await RefusedField(new CommitmentImport(draft with { Condition = CommitmentCondition.Threshold(2, DateTimeOffset.UtcNow.AddDays(30)) })));
    }

    [Fact]
    public async Task The_loader_stores_a_participants_commitments_and_lists_them_with_the_participant_reporting_conflicts_per_row()
    {
        var goal = await TestData.Goal(Grains);
        var participant = TestData.NewId("p");
        var loader = Grains.GetGrain<IImportLoaderGrain>(0);
        var registration = new ParticipantRegistration(ParticipantKind.Organisation, "Buurtcomité", "24062W02");
        var registered = await loader.RegisterParticipants([new ImportedParticipant(participant, registration, 2)]);
        Assert.Equal(ImportRowStatus.Created, registered.Single().Status);
        var conflicting = await loader.RegisterParticipants([new ImportedParticipant(participant, registration with { Name = "Other" }, 9)]);
        Assert.Equal((9, ImportRowStatus.Failed), (conflicting.Single().Row, conflicting.Single().Status));

        var commitments = Enumerable.Range(0, 5).Select(i => new ImportedCommitment(TestData.NewId("c"),
            new CommitmentImport(new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W02", TestData.PledgeTerms()), new ImportedConfirmation("Voorzitter", SignedAt)), 10 + i)).ToList();
        var results = await loader.LoadCommitments(commitments);
        Assert.All(results, r => Assert.Equal(ImportRowStatus.Created, r.Status));
        Assert.Equal(commitments.Select(c => c.Row), results.Select(r => r.Row));
        var again = await loader.LoadCommitments([.. commitments, commitments[0] with { Id = commitments[1].Id, Row = 99, Import = commitments[0].Import with { Confirmation = new ImportedConfirmation("Iemand anders", SignedAt) } }]);
        Assert.Equal(5, again.Count(r => r.Status == ImportRowStatus.AlreadyThere));
        Assert.Equal((99, ImportRowStatus.Failed, "id"), (again[^1].Row, again[^1].Status, again[^1].Field));

        var profile = (await Grains.GetGrain<IParticipantGrain>(participant).GetProfile())!;
        Assert.Equal(commitments.Select(c => c.Id).Order(), profile.CommitmentIds.Order());
    }

    [Fact]
    public async Task An_import_job_is_held_by_one_run_until_its_heartbeats_stop_and_the_next_run_continues_from_its_checkpoint()
    {
        var job = Grains.GetGrain<IImportJobGrain>(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray())));
        // Long enough that run 1's lease cannot lapse by itself on a slow machine; its expiry is seen by moving the job's
        // clock past it for run 2's call (TestClock.Shift), not by waiting.
        var lease = TimeSpan.FromMinutes(10);
        var first = await job.Start(new ImportJobStart("run-1", "jsonl", 1234, "tester", lease));
        Assert.Equal(ImportLeaseOutcome.Granted, first.Outcome);
        var checkpoint = new ImportCheckpoint(ImportPhase.Commitments, 4_096);
        Assert.True(await job.Report("run-1", ImportProgress.Empty with { Phase = ImportPhase.Commitments }, checkpoint));

        // While run 1 sends heartbeats, run 2 is told it is busy; once they stop (its process was killed), run 2 takes over.
        Assert.Equal(ImportLeaseOutcome.Busy, (await job.Start(new ImportJobStart("run-2", "jsonl", 1234, "tester", lease))).Outcome);
        using (TestClock.Shift(lease - TimeSpan.FromMinutes(1)))
            Assert.Equal(ImportLeaseOutcome.Busy, (await job.Start(new ImportJobStart("run-2", "jsonl", 1234, "tester", lease))).Outcome);
        ImportLease taken;
        using (TestClock.Shift(lease + TimeSpan.FromSeconds(1)))
            taken = await job.Start(new ImportJobStart("run-2", "jsonl", 1234, "tester", lease));
        Assert.Equal(ImportLeaseOutcome.Granted, taken.Outcome);
        Assert.Equal(checkpoint, taken.Job.Checkpoint);
        Assert.False(await job.Report("run-1", ImportProgress.Empty, null)); // the old run learns it must stop

        var done = await job.Finish("run-2", ImportJobStatus.Completed, ImportProgress.Empty with { Phase = ImportPhase.Done }, null);
        Assert.Equal(ImportJobStatus.Completed, done.Status);
        Assert.Equal(ImportLeaseOutcome.Completed, (await job.Start(new ImportJobStart("run-3", "jsonl", 1234, "tester", lease))).Outcome);
        var again = await job.Start(new ImportJobStart("run-3", "jsonl", 1234, "tester", lease, Again: true));
        Assert.Equal(ImportLeaseOutcome.Granted, again.Outcome);
        Assert.Equal(ImportCheckpoint.Start, again.Job.Checkpoint);
    }
}
