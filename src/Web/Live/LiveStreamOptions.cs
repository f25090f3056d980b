using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Web.Live;

/// <summary>
/// Limits of this web host's live stream (configuration section "Live"). Each open <c>GET /api/live</c> costs the host
/// a socket and a few kilobytes of memory, however long it stays open, so a stranger must not be able to hold them all.
/// </summary>
public sealed class LiveStreamOptions : IValidatableObject
{
    public const string SectionName = "Live";

    /// <summary>
    /// Open live streams this host holds at most; the next one gets 503 with <c>Retry-After</c> (browsers then try again,
    /// or the load balancer's next host). Each needs a file descriptor: keep the process's limit (<c>ulimit -n</c>)
    /// above this plus the other connections.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>
    /// Open live streams per client address at most (IPv6: per /64 network, which one household or host usually holds);
    /// the next one gets 429 with <c>Retry-After</c>. A school's or office's network may put dozens of screens behind one
    /// address, so this is a guard against one client holding the host, not a per-person limit. Behind a proxy the address
    /// is the forwarded one only with <c>Security:TrustedProxies</c> set; otherwise every browser shares the proxy's.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerAddress { get; set; } = 50;

    /// <summary>What a refused client is told to wait (<c>Retry-After</c>) before it tries again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxConnectionsPerAddress > MaxConnections)
            yield return new ValidationResult(
                $"Must not exceed {nameof(MaxConnections)} ({MaxConnections}).", [nameof(MaxConnectionsPerAddress)]);
    }
}
