using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;

namespace CivicContracting.Web.Tests.Live;

/// <summary>A browser stand-in: reads GET /api/live as a server-sent event stream and keeps every event it receives.</summary>
public sealed class LiveStream : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(string Event, string Data)> _events = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;

    private LiveStream(HttpClient client, HttpResponseMessage response)
    {
        _client = client;
        _response = response;
        _reading = ReadAsync();
    }

    public HttpResponseMessage Response => _response;

    public static async Task<LiveStream> OpenAsync(Uri baseAddress, string path)
    {
        var client = TestHosts.Client(baseAddress, token: null);
        client.Timeout = Timeout.InfiniteTimeSpan;
        // The stream never ends, but its headers come at once: a response held back (buffered) fails here, not never.
        using var headers = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, headers.Token);
        }
        catch (OperationCanceledException) when (headers.IsCancellationRequested)
        {
            client.Dispose();
            throw new TimeoutException($"GET {path} did not start its response within 10 s.");
        }
        var stream = new LiveStream(client, response);
        // The "ready" event follows the snapshot: from then on the stream carries every newer change.
        await stream._ready.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return stream;
    }

    /// <summary>The data of the first "change" event that satisfies <paramref name="match"/>, waiting up to <paramref name="within"/>.</summary>
    public async Task<JsonObject> ChangeAsync(Func<JsonObject, bool> match, TimeSpan within) =>
        (await Eventually.Value(async () =>
        {
            // A stream that broke cannot bring the change any more: its error ends the wait.
            if (_reading.IsFaulted)
                await _reading;
            var found = _events.Select(e => e.Event == "change" && JsonNode.Parse(e.Data) is JsonObject change && match(change) ? change : null)
                .FirstOrDefault(change => change is not null);
            return (Change: found, EventsReceived: _events.Count);
        }, seen => seen.Change is not null, within, "a matching change event")).Change!;

    private async Task ReadAsync()
    {
        await using var body = await _response.Content.ReadAsStreamAsync(_stop.Token);
        try
        {
            await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token))
            {
                _events.Enqueue((item.EventType, item.Data));
                if (item.EventType == "ready")
                    _ready.TrySetResult();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (IOException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        _client.Dispose();
        _stop.Dispose();
    }
}
