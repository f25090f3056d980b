using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Web.OpenData;

/// <summary>
/// The licence of everything the platform publishes (configuration section "OpenData"): stated in every download, the API
/// index, the OpenAPI document's <c>info.license</c>, the catalogue and on the site. A city chooses its own; the default is
/// CC BY 4.0, which the Flemish "Modellicentie Gratis Hergebruik" is compatible with.
/// </summary>
public sealed class OpenDataOptions
{
    public const string SectionName = "OpenData";

    /// <summary>The licence's SPDX identifier where it has one (e.g. <c>CC-BY-4.0</c>), else a short name.</summary>
    [Required, MaxLength(100)]
    public string LicenceId { get; set; } = "CC-BY-4.0";

    /// <summary>The licence's name as people read it.</summary>
    [Required, MaxLength(200)]
    public string LicenceName { get; set; } = "Creative Commons Attribution 4.0 International";

    /// <summary>Where the licence's text is published.</summary>
    [Required, Url, RegularExpression(@"^https://\S+$", ErrorMessage = "OpenData:LicenceUrl must be an https:// address.")]
    public string LicenceUrl { get; set; } = "https://creativecommons.org/licenses/by/4.0/";

    /// <summary>Who publishes the data and must be credited (the attribution a re-user gives).</summary>
    [Required, MaxLength(200)]
    public string Publisher { get; set; } = "Stad Leuven";

    /// <summary>The publisher's web address (the catalogue's <c>dct:publisher</c>).</summary>
    [Required, Url, RegularExpression(@"^https://\S+$", ErrorMessage = "OpenData:PublisherUrl must be an https:// address.")]
    public string PublisherUrl { get; set; } = "https://www.leuven.be";

    /// <summary>Where people write about the data and their privacy (the privacy notice's and the catalogue's contact).</summary>
    [Required, RegularExpression(@"^(mailto:[^\s@]+@[^\s@]+|https://\S+)$", ErrorMessage = "OpenData:Contact must be a mailto: address or an https:// address.")]
    public string Contact { get; set; } = "mailto:privacy@leuven.be";
}
