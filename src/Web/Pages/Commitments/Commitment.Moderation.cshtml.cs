using CivicContracting.Commitments;
using CivicContracting.Moderation;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Moderation;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Mvc;

namespace CivicContracting.Web.Pages.Commitments;

/// <summary>A report on the commitment page with the page, for the report's moderation partial (_ModerationReport).</summary>
public sealed record ReportModeration(CommitmentModel Page, ProgressReport Report);

/// <summary>
/// Moderation on the commitment page (the markup is in _Moderation.cshtml and _ModerationReport.cshtml): signed-in people
/// flag the text or a report, moderators hide and show it with a public reason, and the support team sees what is hidden
/// from the public, marked as such. A draft's help request is asked from the confirmation page but posted here
/// (<see cref="OnPostHelpRequestAsync"/>), as is a coach's "help given".
/// </summary>
public sealed partial class CommitmentModel
{
    /// <summary>Signed in with an account: may flag.</summary>
    public bool CanFlag { get; private set; }

    /// <summary>Moderators and administrators: hide and show.</summary>
    public bool CanModerate { get; private set; }

    /// <summary>The support team reads what is hidden from the public.</summary>
    public bool IsSupportTeam { get; private set; }

    /// <summary>The commitment with what is hidden: only loaded for the support team.</summary>
    public CommitmentView? Unredacted { get; private set; }

    /// <summary>A line after the viewer's flag or moderation.</summary>
    public string? ModerationNotice { get; private set; }

    /// <summary>Why the viewer's flag or moderation was refused (a site text key), if it was.</summary>
    public string? ModerationError { get; private set; }

    /// <summary>The step that hid the text from the public, if it is hidden.</summary>
    public ModerationAction? TextHiding => (Unredacted ?? Commitment).TextHiddenBy();

    /// <summary>The step that hid a report from the public, if it is hidden.</summary>
    public ModerationAction? ReportHiding(string reportId) => (Unredacted ?? Commitment).ReportHiddenBy(reportId);

    /// <summary>A report of the timeline page as stored (the support team only; null for anyone else).</summary>
    public ProgressReport? OriginalReport(string reportId) => _timelineAsStored?.FirstOrDefault(r => r.ReportId == reportId);

    /// <summary>Loaded by <see cref="OnGetAsync"/> for a signed-in viewer.</summary>
    private async Task LoadModerationAsync(CommitmentView view)
    {
        if (User.Identity?.IsAuthenticated != true)
            return;
        var actor = await access.ActorAsync(HttpContext);
        CanFlag = AccessRules.CanFlag(actor);
        CanModerate = AccessRules.CanModerate(actor);
        IsSupportTeam = actor.IsSupportTeam;
        if (IsSupportTeam && PublicView.NeedsRedaction(view))
            Unredacted = await views.GetUnredactedAsync(view.Id);
        ModerationNotice = Request.Query.ContainsKey("flagged") ? "Moderation.Flagged"
            : Request.Query.ContainsKey("moderated") ? "Moderation.Saved" : null;
        ModerationError = Request.Query["moderationError"].ToString() switch
        {
            "flag" => "Moderation.FlagInvalid",
            "moderate" => "Moderation.ModerateInvalid",
            _ => null,
        };
    }

    /// <summary>A refused flag or moderation: back to the page, which says why (the form's own checks catch most of it first).</summary>
    private LocalRedirectResult BackWithError(string id, string what) =>
        LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}?moderationError={what}");

    public async Task<IActionResult> OnPostFlagAsync(string id, ModerationTarget target, string? reportId, string? reason, [FromServices] FlagCommand flag)
    {
        reportId = target == ModerationTarget.Report ? reportId : null;
        try
        {
            await flag.RunAsync(await access.ActorAsync(HttpContext), id, target, reportId, reason);
        }
        catch (Exception ex) when (RefusalOf(ex, id, "flag") is { } refusal)
        {
            return refusal;
        }
        return LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}?flagged=1");
    }

    public async Task<IActionResult> OnPostModerateAsync(string id, ModerationStep step, ModerationTarget target, string? reportId, string? publicReason, [FromServices] ModerateCommand moderate)
    {
        reportId = target == ModerationTarget.Report ? reportId : null;
        try
        {
            await moderate.RunAsync(await access.ActorAsync(HttpContext), id, step, target, reportId, publicReason);
        }
        catch (Exception ex) when (RefusalOf(ex, id, "moderate") is { } refusal)
        {
            return refusal;
        }
        return LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}?moderated=1");
    }

    /// <summary>A command's refusal as the page answers it: 403 and 404 pages, or back to the page saying the form was refused.</summary>
    private IActionResult? RefusalOf(Exception exception, string id, string what) => exception switch
    {
        ApiProblemException { Status: StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden } => Forbid(),
        ApiProblemException { Status: StatusCodes.Status404NotFound } or KeyNotFoundException => NotFound(),
        _ when !ApiIds.IsWellFormed(id) => NotFound(),
        ApiProblemException { Status: StatusCodes.Status400BadRequest } or InputRejectedException or StateConflictException => BackWithError(id, what),
        _ => null,
    };

    /// <summary>From the draft's confirmation page: those who may edit the draft ask a coach for help.</summary>
    public async Task<IActionResult> OnPostHelpRequestAsync(string id, string? message, [FromServices] HelpRequestCommand help)
    {
        HelpRequestCommand.Permit permit;
        try
        {
            permit = await help.AuthoriseAsync(await access.ActorAsync(HttpContext), id);
        }
        catch (ApiProblemException problem) when (problem.Status == StatusCodes.Status404NotFound)
        {
            return NotFound();
        }
        catch (ApiProblemException)
        {
            return Forbid();
        }
        if (!HelpRequestCommand.Check(message).IsValid)
            return LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}/confirm?helpError=message#help-heading");
        try
        {
            await help.AskAsync(permit, message);
        }
        catch (Exception ex) when (ex is InputRejectedException or StateConflictException)
        {
            return LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}/confirm?helpError=state#help-heading");
        }
        return LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}/confirm?help=1");
    }

    /// <summary>From the draft's confirmation page: a coach marks the help as given.</summary>
    public async Task<IActionResult> OnPostHelpGivenAsync(string id, [FromServices] HelpRequestCommand help)
    {
        try
        {
            await help.MarkGivenAsync(await access.ActorAsync(HttpContext), id);
        }
        catch (ApiProblemException problem) when (problem.Status == StatusCodes.Status404NotFound)
        {
            return NotFound();
        }
        catch (ApiProblemException)
        {
            return Forbid();
        }
        return LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}/confirm");
    }
}
