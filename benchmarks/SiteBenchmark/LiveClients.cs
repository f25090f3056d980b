using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace CivicContracting.SiteBenchmark;

/// <summary>What the client process says once every client has connected (or was refused).</summary>
internal sealed record LiveClientsReady(int Requested, int Opened, int RefusedAddress, int RefusedHost, int Failed, int Addresses, double Seconds, string FirstError);

/// <summary>What the client process measured: acknowledged change → arrival at each client.</summary>
internal sealed record LiveClientsResult(
    int Pairs, double P50, double P99, double Max, int Missing, int Early, double EventsPerClient, int ClientErrors, double CpuSeconds, double EventsPerClientMeasured);

/// <summary>
/// The browsers of the live-push run, in a process of their own (this program started with <see cref="Mode"/>), so the
/// web host's memory per subscriber can be measured without theirs, and their garbage collections do not pause it.
/// They only use loopback: client i connects from 127.0.(1 + a / 250).(1 + a % 250) with a = i / perAddress, so no
/// address holds more than perAddress streams (the web host's Live:MaxConnectionsPerAddress unless told otherwise).
/// Protocol, one line each: the parent starts it with the host, the count, the clients per address and the scopes to
/// time; it answers <c>READY {json}</c>; the parent sends <c>EVENT {scope index} {sent} {acknowledged}</c> (Stopwatch
/// timestamps: CLOCK_MONOTONIC on Linux, one clock for both processes) per change and <c>END</c>; it waits until every
/// client has every change (at most 5 s) and answers <c>RESULT {json}</c>.
/// </summary>
internal static class LiveClientHost
{
    public const string Mode = "--live-clients";

    private const int ConnectConcurrency = 200;

    public static async Task<int> RunAsync(string[] args)
    {
        var baseAddress = new Uri(args[0]);
        var count = int.Parse(args[1], CultureInfo.InvariantCulture);
        var perAddress = Math.Max(1, int.Parse(args[2], CultureInfo.InvariantCulture));
        var scopes = args[3].Split(',').Select(s => Encoding.UTF8.GetBytes(s)).ToArray();

        var nextConnection = -1;
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var index = Interlocked.Increment(ref nextConnection);
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(LocalAddress(index / perAddress), 0));
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
        using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };

        var clients = new LiveClient[count];
        var refusedAddress = 0;
        var refusedHost = 0;
        var failed = 0;
        string? firstError = null;
        var connecting = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(ConnectConcurrency))
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var (client, status) = await LiveClient.OpenAsync(http, scopes);
                    clients[i] = client!;
                    if (status == HttpStatusCode.TooManyRequests)
                        Interlocked.Increment(ref refusedAddress);
                    else if (status == HttpStatusCode.ServiceUnavailable)
                        Interlocked.Increment(ref refusedHost);
                    else if (client is null)
                        Interlocked.Increment(ref failed);
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        var open = clients.Where(c => c is not null).ToArray();
        var addresses = (count + perAddress - 1) / perAddress;
        // Ready once every snapshot has been read: nothing arrived for a second (at most 2 minutes).
        var settling = Stopwatch.StartNew();
        while (settling.Elapsed < TimeSpan.FromMinutes(2) && open.Length > 0
            && Stopwatch.GetElapsedTime(open.Max(c => c.LastReceived)) < TimeSpan.FromSeconds(1))
            await Task.Delay(200);
        Console.WriteLine("READY " + JsonSerializer.Serialize(new LiveClientsReady(
            count, open.Length, refusedAddress, refusedHost, failed, addresses, connecting.Elapsed.TotalSeconds, firstError ?? "")));

        var sent = new List<(int Scope, long Sent, long Acknowledged)>();
        var cpuAtFirstEvent = TimeSpan.Zero;
        int[] countsAtFirstEvent = [];
        while (await Console.In.ReadLineAsync() is { } line && line != "END")
        {
            var parts = line.Split(' ');
            if (sent.Count == 0)
            {
                cpuAtFirstEvent = CpuTime();
                countsAtFirstEvent = [.. open.Select(c => c.ChangesReceived)];
            }
            if (parts is ["EVENT", var scope, var at, var acknowledged])
                sent.Add((int.Parse(scope, CultureInfo.InvariantCulture), long.Parse(at, CultureInfo.InvariantCulture), long.Parse(acknowledged, CultureInfo.InvariantCulture)));
        }

        // Drain: until every client has every change, at most 5 s after the last one.
        var drain = Stopwatch.StartNew();
        while (drain.Elapsed < TimeSpan.FromSeconds(5) && !sent.All(e => open.All(c => c.FirstArrivalAfter(e.Scope, e.Sent) is not null)))
            await Task.Delay(100);

        var cpu = CpuTime() - cpuAtFirstEvent;
        var latencies = new List<double>(sent.Count * open.Length);
        var missing = 0;
        var early = 0;
        foreach (var (scope, at, acknowledged) in sent)
        {
            foreach (var client in open)
            {
                if (client.FirstArrivalAfter(scope, at) is not { } arrival)
                {
                    missing++;
                    continue;
                }
                if (arrival < acknowledged)
                {
                    early++;
                    latencies.Add(0);
                }
                else
                {
                    latencies.Add(Stopwatch.GetElapsedTime(acknowledged, arrival).TotalMilliseconds);
                }
            }
        }
        var sorted = latencies.Order().ToArray();
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(new LiveClientsResult(
            sorted.Length, Percentile.Of(sorted, 0.5), Percentile.Of(sorted, 0.99), Percentile.Of(sorted, 1), missing, early,
            open.Length == 0 ? 0 : open.Average(c => c.ChangesReceived), open.Count(c => c.Failed), cpu.TotalSeconds,
            open.Length == 0 || countsAtFirstEvent.Length == 0 ? 0 : open.Select((c, i) => c.ChangesReceived - countsAtFirstEvent[i]).Average())));
        await Task.WhenAll(open.Select(c => c.DisposeAsync().AsTask()));
        return 0;
    }

    private static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>127.0.1.1, 127.0.1.2, … (all on the loopback interface on Linux); 127.0.0.1 stays the API's.</summary>
    public static IPAddress LocalAddress(int index) =>
        new(new byte[] { 127, (byte)(1 + (index / 250)), (byte)(1 + (index % 250)), 1 });
}

