using CivicContracting.Sessions;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Sessions;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Sessions;

/// <summary>The co-creation sessions, newest first, paged; the support team gets the link to record one.</summary>
public sealed class IndexModel(IClusterClient orleans, Access access) : PageModel
{
    public const int PageSize = 20;

    public IReadOnlyList<CoCreationSessionSummary> Sessions { get; private set; } = [];

    public int PageNumber { get; private set; } = 1;

    public int TotalPages { get; private set; } = 1;

    public int TotalItems { get; private set; }

    /// <summary>Coaches and administrators (a signed-in page, never the cached anonymous one).</summary>
    public bool CanRecord { get; private set; }

    public async Task OnGetAsync(int? page)
    {
        PageNumber = Math.Clamp(page ?? 1, 1, 100_000);
        var listed = await orleans.GetGrain<ICoCreationSessionDirectoryGrain>(0).List((PageNumber - 1) * PageSize, PageSize);
        Sessions = [.. listed.Items.Select(SessionReads.Summary)];
        TotalItems = listed.TotalItems;
        TotalPages = Math.Max(1, (TotalItems + PageSize - 1) / PageSize);
        CanRecord = User.Identity?.IsAuthenticated == true && (await access.ActorAsync(HttpContext)).IsCoachOrAdministrator;
    }
}
