using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Web.Site;

/// <summary>The accessibility statement's settings (configuration section "AccessibilityStatement"; page /accessibility).</summary>
public sealed class AccessibilityStatementOptions
{
    public const string SectionName = "AccessibilityStatement";

    /// <summary>Where a person reports an accessibility problem: a <c>mailto:</c> address or an <c>https://</c> form.</summary>
    [Required]
    [RegularExpression(@"^(mailto:[^\s@]+@[^\s@]+|https://\S+)$", ErrorMessage = "AccessibilityStatement:Contact must be a mailto: address or an https:// address.")]
    public string Contact { get; set; } = "mailto:info@leuven.be";

    /// <summary>The body that handles a complaint when the answer does not satisfy (for a Flemish city: the Vlaamse Ombudsdienst).</summary>
    [Required]
    [RegularExpression(@"^https://\S+$", ErrorMessage = "AccessibilityStatement:EnforcementUrl must be an https:// address.")]
    public string EnforcementUrl { get; set; } = "https://www.vlaamseombudsdienst.be";

    /// <summary>When the statement was last reviewed against the site (shown on the page).</summary>
    public DateOnly ReviewedOn { get; set; } = new(2026, 12, 7);
}
