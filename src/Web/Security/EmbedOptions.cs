using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Web.Security;

/// <summary>
/// Which sites may frame the embeddable widgets under <c>/embed/…</c> (configuration section "Embeds"). Every other page
/// keeps <c>frame-ancestors 'none'</c>.
/// </summary>
public sealed class EmbedOptions : IValidatableObject
{
    public const string SectionName = "Embeds";

    /// <summary>
    /// The CSP <c>frame-ancestors</c> sources of the widgets: origins such as <c>https://www.leuven.be</c> or
    /// <c>https://school.example:8443</c>, or <c>*</c> for any site. Empty (the default) is <c>*</c>. At most 50.
    /// (Empty rather than <c>["*"]</c> by default: configuration binding adds a list's items to a default's.)
    /// </summary>
    public string[] FrameAncestors { get; set; } = [];

    /// <summary>The sources in force: <see cref="FrameAncestors"/>, or <c>*</c> when none are listed.</summary>
    public IReadOnlyList<string> EffectiveFrameAncestors => FrameAncestors is { Length: > 0 } listed ? listed : ["*"];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FrameAncestors is null)
            yield break;
        if (FrameAncestors.Length > 50)
            yield return new ValidationResult("Embeds:FrameAncestors may list at most 50 origins.", [nameof(FrameAncestors)]);
        foreach (var entry in FrameAncestors)
        {
            if (!EmbedPolicy.IsValidAncestor(entry))
                yield return new ValidationResult($"Embeds:FrameAncestors: '{entry}' is not an origin. Write https://host or https://host:port (no path, no wildcard in the host), or '*' for any site.", [nameof(FrameAncestors)]);
        }
    }
}

/// <summary>The framing policy of the widgets, and which requests are widgets.</summary>
public static class EmbedPolicy
{
    /// <summary>Where the widgets are served.</summary>
    public const string PathPrefix = "/embed";

    public static bool IsEmbed(PathString path) => path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary><c>*</c>, or an origin <c>https://host[:port]</c> (http only for loopback hosts, for local trials).</summary>
    public static bool IsValidAncestor(string? entry)
    {
        if (entry == "*")
            return true;
        if (string.IsNullOrWhiteSpace(entry) || entry.Length > 200 || entry.Any(c => char.IsWhiteSpace(c) || c is ';' or ',' or '\'' or '*' or '"'))
            return false;
        if (!Uri.TryCreate(entry, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            return false;
        if (uri.AbsolutePath != "/" || entry.EndsWith('/'))
            return false;
        return uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);
    }

    /// <summary>The <c>frame-ancestors</c> directive for the widgets.</summary>
    public static string FrameAncestors(IEnumerable<string> ancestors) => "frame-ancestors " + string.Join(' ', ancestors.Distinct(StringComparer.OrdinalIgnoreCase));

    /// <summary>The page policy with its <c>frame-ancestors 'none'</c> replaced by the widgets' allow-list.</summary>
    public static string WidgetPolicy(string pagePolicy, IEnumerable<string> ancestors) =>
        pagePolicy.Replace("frame-ancestors 'none'", FrameAncestors(ancestors), StringComparison.Ordinal);
}
