using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Api;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Participants;

/// <summary>A participant's public page: residents appear under their pseudonym; private name and contact never.</summary>
public sealed class ParticipantModel(SiteData data, CommitmentViews views) : PageModel
{
    public ParticipantProfile Participant { get; private set; } = null!;

    public Place? Neighbourhood { get; private set; }

    public IReadOnlyList<CommitmentRow> Commitments { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id)
    {
        await data.WhenListsLoaded(HttpContext.RequestAborted);
        if (!ApiIds.IsWellFormed(id) || await views.ProfileAsync(id) is not { } profile)
            return NotFound();
        Participant = profile;
        Neighbourhood = PlaceCatalog.Leuven.TryGet(profile.NeighbourhoodCode, out var place) ? place : null;
        var contributions = profile.CommitmentIds.Select(data.Contributions.Get).OfType<Contribution>();
        Commitments = await CommitmentRows.BuildAsync(views, [.. CommitmentRows.Public(contributions).OrderByDescending(c => c.ConfirmedAt)]);
        return Page();
    }
}
