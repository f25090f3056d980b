using CivicContracting.Sessions;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Sessions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Sessions;

/// <summary>
/// A co-creation session's public page: when and where, its goals, who attended, and what came out of it — the commitments
/// made at or after it, with counts by level and participants by kind. The support team also sees its notes and drafts.
/// </summary>
public sealed class SessionModel(IClusterClient orleans, CommitmentViews views, Access access) : PageModel
{
    public CoCreationSessionResponse Session { get; private set; } = null!;

    /// <summary>Coaches and administrators: the notes, drafts and the edit link.</summary>
    public bool IsSupportTeam { get; private set; }

    /// <summary>Just saved through the form.</summary>
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, int? saved)
    {
        if (!ApiIds.IsWellFormed(id) || await orleans.GetGrain<ICoCreationSessionGrain>(id).Get() is not { } session)
            return NotFound();
        var actor = User.Identity?.IsAuthenticated == true ? await access.ActorAsync(HttpContext) : Actor.Anonymous;
        IsSupportTeam = SessionReads.MaySeePrivate(actor);
        Saved = IsSupportTeam && saved == 1;
        Session = await SessionReads.DescribeAsync(orleans, views, session, IsSupportTeam);
        return Page();
    }
}
