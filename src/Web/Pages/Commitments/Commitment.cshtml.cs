using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Hosting;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Commitments;

/// <summary>A commitment: what it promises, its confirmation, target against current value, milestones, reports, earlier versions.</summary>
public sealed class CommitmentModel(SiteData data, CommitmentViews views, Access access) : PageModel
{
    /// <summary>Whether the signed-in viewer may report on it (anonymous viewers never: their page is the shared, cached one).</summary>
    public bool CanReport { get; private set; }

    /// <summary>A line after the viewer's own confirmation or report.</summary>
    public string? Notice { get; private set; }

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
        if (User.Identity?.IsAuthenticated == true)
        {
            CanReport = AccessRules.Check(await access.ActorAsync(HttpContext), view.ParticipantId, ParticipantRight.Report) is null;
            Notice = Request.Query.ContainsKey("confirmed") ? "Confirm.Done" : Request.Query.ContainsKey("reported") ? "Report.Done" : null;
        }
        return Page();
    }
}