/// <summary>
/// A browser stand-in: reads GET /api/live (every scope, as the home page's map does) and notes when each newer version
/// of the timed scopes arrived. It reads only the "scope" and "version" of each change, so 10,000 of them fit beside the
/// web host on two cores.
/// </summary>
internal sealed class LiveClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly byte[][] _scopes;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long[] _latest;
    private readonly List<(long Version, long Timestamp)>?[] _arrivals;
    private readonly Task _reading;
    private int _changes;
    private long _lastReceived = Stopwatch.GetTimestamp();

    private LiveClient(HttpResponseMessage response, byte[][] scopes)
    {
        _response = response;
        _scopes = scopes;
        _latest = [.. scopes.Select(_ => -1L)];
        _arrivals = new List<(long, long)>?[scopes.Length];
        _reading = Task.Run(ReadAsync);
    }

    public int ChangesReceived => Volatile.Read(ref _changes);

    /// <summary>When the last event arrived (a Stopwatch timestamp).</summary>
    public long LastReceived => Volatile.Read(ref _lastReceived);

    public bool Failed => _reading.IsFaulted;

    /// <summary>The client once its stream is ready, or null and the refusal's status.</summary>
    public static async Task<(LiveClient? Client, HttpStatusCode Status)> OpenAsync(HttpClient http, byte[][] scopes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/live");
        // A refused request's connection must not be reused by the next client: it was opened from another address.
        request.Headers.ConnectionClose = true;
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            return (null, response.StatusCode);
        }
        var client = new LiveClient(response, scopes);
        await client._ready.Task.WaitAsync(TimeSpan.FromSeconds(120));
        return (client, response.StatusCode);
    }

    /// <summary>
    /// When this client first received a version of scope <paramref name="scope"/> newer than the one it held at
    /// <paramref name="sent"/>; null when it has not.
    /// </summary>
    public long? FirstArrivalAfter(int scope, long sent)
    {
        lock (_arrivals)
        {
            if (_arrivals[scope] is not { } list)
                return null;
            var held = -1L;
            foreach (var (version, timestamp) in list)
            {
                if (timestamp < sent)
                    held = Math.Max(held, version);
                else if (version > held)
                    return timestamp;
            }
            return null;
        }
    }

    private readonly record struct Item(bool Ready, int Scope, long Version);

    private Item Parse(string eventType, ReadOnlySpan<byte> data)
    {
        if (eventType == "ready")
            return new Item(true, -1, 0);
        if (eventType != "change")
            return new Item(false, -1, 0);
        var reader = new Utf8JsonReader(data);
        var scope = -2;
        var version = -1L;
        reader.Read();
        while ((scope == -2 || version < 0) && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("scope"u8))
            {
                reader.Read();
                scope = -1;
                for (var i = 0; i < _scopes.Length; i++)
                {
                    if (reader.ValueTextEquals(_scopes[i]))
                        scope = i;
                }
            }
            else if (reader.ValueTextEquals("version"u8))
            {
                reader.Read();
                version = reader.GetInt64();
            }
            else
            {
                reader.Skip();
            }
        }
        return new Item(false, scope, version);
    }

    private async Task ReadAsync()
    {
        try
        {
            await using var body = await _response.Content.ReadAsStreamAsync(_stop.Token);
            await foreach (var item in SseParser.Create(body, Parse).EnumerateAsync(_stop.Token))
            {
                var now = Stopwatch.GetTimestamp();
                Volatile.Write(ref _lastReceived, now);
                if (item.Data.Ready)
                {
                    _ready.TrySetResult();
                    continue;
                }
                Interlocked.Increment(ref _changes);
                if (item.Data.Scope < 0)
                    continue;
                lock (_arrivals)
                {
                    if (item.Data.Version <= _latest[item.Data.Scope])
                        continue;
                    _latest[item.Data.Scope] = item.Data.Version;
                    (_arrivals[item.Data.Scope] ??= []).Add((item.Data.Version, now));
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _ready.TrySetException(ex);
            throw;
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
        catch (Exception)
        {
            // Ended by the cancellation, or already counted as failed.
        }
        _stop.Dispose();
    }
}

/// <summary>The parent's handle on the client process.</summary>
internal sealed class LiveClientProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveClientProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _ready.TrySetException(new InvalidOperationException("The live client process ended before it was ready."));
                _result.TrySetException(new InvalidOperationException("The live client process ended before it reported."));
            }
            else if (e.Data.StartsWith("READY ", StringComparison.Ordinal))
            {
                _ready.TrySetResult(e.Data["READY ".Length..]);
            }
            else if (e.Data.StartsWith("RESULT ", StringComparison.Ordinal))
            {
                _result.TrySetResult(e.Data["RESULT ".Length..]);
            }
            else
            {
                Console.WriteLine($"  [live clients] {e.Data}");
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                Console.WriteLine($"  [live clients] {e.Data}");
        };
    }

    public static LiveClientProcess Start(Uri baseAddress, int clients, int perAddress, IReadOnlyList<string> scopes)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var self = Environment.ProcessPath ?? "dotnet";
        info.FileName = self;
        // Under `dotnet CivicContracting.SiteBenchmark.dll` the process is dotnet itself: name the program again.
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            info.ArgumentList.Add(typeof(LiveClientProcess).Assembly.Location);
        foreach (var argument in new[] { LiveClientHost.Mode, baseAddress.ToString(), clients.ToString(CultureInfo.InvariantCulture), perAddress.ToString(CultureInfo.InvariantCulture), string.Join(',', scopes) })
            info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        var handle = new LiveClientProcess(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return handle;
    }

    public async Task<LiveClientsReady> ReadyAsync(TimeSpan within) =>
        JsonSerializer.Deserialize<LiveClientsReady>(await _ready.Task.WaitAsync(within))!;

    public void Sent(int scope, long sent, long acknowledged) =>
        _process.StandardInput.WriteLine(string.Create(CultureInfo.InvariantCulture, $"EVENT {scope} {sent} {acknowledged}"));

    public async Task<LiveClientsResult> FinishAsync()
    {
        await _process.StandardInput.WriteLineAsync("END");
        await _process.StandardInput.FlushAsync();
        return JsonSerializer.Deserialize<LiveClientsResult>(await _result.Task.WaitAsync(TimeSpan.FromMinutes(5)))!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(exit.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
