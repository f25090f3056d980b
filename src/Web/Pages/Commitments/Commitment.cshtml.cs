using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Accounts;
using CivicContracting.Validation;
using CivicContracting.Web.Hosting;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Commitments;

/// <summary>A commitment: what it promises, its confirmation, target against current value, milestones, reports, earlier versions.</summary>
public sealed partial class CommitmentModel(SiteData data, CommitmentViews views, Access access, IClusterClient orleans) : PageModel
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

    public async Task<IActionResult> OnPostJoinAsync(string id, string participantId)
    {
        var actor = await access.ActorAsync(HttpContext);
        if (!ApiIds.IsWellFormed(id) || !ApiIds.IsWellFormed(participantId))
            return BadRequest();
        if (AccessRules.Check(actor, participantId, ParticipantRight.Confirm) is not null)
            return Forbid();
        try
        {
            views.Remember(await orleans.GetGrain<ICommitmentGrain>(id).Join(participantId));
        }
        catch (Exception ex) when (ex is InputRejectedException or StateConflictException)
        {
            return BadRequest();
        }
        return LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}?joined=1");
    }

    public async Task<IActionResult> OnPostTakeUpAsync(string id, string participantId, string neighbourhoodCode)
    {
        var actor = await access.ActorAsync(HttpContext);
        if (!ApiIds.IsWellFormed(id) || !ApiIds.IsWellFormed(participantId))
            return BadRequest();
        if (AccessRules.Check(actor, participantId, ParticipantRight.Draft) is not null)
            return Forbid();
        var copyId = ApiIds.New("c");
        try
        {
            await orleans.GetGrain<ICommitmentGrain>(copyId).TakeUp(new TemplateTakeUp(id, participantId, neighbourhoodCode ?? ""));
        }
        catch (Exception ex) when (ex is InputRejectedException or StateConflictException)
        {
            return BadRequest();
        }
        return LocalRedirect($"/commitments/{Uri.EscapeDataString(copyId)}/confirm");
    }

    public CommitmentView Commitment { get; private set; } = null!;

    public ParticipantProfile? Participant { get; private set; }

    public Place? Neighbourhood { get; private set; }

    public IReadOnlyList<(GoalWeight Weight, GoalInfo? Goal)> Goals { get; private set; } = [];

    /// <summary>Who confirmed, as the public may see it: a resident's confirmation shows their pseudonym, never a private name.</summary>
    public string ConfirmedBy(Confirmation confirmation) =>
        Participant is null || Participant.Kind == ParticipantKind.Resident || string.Equals(confirmation.ConfirmedBy, Commitment.ParticipantId, StringComparison.Ordinal)
            ? Participant?.DisplayName ?? "–"
            : confirmation.ConfirmedBy;

    public async Task<IActionResult> OnGetAsync(string id)
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
        return Page();
    }
}
