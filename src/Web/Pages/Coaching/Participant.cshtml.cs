using CivicContracting.Accounts;
using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Participants;
using CivicContracting.Validation;
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
/// A participant for the support team: who coaches it (and who did), the assign / hand-over form with the ranked
/// suggestions and their reasons, the team's notes, and the participant's commitments. The support team only; assigning
/// is for coaches and administrators.
/// </summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class ParticipantModel(Access access, CommitmentViews views, IClusterClient orleans, CivicClock clock, IStringLocalizer<SiteText> siteText) : PageModel
{
    public ParticipantProfile Participant { get; private set; } = null!;

    public ParticipantCoaching Coaching { get; private set; } = null!;

    public IReadOnlyDictionary<string, string> CoachNames { get; private set; } = new Dictionary<string, string>();

    public IReadOnlyList<CoachProfile> Coaches { get; private set; } = [];

    public IReadOnlyList<CoachSuggestion> Suggestions { get; private set; } = [];

    public IReadOnlyList<SupportNote> Notes { get; private set; } = [];

    public IReadOnlyList<(CommitmentView View, TrajectoryJudgement? Judgement)> Commitments { get; private set; } = [];

    public bool CanCoach { get; private set; }

    /// <summary>Administrators verify organisations (and withdraw a verification).</summary>
    public bool CanVerify { get; private set; }

    public string? Notice { get; private set; }

    public string? Error { get; private set; }

    public string NoteText { get; private set; } = "";

    public string HandOverNote { get; private set; } = "";

    public string NameOf(string coachId) => CoachNames.GetValueOrDefault(coachId, coachId);

    public async Task<IActionResult> OnGetAsync(string id, string? done)
    {
        var actor = await access.ActorAsync(HttpContext);
        if (!CoachPages.MaySee(actor))
            return StatusCode(StatusCodes.Status403Forbidden);
        Notice = done switch
        {
            "assigned" => siteText["Coach.Notice.Assigned"].Value,
            "unassigned" => siteText["Coach.Notice.Unassigned"].Value,
            "noted" => siteText["Coach.Notice.Noted"].Value,
            "verified" => siteText["Participant.Verification.Notice.Verified"].Value,
            "unverified" => siteText["Participant.Verification.Notice.Withdrawn"].Value,
            _ => null,
        };
        return await LoadAsync(id, actor) ?? Page();
    }

    public async Task<IActionResult> OnPostAssignAsync(string id, string? coachId, string? note, [FromServices] AssignCoachCommand assign)
    {
        var actor = await access.ActorAsync(HttpContext);
        if (!CoachPages.MayCoach(actor))
            return StatusCode(StatusCodes.Status403Forbidden);
        try
        {
            await assign.RunAsync(await assign.AuthoriseAsync(actor, id), coachId, note);
        }
        catch (ApiProblemException problem)
        {
            return PageSupport.Refusal(problem);
        }
        catch (Exception ex) when (ex is InputRejectedException or StateConflictException)
        {
            Error = ex switch
            {
                InputRejectedException { Errors: var errors } when errors.ContainsKey("coachId") => siteText["Coach.Error.ChooseCoach"].Value,
                InputRejectedException { Errors: var errors } when errors.ContainsKey("note") =>
                    siteText["Coach.Error.HandOverNote", CoachAssignments.MinHandOverNoteLength, CoachAssignments.MaxNoteLength].Value,
                _ => siteText["Coach.Error.AssignFailed", ex.Message].Value,
            };
            HandOverNote = note ?? "";
            return await LoadAsync(id, actor) ?? Page();
        }
        return LocalRedirect($"/coach/participants/{Uri.EscapeDataString(id)}?done=assigned");
    }

    public async Task<IActionResult> OnPostUnassignAsync(string id, string? note, [FromServices] UnassignCoachCommand unassign)
    {
        var actor = await access.ActorAsync(HttpContext);
        if (!CoachPages.MayCoach(actor))
            return StatusCode(StatusCodes.Status403Forbidden);
        try
        {
            await unassign.RunAsync(await unassign.AuthoriseAsync(actor, id), note);
        }
        catch (ApiProblemException problem)
        {
            return PageSupport.Refusal(problem);
        }
        catch (InputRejectedException)
        {
            Error = siteText["Coach.Error.UnassignNote", CoachAssignments.MaxNoteLength];
            return await LoadAsync(id, actor) ?? Page();
        }
        return LocalRedirect($"/coach/participants/{Uri.EscapeDataString(id)}?done=unassigned");
    }

    public async Task<IActionResult> OnPostNoteAsync(string id, string? text, [FromServices] SupportNoteCommand notes)
    {
        var actor = await access.ActorAsync(HttpContext);
        if (!CoachPages.MaySee(actor))
            return StatusCode(StatusCodes.Status403Forbidden);
        SupportNoteCommand.Permit permit;
        try
        {
            permit = await notes.AuthoriseForParticipantAsync(actor, id);
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
        return LocalRedirect($"/coach/participants/{Uri.EscapeDataString(id)}?done=noted#notes");
    }

    public async Task<IActionResult> OnPostVerificationAsync(string id, bool verified, [FromServices] CivicContracting.Web.Participants.VerifyParticipantCommand verify)
    {
        var actor = await access.ActorAsync(HttpContext);
        try
        {
            await verify.RunAsync(await verify.AuthoriseAsync(actor, id), verified);
        }
        catch (ApiProblemException problem)
        {
            return PageSupport.Refusal(problem);
        }
        return LocalRedirect($"/coach/participants/{Uri.EscapeDataString(id)}?done={(verified ? "verified" : "unverified")}");
    }

    private async Task<IActionResult?> LoadAsync(string id, Actor actor)
    {
        Response.Headers.CacheControl = "no-store";
        CanCoach = CoachPages.MayCoach(actor);
        CanVerify = actor.IsPlatformAdministrator;
        if (!ApiIds.IsWellFormed(id) || await orleans.GetGrain<IParticipantGrain>(id).GetProfile() is not { } profile)
            return NotFound();
        Participant = profile;
        var assignments = CoachAccounts.Assignments(orleans);
        Coaching = await assignments.GetAssignment(id);
        Coaches = await assignments.GetProfiles();
        Suggestions = await assignments.Suggest(id, profile.NeighbourhoodCode, profile.Kind);
        CoachNames = Coaches.ToDictionary(c => c.AccountId, c => c.DisplayName, StringComparer.Ordinal);
        Notes = await orleans.GetGrain<ISupportNotesGrain>(SupportNotes.ParticipantKey(id)).List();
        var now = clock.GetUtcNow();
        var commitments = await views.GetManyAsync(profile.CommitmentIds.TakeLast(IndexModel.MaxRows));
        Commitments = [.. commitments.Select(v => (v, Trajectories.Of(v, now)?.Judgement))];
        return null;
    }
}
