using System.Globalization;
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

/// <summary>Sign-in with login name and password, or by a mailed one-time link; the same throttling as the API (only POSTs count).</summary>
[EnableRateLimiting(RateLimits.SignInPolicy)]
public sealed class SignInModel(AccountService accounts, TimeProvider clock, IStringLocalizer<SiteText> text, IOptions<OidcOptions> oidc) : PageModel
{
    /// <summary>The OpenID Connect provider's button text, when one is configured.</summary>
    public string? ExternalProvider => oidc.Value.IsEnabled ? oidc.Value.DisplayName ?? text["Account.SignInWithCity"] : null;

    [BindProperty(SupportsGet = true)] public string? Failed { get; set; }

    [BindProperty] public string LoginName { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    /// <summary>Set after a link was asked for: the same message whether or not the login name exists.</summary>
    public bool LinkRequested { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        try
        {
            var account = await accounts.SignInAsync(new SignInRequest(LoginName, Password), RateLimits.ClientAddress(HttpContext));
            await HttpContext.SignInAsync(Authentication.SessionScheme, Authentication.PrincipalFor(account, ActorKind.Session, clock.GetUtcNow()));
            return LocalRedirect(ReturnUrls.Safe(ReturnUrl));
        }
        catch (ApiProblemException problem)
        {
            ModelState.AddModelError("", problem.RetryAfter is { } wait
                ? text["Account.Throttled", ApiExceptionHandler.RetryAfterSeconds(wait).ToString(CultureInfo.CurrentCulture)]
                : text["Account.WrongPassword"]);
            Password = "";
            return Page();
        }
    }

    public async Task<IActionResult> OnPostLinkAsync()
    {
        ModelState.Clear();
        if (string.IsNullOrWhiteSpace(LoginName))
        {
            ModelState.AddModelError("", text["Account.LinkNeedsLogin"]);
            return Page();
        }
        await accounts.RequestSignInLinkAsync(LoginName);
        LinkRequested = true;
        Password = "";
        return Page();
    }
}
