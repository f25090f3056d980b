using CivicContracting.Accounts;
using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Texts;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Commitments;

/// <summary>
/// A participant joins a commitment as co-signer ("me too") or leaves it: the one way in for
/// POST /api/commitments/{id}/co-signers, DELETE …/co-signers/{participantId} and the commitment page's button.
/// Joining is committing, so it takes <see cref="ParticipantRight.Confirm"/> for the co-signing participant; a person
/// who acts for the commitment's own participant cannot join it, and one person counts once towards a threshold.
/// </summary>
public sealed class CoSignCommand(IClusterClient orleans, WriteBudgets budgets, IOptions<AccountOptions> accountOptions)
{
    /// <summary>404 if there is no such commitment, 400 for a bad participant id, 401/403 without the right to confirm for it.</summary>
    public async Task<CommitmentView> RunAsync(Actor actor, string commitmentId, string participantId, bool join)
    {
        var commitment = await Access.RequireCommitmentAsync(orleans, commitmentId);
        InputRules.CoSigner(participantId).ThrowIfAny();
        Access.Require(actor, a => AccessRules.Check(a, participantId, ParticipantRight.Confirm));
        var grain = orleans.GetGrain<ICommitmentGrain>(commitment.Id);
        if (!join)
            return await grain.Leave(participantId);
        // A threshold counts people: whoever acts for the commitment's own participant is not one of the "others", and
        // the participants one person acts for count once (the grain groups them by the account passed here).
        if (actor.Account is not null && actor.RoleFor(commitment.ParticipantId) is not null)
            throw ApiProblems.Invalid("participantId", ApiText.CoSignerIsOwner);
        // A co-signature counts a person towards a threshold at once, so (where e-mail verification is required) only a
        // person whose address is verified gives one: throw-away accounts cannot meet a condition.
        if (actor.Account is { } account && !OwnParticipants.EmailVerified(account, accountOptions.Value))
            throw Access.Forbidden(ApiText.CoSignNeedsVerifiedEmail);
        await budgets.SpendAsync(actor, BudgetedWrite.Confirmation);
        return await grain.JoinAs(participantId, actor.Account?.Id);
    }
}

/// <summary>
/// Taking a template up: a copy of its goals and terms for another participant, counting in its own neighbourhood. The
/// one way in for POST /api/commitments/{id}/copies and the template page's form.
/// </summary>
public sealed class TakeUpTemplateCommand(IClusterClient orleans, CivicClock clock, WriteBudgets budgets)
{
    /// <summary>The copy, and whether this call made it (false: the same id was sent before).</summary>
    public sealed record Result(CommitmentView View, bool Created);

    /// <summary>
    /// 404 if there is no such template, 400 naming the field for bad input or a commitment that is no template, 401/403
    /// without the right to draft for the participant. <paramref name="copyId"/>: the copy's id, or null for a new one.
    /// <paramref name="language"/>: the language it is taken up in (nl, fr, en; "fr-BE" is fr; null: the template's own).
    /// </summary>
    public async Task<Result> RunAsync(Actor actor, string templateId, string participantId, string? neighbourhoodCode, CommitmentCondition? condition = null, string? copyId = null,
        string? language = null)
    {
        var template = await Access.RequireCommitmentAsync(orleans, templateId);
        var takeUp = new TemplateTakeUp(template.Id, participantId, neighbourhoodCode ?? "", condition, CivicContracting.Texts.Languages.Code(language));
        var errors = CommitmentRules.TakeUp(takeUp, clock.GetUtcNow(), copyId);
        if (language is not null && takeUp.Language is null)
            errors.Add("language", RuleText.UnknownContentLanguage(language));
        ApiIds.Check(errors, "id", copyId);
        if (!template.IsTemplate)
            errors.Add("id", ApiText.NotATemplate(template.Id));
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        Access.Require(actor, a => AccessRules.Check(a, participantId, ParticipantRight.Draft));
        var id = copyId ?? ApiIds.New("c");
        var grain = orleans.GetGrain<ICommitmentGrain>(id);
        var existed = copyId is not null && await grain.Get() is not null;
        if (!existed)
            await budgets.SpendAsync(actor, BudgetedWrite.Draft);
        return new Result(await grain.TakeUp(takeUp), !existed);
    }
}

/// <summary>Closing a confirmed or active commitment as achieved or missed: the one way in for POST /api/commitments/{id}/closure.</summary>
public sealed class CloseCommitmentCommand(IClusterClient orleans, Access access)
{
    /// <summary>The right to close <see cref="CommitmentId"/>.</summary>
    public sealed record Permit(Actor Actor, string CommitmentId);

    /// <summary>404 if there is no such commitment, 401 if not signed in, 403 without <see cref="ParticipantRight.Close"/>.</summary>
    public async Task<Permit> AuthoriseAsync(Actor actor, string commitmentId) =>
        new(actor, (await access.RequireForCommitmentAsync(actor, commitmentId, ParticipantRight.Close)).Id);

    public Task<CommitmentView> RunAsync(Permit permit, CommitmentOutcome outcome) =>
        orleans.GetGrain<ICommitmentGrain>(permit.CommitmentId).Close(outcome);
}
