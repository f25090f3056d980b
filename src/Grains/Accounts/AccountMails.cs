using System.Globalization;
using CivicContracting.Notifications;

namespace CivicContracting.Accounts;

/// <summary>
/// The e-mails about a person's account, in Dutch like the site. Each carries a link to the site
/// (<see cref="AccountOptions.PublicUrl"/>) that opens a page with a button, so a mail scanner that follows links cannot use them up.
/// </summary>
internal static class AccountMails
{
    public static string SignInLinkPath(string accountId, string code) =>
        $"/account/sign-in/link?account={Uri.EscapeDataString(accountId)}&code={Uri.EscapeDataString(code)}";

    public static string VerifyPath(string accountId, string code) =>
        $"/account/verify-email?account={Uri.EscapeDataString(accountId)}&code={Uri.EscapeDataString(code)}";

    public static AccountMail SignInLink(string address, string link, TimeSpan lifetime, bool becauseOfSignUp) => new(address,
        becauseOfSignUp ? "Je hebt al een account bij Civic Contracting" : "Je aanmeldlink voor Civic Contracting",
        (becauseOfSignUp
            ? "Dag,\n\nIemand probeerde een nieuw account te maken met dit e-mailadres, maar er bestaat al een account voor. "
              + "Was jij dat? Meld je dan aan met deze link:\n\n"
            : "Dag,\n\nMeld je aan met deze link:\n\n")
        + link + "\n\n"
        + string.Create(CultureInfo.InvariantCulture, $"De link werkt één keer, {lifetime.TotalMinutes:0} minuten lang. ")
        + "Heb je niets gevraagd? Dan hoef je niets te doen: je account en wachtwoord blijven zoals ze zijn.\n");

    public static AccountMail Verification(string address, string link, TimeSpan lifetime) => new(address,
        "Bevestig je e-mailadres voor Civic Contracting",
        "Dag,\n\nBevestig dat dit e-mailadres van jou is met deze link; ze meldt je meteen ook aan:\n\n"
        + link + "\n\n"
        + string.Create(CultureInfo.InvariantCulture, $"De link werkt één keer, {lifetime.TotalHours:0} uur lang. ")
        + "Heb je geen account gemaakt? Dan hoef je niets te doen.\n");
}
