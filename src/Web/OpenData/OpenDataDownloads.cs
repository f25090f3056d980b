using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.OpenData;

/// <summary>
/// Limits of the bulk downloads (configuration section "OpenDataDownloads"). A download of every commitment reads each
/// commitment once (an activation in the silo), so many parallel downloads from one client would load the cluster: at
/// most <see cref="MaxPerClient"/> run at once per client address, and <see cref="MaxTotal"/> on this web host; more are
/// answered 429 with <c>Retry-After</c>. A 304 (the client holds the current file) costs nothing and counts for nothing.
/// </summary>
public sealed class OpenDataDownloadOptions
{
    public const string SectionName = "OpenDataDownloads";

    [Range(1, 100)]
    public int MaxPerClient { get; set; } = 2;

    [Range(1, 1000)]
    public int MaxTotal { get; set; } = 8;

    /// <summary>What <c>Retry-After</c> suggests when a download is refused.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Counts the downloads running, per client and in all; <see cref="TryStart"/> hands out a slot or refuses.</summary>
public sealed class OpenDataDownloads(IOptions<OpenDataDownloadOptions> options)
{
    private readonly Dictionary<string, int> _perClient = new(StringComparer.Ordinal);
    private int _total;

    public OpenDataDownloadOptions Options => options.Value;

    /// <summary>How many downloads run now (tests, metrics).</summary>
    public int Running
    {
        get
        {
            lock (_perClient)
                return _total;
        }
    }

    /// <summary>A slot for <paramref name="client"/>, released when disposed; null when its or the host's limit is reached.</summary>
    public IDisposable? TryStart(string client)
    {
        lock (_perClient)
        {
            var mine = _perClient.GetValueOrDefault(client);
            if (mine >= options.Value.MaxPerClient || _total >= options.Value.MaxTotal)
                return null;
            _perClient[client] = mine + 1;
            _total++;
        }
        return new Slot(this, client);
    }

    private void Release(string client)
    {
        lock (_perClient)
        {
            _total--;
            if (_perClient[client] <= 1)
                _perClient.Remove(client);
            else
                _perClient[client]--;
        }
    }

    private sealed class Slot(OpenDataDownloads owner, string client) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                owner.Release(client);
        }
    }
}
