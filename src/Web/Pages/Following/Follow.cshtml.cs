using CivicContracting.Following;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Following;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Following;

/// <summary>The follow buttons' form target: follows or unfollows, then goes back to the page the person was on.</summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class FollowModel(Access access, FollowCommand command) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/account/feed");

    public async Task<IActionResult> OnPostAsync(FollowTopicKind kind, string id, bool follow, string? returnUrl)
    {
        var actor = await access.ActorAsync(HttpContext);
        if (actor.Account is null)
            return Challenge();
        try
        {
            await command.RunAsync(actor, new FollowTopic(kind, id ?? ""), follow);
        }
        catch (Exception ex) when (ex is InputRejectedException or StateConflictException)
        {
            return BadRequest();
        }
        catch (Web.Problems.ApiProblemException problem)
        {
            return StatusCode(problem.Status); // e.g. 404: the topic does not (or no longer) exist.
        }
        return LocalRedirect(ReturnUrls.Safe(returnUrl, "/account/feed"));
    }
}
