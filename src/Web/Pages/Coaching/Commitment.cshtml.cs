using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Participants;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Coaching;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Pages.Coaching;

/// <summary>
/// A commitment for the support team: phase, trajectory (result commitments: chart, table and judgement), the owner's
/// coach, the team's notes (list and form) and a nudge. The support team only.
/// </summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class CommitmentModel(Access access, CommitmentViews views, IClusterClient orleans, CivicClock clock, IStringLocalizer<SiteText> siteText) : PageModel
{
    public CommitmentView Commitment { get; private set; } = null!;

    public ParticipantProfile? Participant { get; private set; }

    public Trajectory? Trajectory { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public IReadOnlyList<SupportNote> Notes { get; private set; } = [];

    public ManualNudge? LastManualNudge { get; private set; }

    public ParticipantCoaching? Coaching { get; private set; }

    public string? CoachName { get; private set; }

    public bool CanCoach { get; private set; }

    /// <summary>Reported on (confirmed or active, in force): the only commitments a coach can nudge.</summary>
    public bool CanNudge => CanCoach && Commitment.CountsInAggregates && Commitment.Status is CommitmentStatus.Confirmed or CommitmentStatus.Active;

    public string? Notice { get; private set; }

    public string? Error { get; private set; }

    public string NoteText { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string id, string? done)
    {
        var actor = await access.ActorAsync(HttpContext);
        if (!CoachPages.MaySee(actor))
            return StatusCode(StatusCodes.Status403Forbidden);
        Notice = done switch
        {
            "nudged" => siteText["Coach.Notice.Nudged"].Value,
            "noted" => siteText["Coach.Notice.Noted"].Value,
            _ => null,
        };
        return await LoadAsync(id, actor) ?? Page();
    }

    public async Task<IActionResult> OnPostNudgeAsync(string id, string? message, [FromServices] NudgeCommand nudge)
    {
        var actor = await access.ActorAsync(HttpContext);
        if (!CoachPages.MayCoach(actor))
            return StatusCode(StatusCodes.Status403Forbidden);
        try
        {
            Error = await CoachPages.NudgeAsync(nudge, siteText, actor, id, message);
        }
        catch (ApiProblemException problem)
        {
            return PageSupport.Refusal(problem);
        }
        if (Error is null)
            return LocalRedirect($"/coach/commitments/{Uri.EscapeDataString(id)}?done=nudged");
        return await LoadAsync(id, actor) ?? Page();
    }

    public async Task<IActionResult> OnPostNoteAsync(string id, string? text, [FromServices] SupportNoteCommand notes)
    {
        var actor = await access.ActorAsync(HttpContext);
        if (!CoachPages.MaySee(actor))
            return StatusCode(StatusCodes.Status403Forbidden);
        SupportNoteCommand.Permit permit;
        try
        {
            permit = await notes.AuthoriseForCommitmentAsync(actor, id);
        }
        catch (ApiProblemException problem)
        {
            return PageSupport.Refusal(problem);
        }
        Error = await CoachPages.AddNoteAsync(notes, permit, siteText, text);
        if (Error is not null)
        {
            NoteText = text ?? "";
            return await LoadAsync(id, actor) ?? Page();
        }
        return LocalRedirect($"/coach/commitments/{Uri.EscapeDataString(id)}?done=noted#notes");
    }

    private async Task<IActionResult?> LoadAsync(string id, Actor actor)
    {
        Response.Headers.CacheControl = "no-store";
        CanCoach = CoachPages.MayCoach(actor);
        // Read from the grain, not this host's cache: a nudge changes no version.
        if (!ApiIds.IsWellFormed(id) || await orleans.GetGrain<ICommitmentGrain>(id).Get() is not { } view)
            return NotFound();
        Commitment = view;
        Now = clock.GetUtcNow();
        // The whole path for the chart and table: every value of the history, not only the newest the view carries.
        Trajectory = view.Terms is { Level: CommitmentLevel.Result, Target: not null }
            ? Trajectories.Of(view, await views.ReportedValuesAsync(view), Now)
            : null;
        Participant = await views.ProfileAsync(view.ParticipantId);
        Notes = await orleans.GetGrain<ISupportNotesGrain>(SupportNotes.CommitmentKey(id)).List();
        LastManualNudge = await orleans.GetGrain<ICommitmentCoachingGrain>(id).GetLastManualNudge();
        Coaching = await CoachAccounts.Assignments(orleans).GetAssignment(view.ParticipantId);
        if (Coaching.Current is { } current)
            CoachName = (await CoachAccounts.Assignments(orleans).GetProfile(current.CoachId))?.DisplayName ?? current.CoachId;
        return null;
    }
}
