using CivicContracting.Web.Accounts;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Pages.Accounts;

/// <summary>Sign-in with login name and password; the same lockout as the API.</summary>
[EnableRateLimiting(RateLimits.SignInPolicy)]
public sealed class SignInModel(AccountService accounts, TimeProvider clock, IStringLocalizer<SiteText> text, IOptions<OidcOptions> oidc) : PageModel
{
    /// <summary>The OpenID Connect provider's button text, when one is configured.</summary>
    public string? ExternalProvider => oidc.Value.IsEnabled ? oidc.Value.DisplayName : null;

    [BindProperty(SupportsGet = true)] public string? Failed { get; set; }

    [BindProperty] public string LoginName { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        try
        {
            var account = await accounts.SignInAsync(new SignInRequest(LoginName, Password));
            await HttpContext.SignInAsync(Authentication.SessionScheme, Authentication.PrincipalFor(account, ActorKind.Session, clock.GetUtcNow()));
            return LocalRedirect(ReturnUrls.Safe(ReturnUrl));
        }
        catch (ApiProblemException problem)
        {
            ModelState.AddModelError("", problem.Title == AccountService.LockedTitle ? text["Account.Locked"] : text["Account.WrongPassword"]);
            Password = "";
            return Page();
        }
    }
}
