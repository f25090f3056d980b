namespace CivicContracting.Web.Evidence;

/// <summary>
/// The embedded profile's evidence: one file per upload under <see cref="Root"/> (by default
/// <c>Storage:DataDirectory/evidence</c>), at <c>ab/abcdef….png</c> (the SHA-256, sharded by its first two digits, and
/// the detected type's extension). A file is written to <see cref="TemporaryDirectory"/> on the same file system,
/// flushed to disk, and only then renamed to its final name, which is atomic: a reader, a crash or a concurrent upload
/// of the same file never sees half a file under a final name. Temporary files left behind by a crash are removed when
/// the store starts (those older than <see cref="StaleAge"/>, so a second process's upload in flight is left alone).
/// </summary>
public sealed class FileSystemEvidenceStore : IEvidenceStore
{
    public const string TemporaryFolderName = ".incoming";

    public static readonly TimeSpan StaleAge = TimeSpan.FromHours(1);

    public FileSystemEvidenceStore(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(TemporaryDirectory);
        RemoveStaleTemporaryFiles();
    }

    public string Root { get; }

    public string TemporaryDirectory => Path.Combine(Root, TemporaryFolderName);

    public string PathOf(string sha256, EvidenceType type) => Path.Combine(Root, sha256[..2], $"{sha256}.{type.Extension}");

    private static readonly Lock RenameGate = new();

    public async Task<bool> PutAsync(EvidenceInfo info, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (!EvidenceIds.IsWellFormed(info.Sha256))
            throw new ArgumentException($"'{info.Sha256}' is not a SHA-256 in lowercase hex.", nameof(info));
        var type = EvidenceTypes.ForContentType(info.ContentType)
            ?? throw new ArgumentException($"'{info.ContentType}' is not an evidence type.", nameof(info));
        var final = PathOf(info.Sha256, type);
        if (File.Exists(final))
            return false;
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        var temporary = Path.Combine(TemporaryDirectory, $"{info.Sha256}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
            }))
            {
                await stream.WriteAsync(content, cancellationToken);
                // On disk before the name appears: after a crash the final name holds the whole file or does not exist.
                stream.Flush(flushToDisk: true);
            }
            // File.Move without overwrite is a check and a rename where the file system cannot hard-link (overlay and
            // some container file systems), so two uploads of one file in this process decide under a lock which stored it.
            lock (RenameGate)
            {
                try
                {
                    File.Move(temporary, final, overwrite: false);
                    return true;
                }
                catch (IOException) when (File.Exists(final))
                {
                    return false; // the same file, uploaded at the same moment by someone else, got there first
                }
            }
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    public async Task<StoredEvidence?> GetAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!EvidenceIds.IsWellFormed(sha256))
            return null;
        foreach (var type in EvidenceTypes.All)
        {
            var path = PathOf(sha256, type);
            try
            {
                var content = await File.ReadAllBytesAsync(path, cancellationToken);
                return new StoredEvidence(new EvidenceInfo(sha256, type.ContentType, content.Length), content);
            }
            catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
            {
                // Not of this type; try the next.
            }
        }
        return null;
    }

    public Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken) =>
        Task.FromResult(EvidenceIds.IsWellFormed(sha256) && EvidenceTypes.All.Any(t => File.Exists(PathOf(sha256, t))));

    private void RemoveStaleTemporaryFiles()
    {
        var before = DateTime.UtcNow - StaleAge;
        foreach (var file in new DirectoryInfo(TemporaryDirectory).EnumerateFiles("*.tmp"))
        {
            try
            {
                if (file.LastWriteTimeUtc < before)
                    file.Delete();
            }
            catch (IOException)
            {
                // Best effort: the next start tries again.
            }
        }
    }
}
