using System.ComponentModel.DataAnnotations;
using CivicContracting.Accounts;
using CivicContracting.Places;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Pages.Shared;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Pages.Accounts;

/// <summary>Sign-up: an account, and the person's own resident participant in their neighbourhood under a pseudonym.</summary>
[EnableRateLimiting(RateLimits.SignUpPolicy)]
public sealed class RegisterModel(AccountService accounts, TimeProvider clock, IStringLocalizer<SiteText> text) : PageModel
{
    private static readonly string[] Fields = ["displayName", "loginName", "password", "email", "neighbourhoodCode", "pseudonym"];

    /// <summary>The form's errors for the summary at its top and its fields' aria attributes (Shared/_ErrorSummary).</summary>
    public FormErrors Errors => _errors ??= new FormErrors(ModelState, text,
        [("displayName", "displayName"), ("loginName", "loginName"), ("password", "password"), ("neighbourhoodCode", "neighbourhoodCode"), ("pseudonym", "pseudonym")]);

    private FormErrors? _errors;

    // An empty field stays "" (not null), so a form sent empty gets its errors instead of a server error.
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string DisplayName { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string LoginName { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Password { get; set; } = "";
    [BindProperty] public string? NeighbourhoodCode { get; set; }
    [BindProperty] public string? Pseudonym { get; set; }
    [BindProperty] public bool ShowNamePublicly { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public IEnumerable<Place> Neighbourhoods => PlaceCatalog.Leuven.Neighbourhoods.OrderBy(p => p.Name, StringComparer.CurrentCulture);

    /// <summary>Set when the sign-up went on by mail: the same page whether the address was new or registered.</summary>
    public bool CheckMailbox { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        try
        {
            var result = await accounts.SignUpAsync(new AccountSignUp(DisplayName, LoginName, Password,
                LoginName.Contains('@', StringComparison.Ordinal) ? LoginName.Trim() : null,
                string.IsNullOrWhiteSpace(NeighbourhoodCode) ? null : NeighbourhoodCode, Pseudonym, ShowNamePublicly, Texts.SiteCulture.TwoLetterLanguage));
            if (result.Account is not { } account)
            {
                CheckMailbox = true;
                Password = "";
                return Page();
            }
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
                ModelState.AddModelError("password", CredentialRules.CheckPassword(Password, LoginName) switch
                {
                    PasswordIssue.Common => text["Account.PasswordCommon"],
                    PasswordIssue.TooFewDistinctCharacters => text["Account.PasswordTooSimple"],
                    _ => text["Account.PasswordHelp"],
                });
            }
            if (ModelState.ContainsKey("loginName") && CredentialRules.CheckLoginName(LoginName) is LoginNameIssue.Invisible or LoginNameIssue.MixedScripts)
            {
                ModelState.Remove("loginName");
                ModelState.AddModelError("loginName", text["Account.LoginNameLookalike"]);
            }
            Password = "";
            return Page();
        }
    }
}
