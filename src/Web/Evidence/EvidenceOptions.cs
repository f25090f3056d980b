using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Web.Evidence;

/// <summary>Uploaded evidence (configuration section "Evidence"), validated at start.</summary>
public sealed class EvidenceOptions
{
    public const string SectionName = "Evidence";

    /// <summary>
    /// The largest file accepted (bytes of the file itself; larger ones get 413). The upload endpoint sets its own request
    /// body limit to this plus <see cref="EvidenceUpload.MultipartAllowance"/> for the multipart framing, whatever
    /// Api:MaxRequestBodyBytes says for other requests.
    /// </summary>
    [Range(1_024, 64 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>
    /// The embedded profile only: the folder of uploaded files. Empty: <c>evidence</c> inside Storage:DataDirectory.
    /// (With Storage:Profile=PostgreSql the files live in the database, table civic_evidence; with Memory, in memory.)
    /// </summary>
    [MaxLength(1_000)]
    public string? Directory { get; set; }
}
