namespace CivicContracting.Web.Texts;

/// <summary>The refusals of oEmbed (GET /api/oembed) and the feeds (/feeds/…), one member per case, in the request's UI culture.</summary>
public static partial class ApiText
{
    /// <summary>Not implemented</summary>
    public static string TitleNotImplemented => Get(nameof(TitleNotImplemented));

    /// <summary>Give the address of a goal, a commitment, a place or the map on this site, as an absolute http(s) URL of at most {0} characters.</summary>
    public static string OEmbedUrl(int maxLength) => Format(nameof(OEmbedUrl), maxLength);

    /// <summary>'{0}' is not a page of this site that can be embedded: goals, public commitments, places and the map can.</summary>
    public static string OEmbedNotEmbeddable(string url) => Format(nameof(OEmbedNotEmbeddable), url);

    /// <summary>format must be json.</summary>
    public static string OEmbedFormat => Get(nameof(OEmbedFormat));

    /// <summary>Only format=json is implemented; XML is not.</summary>
    public static string OEmbedXml => Get(nameof(OEmbedXml));

    /// <summary>A whole number of pixels from {0} to {1}.</summary>
    public static string OEmbedPixels(int min, int max) => Format(nameof(OEmbedPixels), min, max);
}
