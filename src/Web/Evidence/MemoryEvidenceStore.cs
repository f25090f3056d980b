using System.Collections.Concurrent;

namespace CivicContracting.Web.Evidence;

/// <summary>Storage:Profile=Memory (tests): the files of this process, gone when it stops.</summary>
public sealed class MemoryEvidenceStore : IEvidenceStore
{
    private readonly ConcurrentDictionary<string, StoredEvidence> _files = new(StringComparer.Ordinal);

    public int Count => _files.Count;

    public Task<bool> PutAsync(EvidenceInfo info, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        Task.FromResult(_files.TryAdd(info.Sha256, new StoredEvidence(info, content.ToArray())));

    public Task<StoredEvidence?> GetAsync(string sha256, CancellationToken cancellationToken) =>
        Task.FromResult(_files.TryGetValue(sha256, out var stored) ? stored : null);

    public Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken) =>
        Task.FromResult(_files.ContainsKey(sha256));
}
