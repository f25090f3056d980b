using CivicContracting.Web.Accounts;
using CivicContracting.Web.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Accounts;

/// <summary>
/// Deleting the account through <see cref="DeleteAccountCommand"/>, as DELETE /api/me does, after an explicit
/// confirmation (the form's stand-in for the API's DELETE: a tick, so no stray click deletes). The commitments stay as
/// anonymous contributions.
/// </summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class DeleteModel(Access access, DeleteAccountCommand command) : PageModel
{
    [BindProperty] public bool Confirm { get; set; }

    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var actor = await access.ActorAsync(HttpContext);
        try
        {
            DeleteAccountCommand.Authorise(actor);
            if (!Confirm)
            {
                ModelState.AddModelError(nameof(Confirm), "");
                return Page();
            }
            await command.RunAsync(actor);
        }
        catch (ApiProblemException problem) when (PageSupport.IsAccessRefusal(problem))
        {
            return Forbid();
        }
        await HttpContext.SignOutAsync(Authentication.SessionScheme);
        return LocalRedirect("/account/deleted");
    }
}
