using CivicContracting.Places;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Pages.Accounts;

/// <summary>Sign-up: an account, and the person's own resident participant in their neighbourhood under a pseudonym.</summary>
[EnableRateLimiting(RateLimits.SignInPolicy)]
public sealed class RegisterModel(AccountService accounts, TimeProvider clock, IStringLocalizer<SiteText> text) : PageModel
{
    private static readonly string[] Fields = ["displayName", "loginName", "password", "email", "neighbourhoodCode", "pseudonym"];

    [BindProperty] public string DisplayName { get; set; } = "";
    [BindProperty] public string LoginName { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty] public string? NeighbourhoodCode { get; set; }
    [BindProperty] public string? Pseudonym { get; set; }
    [BindProperty] public bool ShowNamePublicly { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public IEnumerable<Place> Neighbourhoods => PlaceCatalog.Leuven.Neighbourhoods.OrderBy(p => p.Name, StringComparer.CurrentCulture);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        try
        {
            var account = await accounts.SignUpAsync(new AccountSignUp(DisplayName, LoginName, Password,
                LoginName.Contains('@', StringComparison.Ordinal) ? LoginName.Trim() : null,
                string.IsNullOrWhiteSpace(NeighbourhoodCode) ? null : NeighbourhoodCode, Pseudonym, ShowNamePublicly));
            await HttpContext.SignInAsync(Authentication.SessionScheme, Authentication.PrincipalFor(account, ActorKind.Session, clock.GetUtcNow()));
            return LocalRedirect(ReturnUrls.Safe(ReturnUrl));
        }
        catch (ApiProblemException problem)
        {
            if (problem.Status == StatusCodes.Status409Conflict)
                ModelState.AddModelError("", text["Account.LoginTaken"]);
            else
                PageSupport.AddErrors(ModelState, problem, Fields);
            if (ModelState.ContainsKey("password"))
            {
                ModelState.Remove("password");
                ModelState.AddModelError("password", text["Account.PasswordHelp"]);
            }
            Password = "";
            return Page();
        }
    }
}
