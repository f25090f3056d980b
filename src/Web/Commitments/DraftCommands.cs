using CivicContracting.Accounts;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Hosting;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Sessions;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Commitments;

/// <summary>
/// Making a commitment's draft: the one way in for POST /api/commitments and the site's guided flow. Validation first
/// (the draft's rules, 400 naming the field), then who may (<see cref="ParticipantRight.Draft"/> for its participant;
/// templates only the support team and administrators), then what it refers to (the participant, every goal, a
/// co-creation session that has started: 400 naming the field), then the grain — which checks them all again.
/// </summary>
public sealed class CreateCommitmentCommand(IClusterClient orleans, CivicClock clock, WriteBudgets budgets)
{
    /// <summary>The stored draft, and whether this call created it (false: the same id and content were sent before).</summary>
    public sealed record Result(CommitmentView View, bool Created);

    public async Task<Result> RunAsync(Actor actor, CommitmentDraft draft, string? id)
    {
        var errors = CommitmentRules.NewDraft(draft, clock.GetUtcNow(), id);
        draft = WithLanguage(draft, errors);
        ApiIds.Check(errors, "id", id);
        errors.ThrowIfAny();
        Authorise(actor, draft);
        (await CheckReferencesAsync(draft)).ThrowIfAny();
        var commitmentId = id ?? ApiIds.New("c");
        var grain = orleans.GetGrain<ICommitmentGrain>(commitmentId);
        var existed = id is not null && await grain.Get() is not null;
        if (!existed)
            await budgets.SpendAsync(actor, BudgetedWrite.Draft); // a retry of a stored draft is free
        return new Result(await grain.Create(draft), !existed);
    }

    /// <summary>The author's language as its code (nl, fr, en; "fr-BE" is fr); any other is refused naming "language".</summary>
    public static CommitmentDraft WithLanguage(CommitmentDraft draft, InputRules.Errors errors)
    {
        if (draft.Language is null)
            return draft;
        errors.Merge(AccountRules.Language(draft.Language), "");
        return draft with { Language = CivicContracting.Texts.Languages.Code(draft.Language) ?? draft.Language };
    }

    /// <summary>401 if not signed in, 403 without the right to draft for the participant, or for a template without being support team.</summary>
    public static void Authorise(Actor actor, CommitmentDraft draft)
    {
        Access.Require(actor, a => AccessRules.Check(a, draft.ParticipantId, ParticipantRight.Draft));
        // Templates are offered by the support team and the city's administrators, for others to take up.
        if (draft.IsTemplate && !actor.IsCoachOrAdministrator)
            throw Access.Forbidden(ApiText.AccessTemplatesSupportTeamOnly);
    }

    /// <summary>The participant and every goal must exist, and a named session must have started; checked before the grain, so the answer names the field.</summary>
    public async Task<InputRules.Errors> CheckReferencesAsync(CommitmentDraft draft)
    {
        var errors = new InputRules.Errors();
        if (await orleans.GetGrain<IParticipantGrain>(draft.ParticipantId).GetProfile() is null)
            errors.Add("participantId", ApiText.NoParticipant(draft.ParticipantId));
        var goals = await Task.WhenAll(draft.Goals.Select(g => orleans.GetGrain<IGoalGrain>(g.GoalId).GetInfo()));
        for (var i = 0; i < goals.Length; i++)
        {
            if (goals[i] is null)
                errors.Add($"goals[{i}].goalId", ApiText.NoGoal(draft.Goals[i].GoalId));
        }
        await SessionEndpoints.CheckSessionForCommitmentAsync(orleans, draft.SessionId, clock.GetUtcNow(), errors);
        return errors;
    }
}

/// <summary>Revising a draft before it is confirmed: the one way in for PUT /api/commitments/{id} and the guided flow's "resume".</summary>
public sealed class ReviseCommitmentCommand(IClusterClient orleans, Access access, CivicClock clock, WriteBudgets budgets)
{
    /// <summary>The right to revise <see cref="Commitment"/> (as read for the check).</summary>
    public sealed record Permit(Actor Actor, CommitmentView Commitment);

    /// <summary>404 if there is no such commitment, 401 if not signed in, 403 without the right to draft for its participant.</summary>
    public async Task<Permit> AuthoriseAsync(Actor actor, string commitmentId) =>
        new(actor, await access.RequireForCommitmentAsync(actor, commitmentId, ParticipantRight.Draft));

    /// <summary><paramref name="bodyId"/>: an id the input named too, which must be the commitment's.</summary>
    public async Task<CommitmentView> RunAsync(Permit permit, CommitmentDraft draft, string? bodyId = null)
    {
        var errors = CommitmentRules.NewDraft(draft, clock.GetUtcNow(), permit.Commitment.Id);
        draft = CreateCommitmentCommand.WithLanguage(draft, errors);
        if (bodyId is not null && bodyId != permit.Commitment.Id)
            errors.Add("id", ApiText.IdInPath);
        errors.ThrowIfAny();
        await budgets.SpendAsync(permit.Actor, BudgetedWrite.Draft);
        return await orleans.GetGrain<ICommitmentGrain>(permit.Commitment.Id).Revise(draft);
    }
}
