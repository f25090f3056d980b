using CivicContracting.Accounts;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>
/// The session names the account's language only when the person has one: an account stored before languages reads as
/// Dutch for its mails, but its pages must follow the browser (Accept-Language), not presume Dutch.
/// </summary>
public sealed class SessionLanguageClaimTests
{
    private static AccountView Account(string language, bool chosen) =>
        new("acc-1", "Ann", "ann@example.org", "ann", null, true, [], null, [], DateTimeOffset.UnixEpoch, null, true, language, chosen);

    [Fact]
    public void A_chosen_language_travels_in_the_session()
    {
        var principal = Authentication.PrincipalFor(Account("fr", chosen: true), ActorKind.Session, DateTimeOffset.UnixEpoch);

        Assert.Equal("fr", principal.FindFirst(SiteCulture.LanguageClaim)?.Value);
    }

    [Fact]
    public void An_account_stored_before_languages_leaves_the_pages_to_the_browser()
    {
        var principal = Authentication.PrincipalFor(Account("nl", chosen: false), ActorKind.Session, DateTimeOffset.UnixEpoch);

        Assert.Null(principal.FindFirst(SiteCulture.LanguageClaim));
    }
}
