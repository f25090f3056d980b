using CivicContracting.Commitments;
using CivicContracting.Moderation;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Moderation;

/// <summary>
/// Asking the support team for help on a draft, and a coach marking that help given: the one way in for
/// POST and DELETE /api/commitments/{id}/help-request and the confirmation page's forms.
/// </summary>
public sealed class HelpRequestCommand(IClusterClient orleans, Access access, CommitmentViews views)
{
    /// <summary>The right to ask for help on <see cref="CommitmentId"/>: those who may edit the draft.</summary>
    public sealed record Permit(Actor Actor, string CommitmentId);

    /// <summary>404 if there is no such commitment, 401 if not signed in, 403 without the right to draft for its participant.</summary>
    public async Task<Permit> AuthoriseAsync(Actor actor, string commitmentId) =>
        new(actor, (await access.RequireForCommitmentAsync(actor, commitmentId, ParticipantRight.Draft)).Id);

    /// <summary>The message's rule, by field ("message": 3 to 1,000 characters).</summary>
    public static InputRules.Errors Check(string? message) =>
        ModerationRules.Reason("message", message, HelpRequests.MaxMessageLength, HelpRequests.MinMessageLength);

    public async Task<CommitmentView> AskAsync(Permit permit, string? message)
    {
        Check(message).ThrowIfAny();
        var view = await orleans.GetGrain<ICommitmentHelpGrain>(permit.CommitmentId).RequestHelp(message!);
        views.Remember(view);
        return view;
    }

    /// <summary>401 if not signed in, 403 for anyone but coaches and administrators, 404 if there is no such commitment; a no-op without a request.</summary>
    public async Task<CommitmentView> MarkGivenAsync(Actor actor, string commitmentId)
    {
        Access.RequireSignedIn(actor);
        if (!AccessRules.CanMarkHelpGiven(actor))
            throw Access.Forbidden(ApiText.AccessHelpGivenCoachesOnly);
        var commitment = await Access.RequireCommitmentAsync(orleans, commitmentId);
        var view = await orleans.GetGrain<ICommitmentHelpGrain>(commitment.Id).HelpGiven(actor.RecordedId);
        views.Remember(view);
        return view;
    }
}
