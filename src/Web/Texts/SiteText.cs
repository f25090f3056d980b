namespace CivicContracting.Web;

/// <summary>
/// Marker for the site's texts: Texts/SiteText.resx (Dutch, the default), later SiteText.fr.resx and SiteText.en.resx.
/// Its namespace stays <c>CivicContracting.Web</c> on purpose: the localizer finds the resources by the type's name
/// relative to the root namespace, under the configured ResourcesPath ("Texts").
/// </summary>
public sealed class SiteText;
