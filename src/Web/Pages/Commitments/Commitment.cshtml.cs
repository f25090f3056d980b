using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Content;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Pages.Commitments;

/// <summary>A commitment: what it promises, its confirmation, target against current value, milestones, reports, earlier versions.</summary>
public sealed partial class CommitmentModel(SiteData data, CommitmentViews views, Access access, IClusterClient orleans, IStringLocalizer<SiteText> text) : PageModel
{
    /// <summary>Whether the signed-in viewer may report on it (anonymous viewers never: their page is the shared, cached one).</summary>
    public bool CanReport { get; private set; }

    /// <summary>Whether the signed-in viewer may upgrade it (owners).</summary>
    public bool CanUpgrade { get; private set; }

    /// <summary>A line after the viewer's own confirmation or report.</summary>
    public string? Notice { get; private set; }

    /// <summary>The participants the signed-in viewer may co-sign for (not the owner, not already co-signing).</summary>
    public IReadOnlyList<ParticipantProfile> CanJoinFor { get; private set; } = [];

    /// <summary>The participants the signed-in viewer may take a template up for.</summary>
    public IReadOnlyList<ParticipantProfile> CanTakeUpFor { get; private set; } = [];

    /// <summary>The title of the commitment a reciprocal condition waits for.</summary>
    public string? ConditionTargetTitle { get; private set; }

    public IEnumerable<Place> Neighbourhoods => PlaceCatalog.Leuven.Neighbourhoods.OrderBy(p => p.Name, StringComparer.CurrentCulture);

