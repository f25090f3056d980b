using CivicContracting.Web.Site;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Pages;

/// <summary>The accessibility statement the EU Web Accessibility Directive asks of a public-sector site, linked from every footer.</summary>
public sealed class AccessibilityModel(IOptions<AccessibilityStatementOptions> options) : PageModel
{
    public AccessibilityStatementOptions Statement { get; } = options.Value;

    /// <summary>The contact as a person reads it: the address without "mailto:", or the form's address.</summary>
    public string ContactText => Statement.Contact.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? Statement.Contact["mailto:".Length..] : Statement.Contact;

    public void OnGet()
    {
    }
}
