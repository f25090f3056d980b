using CivicContracting.Web.OpenData;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Pages;

/// <summary>
/// The privacy notice (GDPR articles 13 and 14), linked from every footer: what the platform stores, why, how long, the
/// person's rights and whom to write to (<see cref="OpenDataOptions.Contact"/>), in the page's language.
/// </summary>
public sealed class PrivacyModel(IOptions<OpenDataOptions> options) : PageModel
{
    /// <summary>The supervisory authority of Flemish public authorities (the city's processing of personal data).</summary>
    public const string VlaamseToezichtcommissieUrl = "https://www.vlaamsetoezichtcommissie.be";

    public OpenDataOptions OpenData { get; } = options.Value;

    /// <summary>The contact as a person reads it: the address without "mailto:", or the form's address.</summary>
    public string ContactText => OpenData.Contact.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? OpenData.Contact["mailto:".Length..] : OpenData.Contact;

    public void OnGet()
    {
    }
}
