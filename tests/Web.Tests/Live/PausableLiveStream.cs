using System.Net;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Text;

namespace CivicContracting.Web.Tests.Live;

/// <summary>
/// A browser stand-in that reads GET /api/live only when told to, on a connection of its own from a chosen loopback
/// address (all of 127.0.0.0/8 reaches the loopback interface on Linux), optionally with a small receive buffer, so a
/// test can make it stop reading until the server's writes to it wait.
/// </summary>
public sealed class PausableLiveStream : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly IAsyncEnumerator<SseItem<string>> _items;
    private readonly List<(string Event, string Data)> _received = [];
    private Task<bool>? _next;

    private PausableLiveStream(HttpClient client, HttpResponseMessage response, Stream body)
    {
        _client = client;
        _response = response;
        _items = SseParser.Create(body).EnumerateAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Every event read so far, in order.</summary>
    public IReadOnlyList<(string Event, string Data)> Received => _received;

    /// <summary>Sends GET <paramref name="path"/> from <paramref name="from"/> and returns the response as soon as its headers arrive.</summary>
    public static async Task<(HttpClient Client, HttpResponseMessage Response)> SendAsync(
        Uri baseAddress, string path, IPAddress from, int? receiveBufferBytes = null, string? forwardedFor = null)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    if (receiveBufferBytes is { } bytes)
                        socket.ReceiveBufferSize = bytes;
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (forwardedFor is not null)
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var headers = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            return (client, await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token));
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends GET <paramref name="path"/> from <paramref name="from"/>, which must be refused with <paramref name="status"/>,
    /// and returns the problem+json. The status is checked before the body is read: an admitted stream's body never ends.
    /// </summary>
    public static async Task<(System.Text.Json.Nodes.JsonObject Problem, HttpResponseMessage Response)> RefusedAsync(
        Uri baseAddress, string path, IPAddress from, HttpStatusCode status, string? forwardedFor = null)
    {
        var (client, response) = await SendAsync(baseAddress, path, from, forwardedFor: forwardedFor);
        using (client)
        {
            using (response)
            {
                Assert.True(response.StatusCode == status, $"GET {path} from {from}: expected {(int)status}, got {(int)response.StatusCode}");
                return (await response.ProblemAsync(status), response);
            }
        }
    }

    /// <summary>Opens a stream (it must be admitted) and reads up to and including "ready".</summary>
    public static async Task<PausableLiveStream> OpenAsync(
        Uri baseAddress, IPAddress from, string path = "/api/live", int? receiveBufferBytes = null, string? forwardedFor = null)
    {
        var (client, response) = await SendAsync(baseAddress, path, from, receiveBufferBytes, forwardedFor);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var text = await response.Content.ReadAsStringAsync();
            response.Dispose();
            client.Dispose();
            throw new InvalidOperationException($"GET {path} from {from}: {(int)response.StatusCode} {text}");
        }
        var stream = new PausableLiveStream(client, response, await response.Content.ReadAsStreamAsync());
        await stream.ReadUntilAsync(e => e.Event == "ready", TimeSpan.FromSeconds(15));
        return stream;
    }

    /// <summary>Reads events until one satisfies <paramref name="stop"/> (true), or <paramref name="within"/> passes (false).</summary>
    public async Task<bool> ReadUntilAsync(Func<(string Event, string Data), bool> stop, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                return false;
            _next ??= _items.MoveNextAsync().AsTask();
            try
            {
                await _next.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                return false;
            }
            var more = await _next;
            _next = null;
            if (!more)
                throw new InvalidOperationException("The live stream ended.");
            var item = (_items.Current.EventType, _items.Current.Data);
            _received.Add(item);
            if (stop(item))
                return true;
        }
    }

    /// <summary>The raw text of a stream, for tests of the wire format: reads until <paramref name="until"/> has arrived.</summary>
    public static async Task<string> ReadRawAsync(Stream body, string until, TimeSpan within, StringBuilder? into = null)
    {
        var text = into ?? new StringBuilder();
        var buffer = new byte[16 * 1024];
        var characters = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        var decoder = Encoding.UTF8.GetDecoder();
        using var timeout = new CancellationTokenSource(within);
        while (!text.ToString().Contains(until, StringComparison.Ordinal))
        {
            var read = await body.ReadAsync(buffer, timeout.Token);
            if (read == 0)
                throw new InvalidOperationException($"The stream ended before '{until}'; got: {text}");
            text.Append(characters, 0, decoder.GetChars(buffer, 0, read, characters, 0));
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            if (_next is not null)
                await _next;
            await _items.DisposeAsync();
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        _client.Dispose();
        _stop.Dispose();
    }
}
