namespace CivicContracting.Web;

/// <summary>
/// Marker for the site's texts: Texts/SiteText.resx (Dutch, the neutral default), SiteText.fr.resx and SiteText.en.resx
/// (Texts/SiteCulture.cs picks the language; fr-BE and en-BE fall back to fr and en, a missing key to the Dutch text).
/// The build embeds a .resx that sits beside a class of the same name under that class's full name
/// (<c>CivicContracting.Web.SiteText</c>), and the localizer, configured without a ResourcesPath, asks for exactly that:
/// renaming or moving this type moves the texts with it.
/// <para>
/// Keys: <c>Area.Name</c>, with <c>{0}</c>, <c>{1}</c>… for the arguments (the map's <c>MapJs.*</c> texts use named
/// <c>{name}</c> placeholders filled in by script). A text with a count is a plural: two keys <c>Area.Name.one</c> and
/// <c>Area.Name.other</c> (French may add <c>.many</c> for millions), read with <c>T.Plural(key, count, …)</c>,
/// where <c>{0}</c> is the count (Texts/Plurals.cs). Every key is in all three files with the same placeholders
/// (SiteTextKeysTests).
/// </para>
/// </summary>
public sealed class SiteText;