    public async Task<IActionResult> OnPostJoinAsync(string id, string participantId, [FromServices] CoSignCommand coSign)
    {
        if (!ApiIds.IsWellFormed(id) || !ApiIds.IsWellFormed(participantId))
            return BadRequest();
        try
        {
            views.Remember(await coSign.RunAsync(await access.ActorAsync(HttpContext), id, participantId, join: true));
        }
        catch (Exception ex) when (PageRefusal(ex) is { } refusal)
        {
            return refusal;
        }
        return LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}?joined=1");
    }

    public async Task<IActionResult> OnPostTakeUpAsync(string id, string participantId, string neighbourhoodCode, [FromServices] TakeUpTemplateCommand takeUp)
    {
        if (!ApiIds.IsWellFormed(id) || !ApiIds.IsWellFormed(participantId))
            return BadRequest();
        string copyId;
        try
        {
            copyId = (await takeUp.RunAsync(await access.ActorAsync(HttpContext), id, participantId, neighbourhoodCode, language: ContentText.Reading)).View.Id;
        }
        catch (Exception ex) when (PageRefusal(ex) is { } refusal)
        {
            return refusal;
        }
        return LocalRedirect($"/commitments/{Uri.EscapeDataString(copyId)}/confirm");
    }

    /// <summary>A command's refusal as these buttons answer it: the 403 page, or 400 for input the form cannot have sent.</summary>
    private IActionResult? PageRefusal(Exception exception) => exception switch
    {
        ApiProblemException { Status: StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden } => Forbid(),
        ApiProblemException { Status: StatusCodes.Status429TooManyRequests } spent => new ContentResult
        {
            StatusCode = StatusCodes.Status429TooManyRequests,
            Content = PageSupport.WriteBudgetMessage(text, spent),
            ContentType = "text/plain; charset=utf-8",
        },
        ApiProblemException or InputRejectedException or StateConflictException or KeyNotFoundException => BadRequest(),
        _ => null,
    };

    public CommitmentView Commitment { get; private set; } = null!;

    public ParticipantProfile? Participant { get; private set; }

    public Place? Neighbourhood { get; private set; }

    public IReadOnlyList<(GoalWeight Weight, GoalInfo? Goal)> Goals { get; private set; } = [];

    /// <summary>Who confirmed, as the public may see it: a resident's confirmation shows their pseudonym, never a private name.</summary>
    public string ConfirmedBy(Confirmation confirmation) =>
        Participant is null || Participant.Kind == ParticipantKind.Resident || string.Equals(confirmation.ConfirmedBy, Commitment.ParticipantId, StringComparison.Ordinal)
            ? Participant?.DisplayName ?? "–"
            : confirmation.ConfirmedBy;

    /// <summary>The timeline's page size: the newest page is the reports a view carries.</summary>
    public const int TimelinePageSize = ReportHistory.NewestInView;

    /// <summary>The page of the timeline shown (?reports=2 for the next older page), from 1.</summary>
    public int TimelinePage { get; private set; } = 1;

    public int TimelinePages { get; private set; } = 1;

    /// <summary>The reports of the timeline page shown, newest first, as the viewer may read them.</summary>
    public IReadOnlyList<ProgressReport> Timeline { get; private set; } = [];

    /// <summary>The same reports as stored, for the support team (null for anyone else).</summary>
    private IReadOnlyList<ProgressReport>? _timelineAsStored;

    /// <summary>The measured values of the whole history, oldest first: the chart of a result commitment.</summary>
    public IReadOnlyList<ReportedValue> ChartValues { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id, int? reports = null)
    {
        await data.WhenLoaded(HttpContext.RequestAborted);
        if (!ApiIds.IsWellFormed(id) || await views.GetAsync(id) is not { } view || view.Status == CommitmentStatus.Draft)
            return NotFound(); // A draft is not public until its participant confirms it.
        Commitment = view;
        Participant = await views.ProfileAsync(view.ParticipantId);
        Neighbourhood = PlaceCatalog.Leuven.TryGet(view.NeighbourhoodCode, out var place) ? place : null;
        Goals = [.. view.Goals.Select(g => (g, data.Goal(g.GoalId)))];
        await LoadModerationAsync(view); // Commitment.Moderation.cshtml.cs
        if (view.Condition?.CommitmentId is { } targetId)
            ConditionTargetTitle = (await views.GetAsync(targetId))?.Terms.Title;
        if (User.Identity?.IsAuthenticated == true)
        {
            CanReport = AccessRules.Check(await access.ActorAsync(HttpContext), view.ParticipantId, ParticipantRight.Report) is null;
            CanUpgrade = AccessRules.Check(await access.ActorAsync(HttpContext), view.ParticipantId, ParticipantRight.Upgrade) is null;
            Notice = Request.Query.ContainsKey("confirmed") ? "Confirm.Done" : Request.Query.ContainsKey("reported") ? "Report.Done"
                : Request.Query.ContainsKey("joined") ? "Join.Done" : Request.Query.ContainsKey("upgraded") ? "Upgrade.Done" : null;
            var actor = await access.ActorAsync(HttpContext);
            var mine = (await Task.WhenAll(actor.ParticipantIds.Select(views.ProfileAsync))).OfType<ParticipantProfile>().ToList();
            var joined = view.CoSigners?.Select(c => c.ParticipantId).ToHashSet(StringComparer.Ordinal) ?? [];
            CanJoinFor = [.. mine.Where(p => p.Id != view.ParticipantId && !joined.Contains(p.Id) && AccessRules.Check(actor, p.Id, ParticipantRight.Confirm) is null)];
            CanTakeUpFor = [.. mine.Where(p => AccessRules.Check(actor, p.Id, ParticipantRight.Draft) is null)];
        }
        await LoadClaimVerificationAsync(view);
        await LoadHistoryAsync(view, reports);
        return Page();
    }

    /// <summary>
    /// The timeline's page (the newest from the view itself; older ones from the commitment's history, redacted like the
    /// view) and, for a result commitment, the values of its whole history for the chart.
    /// </summary>
    private async Task LoadHistoryAsync(CommitmentView view, int? page)
    {
        TimelinePages = Math.Max(1, (view.ReportCount + TimelinePageSize - 1) / TimelinePageSize);
        TimelinePage = Math.Clamp(page ?? 1, 1, TimelinePages);
        if (TimelinePage == 1)
        {
            Timeline = [.. view.Reports.Reverse()];
            _timelineAsStored = Unredacted is { } stored ? [.. stored.Reports.Reverse()] : null;
        }
        else
        {
            var history = await orleans.GetGrain<ICommitmentGrain>(view.Id).GetReports(TimelinePage, TimelinePageSize);
            Timeline = PublicView.RedactReports(view, history.Reports);
            _timelineAsStored = IsSupportTeam ? history.Reports : null;
        }
        if (view.Terms.Target is not null)
            ChartValues = await views.ReportedValuesAsync(view);
    }

    // ---- Verification tiers of result claims (rendered by _ClaimVerification.cshtml) ----

    /// <summary>Whether the signed-in viewer may verify this commitment's claims (coaches and administrators).</summary>
    public bool CanVerify { get; private set; }

    /// <summary>The participants the signed-in viewer may confirm claims for (those they act for, not the owner).</summary>
    public IReadOnlyList<ParticipantProfile> CanPeerConfirmFor { get; private set; } = [];

    /// <summary>After a failed verification or confirmation: the claim, the site-text key of the error, and the note as typed.</summary>
    public (string ReportId, string ErrorKey, string? Note)? ClaimError { get; private set; }

    /// <summary>The site-text key of the line after the viewer's own verification or confirmation (PRG: ?claim=verified|confirmed).</summary>
    public string? ClaimNotice => Request.Query["claim"].ToString() switch
    {
        "verified" => "Claim.Verified.Done",
        "confirmed" => "Claim.Confirmed.Done",
        _ => null,
    };

    /// <summary>The claims (a value or a completed action) of the timeline page shown, newest first, with their tier and how it was raised.</summary>
    public IEnumerable<(ProgressReport Report, VerificationTier Tier, ReportVerification? Verification)> Claims()
    {
        var verifications = (Commitment.Verifications ?? []).ToDictionary(v => v.ReportId, StringComparer.Ordinal);
        return Timeline.Where(VerificationRules.IsClaim)
            .Select(r => verifications.TryGetValue(r.ReportId, out var v) ? (r, v.Tier, (ReportVerification?)v) : (r, VerificationTier.SelfDeclared, null));
    }

    /// <summary>Claims are raised on a confirmed, active or closed commitment that is not a template.</summary>
    private static bool IsVerifiable(CommitmentView view) => !view.IsTemplate
        && view.Status is CommitmentStatus.Confirmed or CommitmentStatus.Active or CommitmentStatus.Achieved or CommitmentStatus.Missed;

    private async Task LoadClaimVerificationAsync(CommitmentView view)
    {
        if (User.Identity?.IsAuthenticated != true || !IsVerifiable(view))
            return;
        var actor = await access.ActorAsync(HttpContext);
        CanVerify = AccessRules.CheckVerification(actor) is null;
        var mine = (await Task.WhenAll(actor.ParticipantIds.Select(views.ProfileAsync))).OfType<ParticipantProfile>();
        CanPeerConfirmFor = [.. mine.Where(p => p.Id != view.ParticipantId && AccessRules.CheckPeerConfirmation(actor, p.Id) is null)];
    }

    public async Task<IActionResult> OnPostVerifyAsync(string id, string reportId, string? note, [FromServices] VerifyClaimCommand verify)
    {
        if (User.Identity?.IsAuthenticated != true)
            return Challenge();
        if (!ApiIds.IsWellFormed(id) || !ApiIds.IsWellFormed(reportId))
            return BadRequest();
        var actor = await access.ActorAsync(HttpContext);
        if (AccessRules.CheckVerification(actor) is not null)
            return Forbid();
        if (!VerifyClaimCommand.Check(actor, reportId, note).IsValid)
            return await ClaimFailedAsync(id, reportId, "Claim.Error.Note", note);
        return await RaiseClaimAsync(id, reportId, note, "verified", () => verify.RunAsync(actor, id, reportId, note));
    }

    public async Task<IActionResult> OnPostPeerConfirmAsync(string id, string reportId, string participantId, string? note, [FromServices] PeerConfirmClaimCommand confirm)
    {
        if (User.Identity?.IsAuthenticated != true)
            return Challenge();
        if (!ApiIds.IsWellFormed(id) || !ApiIds.IsWellFormed(reportId) || !ApiIds.IsWellFormed(participantId))
            return BadRequest();
        var actor = await access.ActorAsync(HttpContext);
        if (AccessRules.CheckPeerConfirmation(actor, participantId) is not null)
            return Forbid();
        note = string.IsNullOrWhiteSpace(note) ? null : note;
        if (!VerificationRules.PeerConfirmation(reportId, participantId, note).IsValid)
            return await ClaimFailedAsync(id, reportId, "Claim.Error.ConfirmNote", note);
        if (await views.GetAsync(id) is { } view && view.ParticipantId == participantId)
            return await ClaimFailedAsync(id, reportId, "Claim.Error.Own", note);
        return await RaiseClaimAsync(id, reportId, note, "confirmed", () => confirm.RunAsync(actor, id, reportId, participantId, note));
    }

    /// <summary>Calls the grain; on success back to the page (PRG) with a notice, on a refusal the page again with the error beside the form.</summary>
    private async Task<IActionResult> RaiseClaimAsync(string id, string reportId, string? note, string done, Func<Task<CommitmentView>> raise)
    {
        try
        {
            views.Remember(await raise());
        }
        catch (Exception ex) when (ex is KeyNotFoundException or ApiProblemException { Status: StatusCodes.Status404NotFound })
        {
            return await ClaimFailedAsync(id, reportId, "Claim.Error.NotFound", note);
        }
        catch (InputRejectedException)
        {
            return await ClaimFailedAsync(id, reportId, "Claim.Error.Invalid", note);
        }
        catch (StateConflictException)
        {
            return await ClaimFailedAsync(id, reportId, "Claim.Error.State", note);
        }
        var page = PostedTimelinePage is > 1 and var shown ? $"reports={shown}&" : "";
        return LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}?{page}claim={done}#claim-{Uri.EscapeDataString(reportId)}");
    }

    /// <summary>The timeline page a claim's form was on (its claims are the page's), to return to it.</summary>
    private int? PostedTimelinePage => Request.HasFormContentType && int.TryParse(Request.Form["reports"], out var page) ? page : null;

    private async Task<IActionResult> ClaimFailedAsync(string id, string reportId, string errorKey, string? note)
    {
        ClaimError = (reportId, errorKey, note);
        return await OnGetAsync(id, PostedTimelinePage);
    }
}
