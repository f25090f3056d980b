using CivicContracting.Web.Accounts;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Evidence;

/// <summary>
/// Storing a photo or a document as evidence for progress reports on a commitment: the one way in for
/// POST /api/commitments/{id}/evidence and the report page's photo. Whoever may report on the commitment may upload
/// (<see cref="AuthoriseAsync"/>: 404 no such commitment, 401 not signed in, 403 without the right to report — before the
/// file is read); then the file's rules (<see cref="Check"/>: not empty, at most Evidence:MaxBytes, a type recognised from
/// its content), then the store, which keeps each file once under its SHA-256. Callers only get the file's bytes out of
/// their request (<see cref="EvidenceUpload"/> for the API's body, <see cref="ReadAsync"/> for a form's file), both cut
/// off at <see cref="MaxBytes"/>.
/// </summary>
public sealed class StoreEvidenceCommand(Access access, IEvidenceStore store, IOptions<EvidenceOptions> options)
{
    /// <summary>The right to add evidence for reports on <see cref="CommitmentId"/>.</summary>
    public sealed record Permit(Actor Actor, string CommitmentId);

    /// <summary>The stored file, and whether this call stored it (false: the same file was there already).</summary>
    public sealed record Result(EvidenceView Evidence, bool Created);

    /// <summary>The largest file accepted, in bytes (Evidence:MaxBytes).</summary>
    public long MaxBytes => options.Value.MaxBytes;

    public async Task<Permit> AuthoriseAsync(Actor actor, string commitmentId) =>
        new(actor, (await access.RequireForCommitmentAsync(actor, commitmentId, ParticipantRight.Report)).Id);

    /// <summary>A file from a stream (a form's file): at most <see cref="MaxBytes"/>, 413 as soon as it passes them.</summary>
    public Task<byte[]> ReadAsync(Stream file, CancellationToken cancellationToken) =>
        EvidenceUpload.ReadFileAsync(file, MaxBytes, cancellationToken);

    /// <summary>
    /// The file's type when it may be stored; otherwise a problem naming the field "file": 400 when it is empty, 413 when
    /// it is larger than <see cref="MaxBytes"/>, 415 when its first bytes are none of <see cref="EvidenceTypes.All"/>.
    /// </summary>
    public EvidenceType Check(ReadOnlySpan<byte> content)
    {
        if (content.Length == 0)
            throw EvidenceUpload.Empty();
        if (content.Length > MaxBytes)
            throw EvidenceUpload.TooLarge(MaxBytes);
        return EvidenceTypes.Detect(content) ?? throw EvidenceUpload.UnsupportedType();
    }

    public async Task<Result> RunAsync(Permit permit, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(permit);
        var type = Check(content.Span);
        var sha256 = EvidenceIds.Of(content.Span);
        var created = await store.PutAsync(new EvidenceInfo(sha256, type.ContentType, content.Length), content, cancellationToken);
        return new Result(new EvidenceView(sha256, EvidenceIds.Url(sha256), type.ContentType, content.Length, sha256), created);
    }
}
