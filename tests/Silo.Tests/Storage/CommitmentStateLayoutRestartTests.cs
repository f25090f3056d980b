using System.Text.Json;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Hosting;
using CivicContracting.Participants;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;

namespace CivicContracting.Silo.Tests.Storage;

/// <summary>
/// Commitments stored in the flat layout of the versions before sub-states (CommitmentState.Earlier.cs), on the embedded
/// SQLite profile: after a restart each reads as it did in every concern (conditions, co-signers, dependants, reports,
/// verification, moderation, nudges, a help request), and its next write stores the sub-states (beside the flat layout,
/// which silos of the version before still read during a rolling upgrade: tests/Grains.Tests/Compatibility).
/// </summary>
public sealed class CommitmentStateLayoutRestartTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Commitments_stored_flat_read_as_before_after_a_restart_and_are_written_in_sub_states()
    {
        var now = DateTimeOffset.UtcNow;
        var (result, draft, action) = ($"c-{Guid.NewGuid():N}", $"c-{Guid.NewGuid():N}", $"c-{Guid.NewGuid():N}");
        var views = new Dictionary<string, string>();
        var stored = new Dictionary<string, CommitmentState>();
        using (var first = TestSilo.BuildSqlite(_temp.Path))
        {
            await first.StartAsync();
            var grains = first.Services.GetRequiredService<IGrainFactory>();
            var goal = $"g-{Guid.NewGuid():N}";
            await grains.GetGrain<IGoalGrain>(goal).Define(new GoalDefinition("Safe school routes", "", new GoalScope(PlaceLevel.City, [])));
            var (owner, peer, neighbour) = (await Participant(grains, ParticipantKind.School), await Participant(grains, ParticipantKind.Business), await Participant(grains, ParticipantKind.Resident));

            // A result commitment with a co-signer, reports, a peer-confirmed and a verified claim, a hidden note and a coach's nudge.
            var terms = new CommitmentTerms(CommitmentLevel.Result, "More trips on foot or by bike", "We count every term.",
                Target: new QuantitativeTarget("Trips on foot or by bike", "%", 20, 80, DateOnly.FromDateTime(DateTime.UtcNow.AddYears(1))));
            var commitment = grains.GetGrain<ICommitmentGrain>(result);
            await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms));
            await commitment.Confirm("Head teacher", CommitmentText.Hash(terms));
            await commitment.Join(neighbour);
            await commitment.ReportProgressBatch([
                new ProgressReport("r-1", now.AddMinutes(-30), Value: 30),
                new ProgressReport("r-2", now.AddMinutes(-20), Value: 35),
                new ProgressReport("r-3", now.AddMinutes(-10), Note: "With a name in it."),
            ]);
            await grains.GetGrain<ICommitmentVerificationGrain>(result).ConfirmClaim("r-1", peer, "Seen at the gate.");
            await grains.GetGrain<ICommitmentVerificationGrain>(result).VerifyClaim("r-2", "acc-coach", "Counted.");
            await grains.GetGrain<ICommitmentModerationGrain>(result).Hide(ModerationTarget.Report, "r-3", "Personal data.", "acc-moderator");
            await grains.GetGrain<ICommitmentCoachingGrain>(result).Nudge("acc-coach", "How is it going?");

            // A draft waiting for co-signers, whose participant asked for help.
            await grains.GetGrain<ICommitmentGrain>(draft).Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms,
                CommitmentCondition.Threshold(2, now.AddDays(30))));
            await grains.GetGrain<ICommitmentHelpGrain>(draft).RequestHelp("How do I make this measurable?");

            // An action commitment on a reciprocal condition (met: the result commitment is confirmed), with a verified action.
            var actions = new CommitmentTerms(CommitmentLevel.Action, "A bike shed", "We build one.",
                Milestones: [new Milestone("m-1", "Build the shed", DateOnly.FromDateTime(DateTime.UtcNow.AddMonths(6)))]);
            var reciprocal = grains.GetGrain<ICommitmentGrain>(action);
            await reciprocal.Create(new CommitmentDraft(peer, [new GoalWeight(goal)], "24062W13", actions, CommitmentCondition.Reciprocal(result, now.AddDays(30))));
            await reciprocal.Confirm("Shop owner", CommitmentText.Hash(actions));
            await reciprocal.ReportProgress(new ProgressReport("a-1", now.AddMinutes(-5), CompletedMilestoneId: "m-1"));
            await grains.GetGrain<ICommitmentVerificationGrain>(action).VerifyClaim("a-1", "acc-coach", "Seen it.");

            // Each stored again as the versions before sub-states stored it.
            var storage = first.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
            foreach (var id in new[] { result, draft, action })
            {
                views[id] = JsonSerializer.Serialize(await grains.GetGrain<ICommitmentGrain>(id).Get());
                var state = new GrainState<CommitmentState>();
                await storage.ReadStateAsync(CommitmentGrain.StateName, grains.GetGrain<ICommitmentGrain>(id).GetGrainId(), state);
                stored[id] = state.State!;
                state.State = LegacyCommitmentStates.Flat(state.State!);
                await storage.WriteStateAsync(CommitmentGrain.StateName, grains.GetGrain<ICommitmentGrain>(id).GetGrainId(), state);
            }
            Assert.NotEmpty(stored[result].Confirmation.CoSigners);
            Assert.NotEmpty(stored[result].Verification.Verifications);
            Assert.NotEmpty(stored[result].Moderation.Actions);
            Assert.Equal(1, stored[result].Coaching.NudgeCount);
            Assert.NotNull(stored[draft].Coaching.HelpRequestedAt);
            Assert.Equal([action], stored[result].Confirmation.Dependants);
            Assert.Equal(["m-1"], stored[action].Verification.VerifiedMilestones);
            await first.StopAsync();
        }

        using var second = TestSilo.BuildSqlite(_temp.Path);
        await second.StartAsync();
        var again = second.Services.GetRequiredService<IGrainFactory>();
        foreach (var id in new[] { result, draft, action })
            Assert.Equal(views[id], JsonSerializer.Serialize(await again.GetGrain<ICommitmentGrain>(id).Get()));
        Assert.Equal("How is it going?", (await again.GetGrain<ICommitmentCoachingGrain>(result).GetLastManualNudge())!.Message);

        // The next write of each stores the sub-states. What the write did not touch is as it was.
        await again.GetGrain<ICommitmentCoachingGrain>(result).Nudge("acc-coach", null);
        await again.GetGrain<ICommitmentHelpGrain>(draft).HelpGiven("acc-coach");
        await again.GetGrain<ICommitmentGrain>(action).Withdraw("The shop moved.");
        var storageAgain = second.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var written = new Dictionary<string, CommitmentState>();
        foreach (var id in new[] { result, draft, action })
        {
            var state = new GrainState<CommitmentState>();
            await storageAgain.ReadStateAsync(CommitmentGrain.StateName, again.GetGrain<ICommitmentGrain>(id).GetGrainId(), state);
            written[id] = state.State!;
            AssertSubStatesStored(written[id]);
            Same(stored[id].Confirmation, written[id].Confirmation);
            Same(stored[id].Reports, written[id].Reports);
            Same(stored[id].Verification, written[id].Verification);
            Same(stored[id].Moderation, written[id].Moderation);
        }
        Assert.Equal(2, written[result].Coaching.NudgeCount);
        Assert.Null(written[draft].Coaching.HelpRequestedAt);
        Assert.Equal(CommitmentStatus.Withdrawn, written[action].Status);
        await second.StopAsync();
    }

    private static async Task<string> Participant(IGrainFactory grains, ParticipantKind kind)
    {
        var id = $"p-{Guid.NewGuid():N}";
        await grains.GetGrain<IParticipantGrain>(id).Register(new ParticipantRegistration(kind, $"Participant {id[..8]}", "24062W13"));
        return id;
    }

    /// <summary>A record read without sub-states leaves them null until the grain builds them (CommitmentState.MoveIntoSubStates).</summary>
    private static void AssertSubStatesStored(CommitmentState state)
    {
        Assert.NotNull(state.Confirmation);
        Assert.NotNull(state.Reports);
        Assert.NotNull(state.Coaching);
        Assert.NotNull(state.Verification);
        Assert.NotNull(state.Moderation);
        Assert.Null(state.FlatReports);
    }

    private static void Same<T>(T expected, T actual) => Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
}
