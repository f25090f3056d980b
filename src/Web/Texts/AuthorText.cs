using CivicContracting.Commitments;

namespace CivicContracting.Web.Texts;

/// <summary>
/// Text a person wrote (a commitment's title and description, a report's note) is in the language they wrote it in, not
/// necessarily the page's: pages mark it with <c>lang</c> so screen readers pronounce it right. Unknown (written before
/// languages were recorded): no attribute, so it takes the page's.
/// </summary>
public static class AuthorText
{
    /// <summary>The commitment's author language for a <c>lang</c> attribute; null when unknown or when moderation hid the text (the site's words stand in).</summary>
    public static string? Lang(CommitmentView commitment) => commitment.TextHidden ? null : commitment.Language;
}
