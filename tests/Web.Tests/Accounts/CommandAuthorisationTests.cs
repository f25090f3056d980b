using CivicContracting.Accounts;
using CivicContracting.Commitments;
using CivicContracting.Following;
using CivicContracting.Moderation;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Following;
using CivicContracting.Web.Goals;
using CivicContracting.Web.Moderation;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Tests.Progress;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>
/// The application commands without HTTP: each refuses whoever may not act, before it changes anything, with the status
/// the API answers (401 not signed in, 403 not allowed, 404 no such commitment) — the pages map the same refusals.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class CommandAuthorisationTests(WebAppFixture app)
{
    private T Command<T>() where T : notnull => app.Services.GetRequiredService<T>();

    private IClusterClient Orleans => app.Services.GetRequiredService<IClusterClient>();

    [Fact]
    public async Task Each_command_refuses_who_may_not_act_and_leaves_the_commitment_as_it_was()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        var report = await Command<ReportProgressCommand>().AuthoriseAsync(Actor.Operator, commitment);
        await Command<ReportProgressCommand>().RunAsync(report, Command<ReportProgressCommand>().Prepare(report, new ProgressInput("r-1", DateTimeOffset.UtcNow.AddHours(-1), 12, null, null, null)), CancellationToken.None);
        var before = await world.CommitmentAsync(commitment);
        using var strangerPerson = await People.SignUpAsync(app.BaseAddress);
        var stranger = await ActorOfAsync(strangerPerson.AccountId);
        var owner = await ActorOfAsync(world.Owner.AccountId);

        await RefusedAsync(403, () => Command<WithdrawCommitmentCommand>().AuthoriseAsync(stranger, commitment));
        await RefusedAsync(401, () => Command<WithdrawCommitmentCommand>().AuthoriseAsync(Actor.Anonymous, commitment));
        await RefusedAsync(404, () => Command<WithdrawCommitmentCommand>().AuthoriseAsync(owner, "c-no-such-commitment"));
        await RefusedAsync(403, () => Command<ConfirmCommitmentCommand>().AuthoriseAsync(stranger, commitment));
        await RefusedAsync(403, () => Command<UpgradeCommitmentCommand>().AuthoriseAsync(stranger, commitment));
        // Only the support team verifies; a resident may not, nor may they confirm a claim for a participant they do not act for.
        await RefusedAsync(403, () => Command<VerifyClaimCommand>().RunAsync(stranger, commitment, "r-1", "Gezien ter plaatse."));
        await RefusedAsync(403, () => Command<PeerConfirmClaimCommand>().RunAsync(stranger, commitment, "r-1", world.OrganisationId, null));
        // The owner's own participant cannot confirm its own claim.
        await RefusedAsync(400, () => Command<PeerConfirmClaimCommand>().RunAsync(owner, commitment, "r-1", world.OrganisationId, null));
        // A flag comes from a person; moderation from a moderator.
        await RefusedAsync(403, () => Command<FlagCommand>().RunAsync(Actor.Operator, commitment, ModerationTarget.Text, null, "Beledigend."));
        await RefusedAsync(403, () => Command<ModerateCommand>().RunAsync(stranger, commitment, ModerationStep.Hide, ModerationTarget.Text, null, "Beledigend."));
        await RefusedAsync(403, () => Command<FollowCommand>().RunAsync(Actor.Operator, new FollowTopic(FollowTopicKind.Commitment, commitment), follow: true));
        await RefusedAsync(401, () => Command<FollowCommand>().RunAsync(Actor.Anonymous, new FollowTopic(FollowTopicKind.Commitment, commitment), follow: true));

        await RefusedAsync(403, () => Command<CloseCommitmentCommand>().AuthoriseAsync(stranger, commitment));
        // Goals are the administrators': a resident defines and revises none; an unknown goal is 404 for whoever may.
        var goal = new CivicContracting.Goals.GoalDefinition("Een doel", "Waarom.", new CivicContracting.Goals.GoalScope(CivicContracting.Goals.PlaceLevel.City, []));
        await RefusedAsync(403, () => Command<DefineGoalCommand>().RunAsync(owner, goal, null));
        await RefusedAsync(403, () => Command<ReviseGoalCommand>().AuthoriseAsync(owner, world.GoalId));
        await RefusedAsync(404, () => Command<ReviseGoalCommand>().AuthoriseAsync(Actor.Operator, "g-no-such-goal"));
        // Help on a draft is asked by those who may edit it and marked given by the support team only.
        await RefusedAsync(403, () => Command<HelpRequestCommand>().AuthoriseAsync(stranger, commitment));
        await RefusedAsync(403, () => Command<HelpRequestCommand>().MarkGivenAsync(owner, commitment));
        await RefusedAsync(403, () => Command<ReviseCommitmentCommand>().AuthoriseAsync(stranger, commitment));
        // Co-signing for a participant one does not act for, or as the operator's bootstrap token: refused.
        await RefusedAsync(403, () => Command<CoSignCommand>().RunAsync(stranger, commitment, world.OrganisationId, join: true));
        await RefusedAsync(404, () => Command<CoSignCommand>().RunAsync(owner, "c-no-such-commitment", world.OrganisationId, join: true));
        // A commitment that is no template is not taken up; a resident offers no template.
        await RefusedAsync(400, () => Command<TakeUpTemplateCommand>().RunAsync(owner, commitment, world.OrganisationId, ProgressWorld.Neighbourhood));
        var template = new CommitmentDraft(world.OrganisationId, [new GoalWeight(world.GoalId, 1)], ProgressWorld.Neighbourhood,
            new CommitmentTerms(CommitmentLevel.Pledge, "Een sjabloon", "Voor iedereen."), IsTemplate: true);
        await RefusedAsync(403, () => Command<CreateCommitmentCommand>().RunAsync(owner, template, null));
        Assert.IsType<InputRejectedException>(await Record.ExceptionAsync(() =>
            Command<CreateCommitmentCommand>().RunAsync(owner, template with { IsTemplate = false, Goals = [new GoalWeight("goal-none-such", 1)] }, null)));

        var after = await world.CommitmentAsync(commitment);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Status, after.Status);

        // And those who may, can: the owner withdraws (a reason is required, checked before anything changes).
        var permit = await Command<WithdrawCommitmentCommand>().AuthoriseAsync(owner, commitment);
        Assert.Contains("reason", (await Assert.ThrowsAsync<InputRejectedException>(() => Command<WithdrawCommitmentCommand>().RunAsync(permit, " "))).Errors.Keys);
        Assert.Equal(CommitmentStatus.Withdrawn, (await Command<WithdrawCommitmentCommand>().RunAsync(permit, "We verhuizen.")).Status);
    }

    private static async Task RefusedAsync(int status, Func<Task> act)
    {
        var refused = await Assert.ThrowsAsync<ApiProblemException>(act);
        Assert.Equal(status, refused.Status);
    }

    private async Task<Actor> ActorOfAsync(string accountId) =>
        new(ActorKind.Session, await Orleans.GetGrain<IAccountGrain>(accountId).Get() ?? throw new InvalidOperationException($"No account {accountId}."), null);
}
