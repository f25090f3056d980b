using CivicContracting.Accounts;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Accounts;

/// <summary>Personal access tokens for integrations: create (named, scoped, with an expiry), see, revoke.</summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class TokensModel(Access access, AccountService accounts, IClusterClient orleans) : PageModel
{
    private static readonly string[] Fields = ["name", "scopes", "expiresInDays"];

    public IReadOnlyList<AccessTokenInfo> Tokens { get; private set; } = [];

    /// <summary>The secret of a token just created: shown on this response only.</summary>
    public string? CreatedToken { get; private set; }

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public List<string> Scopes { get; set; } = [];
    [BindProperty] public int ExpiresInDays { get; set; } = AccountService.DefaultTokenDays;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() is null ? Challenge() : Page();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        var account = await LoadAsync();
        if (account is null)
            return Challenge();
        try
        {
            var created = await accounts.CreateTokenAsync(account, new AccessTokenCreation(Name ?? "", Scopes, ExpiresInDays));
            CreatedToken = created.Token;
            Response.Headers.CacheControl = "no-store";
            await LoadAsync();
        }
        catch (ApiProblemException problem)
        {
            PageSupport.AddErrors(ModelState, problem, Fields);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string tokenId)
    {
        var account = await LoadAsync();
        if (account is null)
            return Challenge();
        if (Tokens.Any(t => t.TokenId == tokenId))
            await orleans.GetGrain<IAccountGrain>(account.Id).RevokeAccessToken(tokenId);
        return RedirectToPage();
    }

    private async Task<AccountView?> LoadAsync()
    {
        var actor = await access.ActorAsync(HttpContext);
        if (actor.Account is null || actor.Kind != ActorKind.Session)
            return null;
        Tokens = await orleans.GetGrain<IAccountGrain>(actor.Account.Id).ListAccessTokens();
        return actor.Account;
    }
}
