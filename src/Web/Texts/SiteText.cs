namespace CivicContracting.Web;

/// <summary>
/// Marker for the site's texts: Texts/SiteText.resx (Dutch, the default), later SiteText.fr.resx and SiteText.en.resx.
/// The build embeds a .resx that sits beside a class of the same name under that class's full name
/// (<c>CivicContracting.Web.SiteText</c>), and the localizer, configured without a ResourcesPath, asks for exactly that:
/// renaming or moving this type moves the texts with it.
/// </summary>
public sealed class SiteText;
