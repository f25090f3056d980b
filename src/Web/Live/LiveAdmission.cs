using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Live;

/// <summary>
/// Counts this host's open live streams, in all and per client address, and refuses one beyond
/// <see cref="LiveStreamOptions.MaxConnections"/> or <see cref="LiveStreamOptions.MaxConnectionsPerAddress"/>. A stream holds its
/// <see cref="Ticket"/> until it ends; the per-address entry disappears with the address's last stream, so the table
/// never outgrows the open streams.
/// </summary>
public sealed partial class LiveAdmission(IOptions<LiveStreamOptions> options, TimeProvider clock, ILogger<LiveAdmission> logger)
{
    /// <summary>How often at most "the host is full" is logged as a warning; every refusal is counted in the metrics.</summary>
    private static readonly TimeSpan FullWarningEvery = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _perAddress = new(StringComparer.Ordinal);
    private int _open;
    private DateTimeOffset _lastFullWarning = DateTimeOffset.MinValue;

    public LiveStreamOptions Limits => options.Value;

    /// <summary>Streams admitted and not yet ended.</summary>
    public int Open
    {
        get
        {
            lock (_lock)
                return _open;
        }
    }

    /// <summary>Addresses (IPv6: /64 networks) with at least one open stream.</summary>
    public int Addresses
    {
        get
        {
            lock (_lock)
                return _perAddress.Count;
        }
    }

    /// <summary>Admits one more stream from <paramref name="address"/>, or says why not (and the ticket is null).</summary>
    public LiveRefusal? TryAdmit(IPAddress? address, out Ticket? ticket)
    {
        var key = AddressKey(address);
        var limits = options.Value;
        ticket = null;
        LiveRefusal? refusal = null;
        lock (_lock)
        {
            _perAddress.TryGetValue(key, out var fromAddress);
            if (_open >= limits.MaxConnections)
                refusal = LiveRefusal.HostFull;
            else if (fromAddress >= limits.MaxConnectionsPerAddress)
                refusal = LiveRefusal.AddressFull;
            else
            {
                _perAddress[key] = fromAddress + 1;
                _open++;
                ticket = new Ticket(this, key);
            }
        }
        if (refusal is { } refused)
            Refused(refused, key);
        return refusal;
    }

    private void Refused(LiveRefusal refusal, string key)
    {
        LiveMetrics.Refused(refusal);
        if (refusal == LiveRefusal.AddressFull)
        {
            LogAddressFull(logger, key, options.Value.MaxConnectionsPerAddress);
            return;
        }
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (now - _lastFullWarning < FullWarningEvery)
                return;
            _lastFullWarning = now;
        }
        LogHostFull(logger, options.Value.MaxConnections);
    }

    private void Release(string key)
    {
        lock (_lock)
        {
            _open--;
            if (_perAddress.TryGetValue(key, out var count) && count > 1)
                _perAddress[key] = count - 1;
            else
                _perAddress.Remove(key);
        }
    }

    /// <summary>
    /// The key an address is counted under: IPv4 (also when mapped into IPv6) as it is; IPv6 by its /64 network, since
    /// one host or household is given a whole /64 and could otherwise open a fresh slot from every address in it.
    /// </summary>
    public static string AddressKey(IPAddress? address)
    {
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address.ToString();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    /// <summary>One admitted stream's place; disposing it (once) frees the place.</summary>
    public sealed class Ticket(LiveAdmission admission, string key) : IDisposable
    {
        private int _released;

        public string AddressKey => key;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                admission.Release(key);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a live stream from {Address}: it already holds {Limit} (Live:MaxConnectionsPerAddress)")]
    private static partial void LogAddressFull(ILogger logger, string address, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This web host holds its maximum of {Limit} live streams (Live:MaxConnections) and refuses new ones with 503; add web hosts or raise the limit (logged at most once a minute; civic.live.refused counts every refusal)")]
    private static partial void LogHostFull(ILogger logger, int limit);
}

/// <summary>Why a live stream was refused.</summary>
public enum LiveRefusal
{
    /// <summary>The client's address holds <see cref="LiveStreamOptions.MaxConnectionsPerAddress"/> streams: 429.</summary>
    AddressFull,

    /// <summary>The host holds <see cref="LiveStreamOptions.MaxConnections"/> streams: 503.</summary>
    HostFull,
}
