using System.Globalization;
using CivicContracting.Notifications;

namespace CivicContracting.Accounts;

/// <summary>
/// The e-mails about a person's account, in the person's language (<see cref="MailText"/>). Each carries a link to the site
/// (<see cref="AccountOptions.PublicUrl"/>) that opens a page with a button, so a mail scanner that follows links cannot use them up.
/// </summary>
internal static class AccountMails
{
    public static string SignInLinkPath(string accountId, string code) =>
        $"/account/sign-in/link?account={Uri.EscapeDataString(accountId)}&code={Uri.EscapeDataString(code)}";

    public static string VerifyPath(string accountId, string code) =>
        $"/account/verify-email?account={Uri.EscapeDataString(accountId)}&code={Uri.EscapeDataString(code)}";

    public static AccountMail SignInLink(string address, string link, DateTimeOffset expiresAt, bool becauseOfSignUp, string? language)
    {
        var culture = MailText.Culture(language);
        var kind = becauseOfSignUp ? "SignUpAgain" : "SignIn";
        return Mail(address, culture, MailText.Get(kind + ".Subject", culture), MailText.Get(kind + ".Intro", culture), link,
            MailText.Format("SignIn.Outro", culture, MailText.Moment(expiresAt, culture)));
    }

    public static AccountMail Verification(string address, string link, DateTimeOffset expiresAt, string? language)
    {
        var culture = MailText.Culture(language);
        return Mail(address, culture, MailText.Get("Verification.Subject", culture), MailText.Get("Verification.Intro", culture), link,
            MailText.Format("Verification.Outro", culture, MailText.Moment(expiresAt, culture)));
    }

    private static AccountMail Mail(string address, CultureInfo culture, string subject, string intro, string link, string outro) =>
        new(address, subject, intro + "\n\n" + link + "\n\n" + outro + "\n", culture.TwoLetterISOLanguageName);
}
