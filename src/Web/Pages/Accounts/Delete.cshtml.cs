using CivicContracting.Accounts;
using CivicContracting.Web.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Accounts;

/// <summary>Deleting the account, after an explicit confirmation; the commitments stay as anonymous contributions.</summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class DeleteModel(Access access, IClusterClient orleans) : PageModel
{
    [BindProperty] public bool Confirm { get; set; }

    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var actor = await access.ActorAsync(HttpContext);
        if (actor.Account is null || actor.Kind != ActorKind.Session)
            return Challenge();
        if (!Confirm)
        {
            ModelState.AddModelError(nameof(Confirm), "");
            return Page();
        }
        await orleans.GetGrain<IAccountGrain>(actor.Account.Id).Delete();
        await HttpContext.SignOutAsync(Authentication.SessionScheme);
        return LocalRedirect("/account/deleted");
    }
}
