namespace CivicContracting.Web.Evidence;

/// <summary>What is known about a stored file: its SHA-256 (the id), its detected type and its size.</summary>
public sealed record EvidenceInfo(string Sha256, string ContentType, long Bytes);

public sealed record StoredEvidence(EvidenceInfo Info, byte[] Content);

/// <summary>
/// Uploaded evidence, content-addressed: a file is stored under the SHA-256 of its bytes, so storing the same file again
/// changes nothing, and what is served under an id can never change (it is cached for good). Files are never stored
/// half: readers see a file completely or not at all.
/// <list type="bullet">
/// <item><see cref="FileSystemEvidenceStore"/>: the embedded profile, a folder under Storage:DataDirectory;</item>
/// <item><see cref="PostgreSqlEvidenceStore"/>: Storage:Profile=PostgreSql, table civic_evidence, so every web host of
/// a cluster serves every file;</item>
/// <item><see cref="MemoryEvidenceStore"/>: Storage:Profile=Memory (tests).</item>
/// </list>
/// </summary>
public interface IEvidenceStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="info"/>.Sha256; true when it was new, false when it was there already.</summary>
    Task<bool> PutAsync(EvidenceInfo info, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>The file stored under <paramref name="sha256"/>, or null.</summary>
    Task<StoredEvidence?> GetAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>Whether a file is stored under <paramref name="sha256"/>.</summary>
    Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken);
}

/// <summary>Evidence ids: the lowercase hex SHA-256 of the file.</summary>
public static class EvidenceIds
{
    public static string Of(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));

    public static bool IsWellFormed(string? id) =>
        id is { Length: 64 } && !id.AsSpan().ContainsAnyExcept(LowercaseHex);

    private static readonly System.Buffers.SearchValues<char> LowercaseHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static string Url(string id) => Validation.InputRules.EvidencePathPrefix + id;
}
