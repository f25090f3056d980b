namespace CivicContracting.Web;

/// <summary>Marker for the site's texts: Resources/SiteText.resx (Dutch, the default), later SiteText.fr.resx and SiteText.en.resx.</summary>
public sealed class SiteText;
