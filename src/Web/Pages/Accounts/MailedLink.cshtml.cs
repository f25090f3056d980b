using CivicContracting.Accounts;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace CivicContracting.Web.Pages.Accounts;

/// <summary>
/// The page a mailed link opens (a one-time sign-in link, or an address verification link): a button, so that a mail
/// scanner that follows links does not use the link up; the POST redeems it and signs in.
/// </summary>
public abstract class MailedLinkModel(TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Account { get; set; }
    [BindProperty(SupportsGet = true)] public string? Code { get; set; }

    /// <summary>Set when the link was refused (used, expired, or not this account's).</summary>
    public bool Refused { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var account = await RedeemAsync(Account, Code);
        if (account is null)
        {
            Refused = true;
            return Page();
        }
        await HttpContext.SignInAsync(Authentication.SessionScheme, Authentication.PrincipalFor(account, ActorKind.Session, clock.GetUtcNow()));
        return LocalRedirect("/account");
    }

    protected abstract Task<AccountView?> RedeemAsync(string? accountId, string? code);
}

[EnableRateLimiting(RateLimits.SignInPolicy)]
public sealed class SignInLinkModel(AccountService accounts, TimeProvider clock) : MailedLinkModel(clock)
{
    protected override Task<AccountView?> RedeemAsync(string? accountId, string? code) => accounts.RedeemSignInLinkAsync(accountId, code);
}

[EnableRateLimiting(RateLimits.SignInPolicy)]
public sealed class VerifyEmailModel(AccountService accounts, TimeProvider clock) : MailedLinkModel(clock)
{
    protected override Task<AccountView?> RedeemAsync(string? accountId, string? code) => accounts.VerifyEmailAsync(accountId, code);
}
