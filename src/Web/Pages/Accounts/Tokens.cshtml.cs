using CivicContracting.Accounts;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Accounts;

/// <summary>
/// Personal access tokens for integrations: create (named, scoped, with an expiry), see, revoke — through
/// <see cref="CreateAccessTokenCommand"/> and <see cref="RevokeAccessTokenCommand"/>, as the API does.
/// </summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class TokensModel(Access access, CreateAccessTokenCommand create, RevokeAccessTokenCommand revoke, IClusterClient orleans) : PageModel
{
    private static readonly string[] Fields = ["name", "scopes", "expiresInDays"];

    public IReadOnlyList<AccessTokenInfo> Tokens { get; private set; } = [];

    /// <summary>The secret of a token just created: shown on this response only.</summary>
    public string? CreatedToken { get; private set; }

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public List<string> Scopes { get; set; } = [];

    /// <summary>Empty: the default lifetime, as when the API's JSON leaves it out.</summary>
    [BindProperty] public int? ExpiresInDays { get; set; } = CreateAccessTokenCommand.DefaultDays;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() is null ? Challenge() : Page();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        var actor = await LoadAsync();
        if (actor is null)
            return Challenge();
        // Days that are no whole number are refused, as the API refuses them in JSON, not replaced by the default.
        if (!ModelState.IsValid)
            return Page();
        try
        {
            var created = await create.RunAsync(actor, new AccessTokenCreation(Name ?? "", Scopes, ExpiresInDays));
            CreatedToken = created.Token;
            Response.Headers.CacheControl = "no-store";
            await LoadAsync();
        }
        catch (ApiProblemException problem) when (PageSupport.IsAccessRefusal(problem))
        {
            return Forbid();
        }
        catch (ApiProblemException problem)
        {
            PageSupport.AddErrors(ModelState, problem, Fields);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string tokenId)
    {
        var actor = await LoadAsync();
        if (actor is null)
            return Challenge();
        try
        {
            await revoke.RunAsync(actor, tokenId);
        }
        catch (ApiProblemException problem) when (PageSupport.IsAccessRefusal(problem))
        {
            return Forbid();
        }
        catch (ApiProblemException problem) when (problem.Status == StatusCodes.Status404NotFound)
        {
            return NotFound();
        }
        return RedirectToPage();
    }

    /// <summary>The person in a session (null for anyone else: tokens are managed from a session) and their tokens.</summary>
    private async Task<Actor?> LoadAsync()
    {
        var actor = await access.ActorAsync(HttpContext);
        if (actor.Account is null || actor.Kind != ActorKind.Session)
            return null;
        Tokens = await orleans.GetGrain<IAccountGrain>(actor.Account.Id).ListAccessTokens();
        return actor;
    }
}
