namespace CivicContracting.Web.Evidence;

/// <summary>A type of file accepted as evidence, known by its leading bytes ("magic bytes").</summary>
public sealed record EvidenceType(string ContentType, string Extension, bool Inline);

/// <summary>
/// The allow-list of evidence types, detected from the file's first bytes, never from the name or the Content-Type the
/// client claims: a file is stored and served as what it is. Images are shown inline; a PDF is offered as a download
/// (a PDF viewer is a large attack surface, and the sandbox policy would not let it run in the page anyway).
/// </summary>
public static class EvidenceTypes
{
    public static readonly EvidenceType Jpeg = new("image/jpeg", "jpg", Inline: true);
    public static readonly EvidenceType Png = new("image/png", "png", Inline: true);
    public static readonly EvidenceType WebP = new("image/webp", "webp", Inline: true);
    public static readonly EvidenceType Pdf = new("application/pdf", "pdf", Inline: false);

    public static IReadOnlyList<EvidenceType> All { get; } = [Jpeg, Png, WebP, Pdf];

    /// <summary>"image/jpeg, image/png, image/webp, application/pdf", for messages.</summary>
    public static string Describe() => string.Join(", ", All.Select(t => t.ContentType));

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The type of <paramref name="content"/>, or null when it is none of the allowed ones.</summary>
    public static EvidenceType? Detect(ReadOnlySpan<byte> content)
    {
        // JPEG: SOI marker FF D8 followed by the next marker's FF.
        if (content.Length >= 4 && content[0] == 0xFF && content[1] == 0xD8 && content[2] == 0xFF)
            return Jpeg;
        // PNG: the 8-byte signature, then the IHDR chunk (length 13) that must come first.
        if (content.Length >= 16 && content.StartsWith(PngSignature) && content.Slice(12, 4).SequenceEqual("IHDR"u8))
            return Png;
        // WebP: a RIFF container whose form type is WEBP.
        if (content.Length >= 16 && content.StartsWith("RIFF"u8) && content.Slice(8, 4).SequenceEqual("WEBP"u8))
            return WebP;
        // PDF: the header at the very start (readers tolerate junk before it; we do not, so no polyglot gets in that way).
        if (content.Length >= 8 && content.StartsWith("%PDF-"u8))
            return Pdf;
        return null;
    }

    public static EvidenceType? ForContentType(string contentType) =>
        All.FirstOrDefault(t => string.Equals(t.ContentType, contentType, StringComparison.Ordinal));
}
