using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Texts;

/// <summary>
/// The site's texts (Texts/SiteText*.resx) for code outside the pages — the feeds and oEmbed — without naming the marker
/// type <c>CivicContracting.Web.SiteText</c>, whose namespace is the app's root (that would make a namespace cycle).
/// Registered in Program.cs over <c>IStringLocalizer&lt;SiteText&gt;</c>; reads the request's UI culture at each call.
/// </summary>
public sealed class SiteTextLocalizer(IStringLocalizer inner) : IStringLocalizer
{
    public LocalizedString this[string name] => inner[name];

    public LocalizedString this[string name, params object[] arguments] => inner[name, arguments];

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures);
}
