using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Live;
using CivicContracting.Web.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CivicContracting.Web.Tests.Live;

/// <summary>
/// An app of its own with tiny live caps (3 streams per address, 5 in all, Retry-After 7 s) and 127.0.0.9 as a
/// trusted proxy, so the caps take a few connections and the shared app's tests are never refused. Tests inject
/// changes of made-up place scopes straight into its feed, as the host's observer would.
/// </summary>
public sealed class LiveCapsFixture : IAsyncLifetime
{
    public const int PerAddress = 3;
    public const int Total = 5;
    public static readonly IPAddress Proxy = IPAddress.Parse("127.0.0.9");

    private TestApp? _app;

    public TestApp App => _app ?? throw new InvalidOperationException("The app has not started.");

    public LiveFeed Feed => App.Services.GetRequiredService<LiveFeed>();

    public LiveAdmission Admission => App.Services.GetRequiredService<LiveAdmission>();

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync("live-caps",
            ("Live:MaxConnectionsPerAddress", PerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Live:MaxConnections", Total.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Live:RetryAfter", "00:00:07"),
            ("Security:TrustedProxies:0", Proxy.ToString()),
            ("Operations:Dashboard", "false"));

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }

    /// <summary>Waits until the previous test's streams have left (the host notices a closed connection by itself).</summary>
    public async Task AllClosedAsync() =>
        Assert.Equal(0, await Eventually.Value(() => Task.FromResult(Admission.Open), open => open == 0, TimeSpan.FromSeconds(15)));
}

public sealed class LiveViewerTests(LiveCapsFixture fixture) : IClassFixture<LiveCapsFixture>
{
    private static readonly IPAddress First = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Second = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Third = IPAddress.Parse("127.0.0.3");

    private Uri Host => fixture.App.BaseAddress;

    [Fact]
    public async Task Streams_beyond_an_addresss_cap_get_429_problem_json_with_Retry_After_other_addresses_do_not_and_a_closed_stream_frees_its_place()
    {
        await fixture.AllClosedAsync();
        var streams = new List<PausableLiveStream>();
        try
        {
            for (var i = 0; i < LiveCapsFixture.PerAddress; i++)
                streams.Add(await PausableLiveStream.OpenAsync(Host, First));

            var (problem, refused) = await PausableLiveStream.RefusedAsync(Host, "/api/live", First, HttpStatusCode.TooManyRequests);
            Assert.Equal(TimeSpan.FromSeconds(7), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("Live:MaxConnectionsPerAddress", (string)problem["detail"]!, StringComparison.Ordinal);
            Assert.Equal("nosniff", refused.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal(LiveCapsFixture.PerAddress, fixture.Admission.Open);

            // Another address has its own places.
            streams.Add(await PausableLiveStream.OpenAsync(Host, Second));

            // A stream that ends gives its place back: the first address may open one again.
            await streams[0].DisposeAsync();
            streams.RemoveAt(0);
            var again = await Eventually.Value(
                async () =>
                {
                    var (retryClient, retry) = await PausableLiveStream.SendAsync(Host, "/api/live", First);
                    var status = retry.StatusCode;
                    retry.Dispose();
                    retryClient.Dispose();
                    return status;
                },
                status => status == HttpStatusCode.OK,
                TimeSpan.FromSeconds(15));
            Assert.Equal(HttpStatusCode.OK, again);
        }
        finally
        {
            foreach (var stream in streams)
                await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Beyond_the_hosts_cap_every_address_gets_503_problem_json_with_Retry_After_until_a_stream_ends()
    {
        await fixture.AllClosedAsync();
        var streams = new List<PausableLiveStream>();
        try
        {
            foreach (var from in new[] { First, First, First, Second, Second })
                streams.Add(await PausableLiveStream.OpenAsync(Host, from));
            Assert.Equal(LiveCapsFixture.Total, fixture.Admission.Open);

            var (problem, refused) = await PausableLiveStream.RefusedAsync(Host, "/api/live", Third, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(TimeSpan.FromSeconds(7), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("Live:MaxConnections", (string)problem["detail"]!, StringComparison.Ordinal);

            await streams[^1].DisposeAsync();
            streams.RemoveAt(streams.Count - 1);
            await Eventually.Value(() => Task.FromResult(fixture.Admission.Open), open => open < LiveCapsFixture.Total, TimeSpan.FromSeconds(15));
            streams.Add(await PausableLiveStream.OpenAsync(Host, Third));
        }
        finally
        {
            foreach (var stream in streams)
                await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Streams_that_end_in_any_way_give_back_every_place_round_after_round_so_the_caps_never_leak()
    {
        await fixture.AllClosedAsync();
        for (var round = 0; round < 3; round++)
        {
            // Fill the host: three streams from one address, two from another (both caps reached at once).
            var streams = new List<PausableLiveStream>();
            foreach (var from in new[] { First, First, First, Second, Second })
                streams.Add(await PausableLiveStream.OpenAsync(Host, from));
            Assert.Equal(LiveCapsFixture.Total, fixture.Admission.Open);
            await PausableLiveStream.RefusedAsync(Host, "/api/live", Third, HttpStatusCode.ServiceUnavailable);

            // Clients leave: most close their connection, one is still owed a change when it goes.
            await fixture.Feed.OnChanges([LiveFeedTests.Change($"place:leak-{Guid.NewGuid():N}", 1)]);
            foreach (var stream in streams)
                await stream.DisposeAsync();

            // Every place is given back and no address is remembered: the table holds open streams only.
            Assert.Equal(0, await Eventually.Value(() => Task.FromResult(fixture.Admission.Open), open => open == 0, TimeSpan.FromSeconds(15)));
            Assert.Equal(0, fixture.Admission.Addresses);
        }

        // After the rounds the host admits as many as ever.
        var again = new List<PausableLiveStream>();
        try
        {
            foreach (var from in new[] { First, First, First, Second, Third })
                again.Add(await PausableLiveStream.OpenAsync(Host, from));
            Assert.Equal(LiveCapsFixture.Total, fixture.Admission.Open);
        }
        finally
        {
            foreach (var stream in again)
                await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Only_a_trusted_proxy_decides_the_address_a_stream_counts_against()
    {
        await fixture.AllClosedAsync();
        var streams = new List<PausableLiveStream>();
        try
        {
            // From an untrusted address a forwarded header is ignored: inventing addresses buys no fresh places.
            for (var i = 0; i < LiveCapsFixture.PerAddress; i++)
                streams.Add(await PausableLiveStream.OpenAsync(Host, First, forwardedFor: $"198.51.100.{i + 1}"));
            await PausableLiveStream.RefusedAsync(Host, "/api/live", First, HttpStatusCode.TooManyRequests, forwardedFor: "198.51.100.77");

            // Through the trusted proxy each client counts under its own address.
            streams.Add(await PausableLiveStream.OpenAsync(Host, LiveCapsFixture.Proxy, forwardedFor: "198.51.100.1"));
            streams.Add(await PausableLiveStream.OpenAsync(Host, LiveCapsFixture.Proxy, forwardedFor: "198.51.100.2"));
            Assert.Equal(3, fixture.Admission.Addresses);
        }
        finally
        {
            foreach (var stream in streams)
                await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_stream_sends_the_snapshot_then_ready_then_each_newer_change_byte_for_byte_as_the_api_writes_json_and_a_scope_filter_holds()
    {
        await fixture.AllClosedAsync();
        var feed = fixture.Feed;
        var run = Guid.NewGuid().ToString("N")[..8];
        var (a, b) = ($"place:wire-{run}-a", $"place:wire-{run}-b");
        await feed.OnChanges([LiveFeedTests.Change(a, 1, objectives: 2), LiveFeedTests.Change(b, 1)]);
        var json = fixture.App.Services.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions;
        string Frame(AggregateChange change) => $"event: change\ndata: {JsonSerializer.Serialize(change, json)}\n\n";

        var (client, response) = await PausableLiveStream.SendAsync(Host, "/api/live", First);
        using var _ = client;
        using var __ = response;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        await using var body = await response.Content.ReadAsStreamAsync();
        var text = new StringBuilder();
        var snapshot = await PausableLiveStream.ReadRawAsync(body, "event: ready\ndata: \n\n", TimeSpan.FromSeconds(15), text);

        // Nothing but whole change events, then "ready" at the very end; the made-up scopes among them, exactly as serialised.
        Assert.Matches(new Regex(@"\A(event: change\ndata: \{[^\n]*\}\n\n)*event: ready\ndata: \n\n\z"), snapshot);
        Assert.Contains(Frame(feed.Latest(a)!), snapshot, StringComparison.Ordinal);
        Assert.Contains(Frame(feed.Latest(b)!), snapshot, StringComparison.Ordinal);

        // After "ready": each newer change as its own event, in order; an older version is never sent.
        text.Clear();
        await feed.OnChanges([LiveFeedTests.Change(b, 2)]);
        await feed.OnChanges([LiveFeedTests.Change(a, 2, objectives: 2), LiveFeedTests.Change(b, 1)]);
        var after = await PausableLiveStream.ReadRawAsync(body, Frame(feed.Latest(a)!), TimeSpan.FromSeconds(15), text);
        Assert.DoesNotContain($"\"version\":1,", after, StringComparison.Ordinal);
        Assert.EndsWith(Frame(LiveFeedTests.Change(b, 2)) + Frame(feed.Latest(a)!), after, StringComparison.Ordinal);

        // One scope: its snapshot alone, then only its changes.
        await using var onlyB = await PausableLiveStream.OpenAsync(Host, Second, $"/api/live?scope={Uri.EscapeDataString(b)}");
        Assert.Equal([("change", b), ("ready", "")], onlyB.Received.Select(e => (e.Event, e.Event == "change" ? (string)JsonNode.Parse(e.Data)!["scope"]! : e.Data)));
        await feed.OnChanges([LiveFeedTests.Change(a, 3), LiveFeedTests.Change(b, 3)]);
        Assert.True(await onlyB.ReadUntilAsync(e => e.Event == "change", TimeSpan.FromSeconds(15)));
        var change = JsonNode.Parse(onlyB.Received[^1].Data)!;
        Assert.Equal((b, 3L), ((string)change["scope"]!, (long)change["version"]!));
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("goal:")]
    [InlineData("place:24062 W01")]
    [InlineData("shard:1")]
    public async Task A_malformed_scope_is_refused_with_400_naming_it_and_opens_nothing(string scope)
    {
        await fixture.AllClosedAsync();
        foreach (var path in new[] { $"/api/live?scope={Uri.EscapeDataString(scope)}", $"/api/live?scope=goal:{new string('g', 65)}" })
        {
            var (problem, _) = await PausableLiveStream.RefusedAsync(Host, path, First, HttpStatusCode.BadRequest);
            Assert.True(problem["errors"]?.AsObject().ContainsKey("scope"), problem.ToJsonString());
        }
        Assert.Equal(0, fixture.Admission.Open);
    }

    [Fact]
    public async Task A_reader_that_stops_reading_gets_each_scopes_newest_version_when_it_reads_again_holds_no_backlog_and_slows_nobody()
    {
        await fixture.AllClosedAsync();
        var feed = fixture.Feed;
        var run = Guid.NewGuid().ToString("N")[..8];
        var scopes = Enumerable.Range(0, 20).Select(i => $"place:stall-{run}-{i:00}").ToArray();
        bool Ours(string data) => JsonNode.Parse(data)!["scope"]!.GetValue<string>().StartsWith($"place:stall-{run}-", StringComparison.Ordinal);

        await using var reading = await PausableLiveStream.OpenAsync(Host, First);
        var known = feed.Listeners.ToHashSet();
        // A small receive buffer, so that the host's writes to it wait soon after it stops reading.
        await using var stalled = await PausableLiveStream.OpenAsync(Host, Second, receiveBufferBytes: 4096);
        var server = Assert.Single(feed.Listeners, l => !known.Contains(l));

        // Changes of 20 scopes, about 1.4 KB each, until the host's write to the stalled reader waits (its socket and
        // Kestrel's buffer are full); then 50 more versions of each while it waits.
        var version = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!server.IsWaitingForReader)
        {
            Assert.True(++version < 5_000 && DateTime.UtcNow < deadline, $"The host never had to wait for the stalled reader ({version} versions; pending: {server.PendingScopes}).");
            Assert.True(feed.OnChanges([.. scopes.Select(s => LiveFeedTests.Change(s, version, objectives: 40))]).IsCompletedSuccessfully);
            // Paced: each version is written to the stalled reader (or its write waits) before the next is made.
            for (var spin = 0; spin < 2_000 && server.PendingScopes > 0 && !server.IsWaitingForReader; spin++)
                await Task.Delay(1);
        }
        // Each of these 50 versions is fanned out on its own (the reader that reads has it before the next is made), and
        // the reader that reads gets each while the other does not read: nobody waits for it.
        var newest = new Dictionary<string, long>();
        for (var i = 0; i < 50; i++)
        {
            version++;
            // The observer call never waits for a stream, however stuck.
            Assert.True(feed.OnChanges([.. scopes.Select(s => LiveFeedTests.Change(s, version, objectives: 40))]).IsCompletedSuccessfully);
            Assert.InRange(server.PendingScopes, 0, scopes.Length);
            Assert.True(await reading.ReadUntilAsync(
                e =>
                {
                    if (e.Event == "change" && Ours(e.Data))
                        newest[(string)JsonNode.Parse(e.Data)!["scope"]!] = (long)JsonNode.Parse(e.Data)!["version"]!;
                    return newest.Count == scopes.Length && newest.Values.All(v => v == version);
                },
                TimeSpan.FromSeconds(30)), $"The reading client did not get version {version} while the other was stalled.");
        }
        var injected = version * scopes.Length;
        Assert.True(server.IsWaitingForReader);
        Assert.InRange(server.PendingScopes, 0, scopes.Length);

        // Reading again: the buffered older versions, then the newest version of every scope, each scope in order.
        var last = new Dictionary<string, long>();
        Assert.True(await stalled.ReadUntilAsync(
            e =>
            {
                if (e.Event != "change" || !Ours(e.Data))
                    return false;
                var change = JsonNode.Parse(e.Data)!;
                var scope = (string)change["scope"]!;
                var at = (long)change["version"]!;
                Assert.True(!last.TryGetValue(scope, out var before) || at > before, $"{scope}: version {at} after {before}");
                last[scope] = at;
                return last.Count == scopes.Length && last.Values.All(v => v == version);
            },
            TimeSpan.FromSeconds(30)), $"The stalled reader did not catch up: {string.Join(", ", last.Select(l => $"{l.Key}={l.Value}"))}");
        var received = stalled.Received.Count(e => e.Event == "change" && Ours(e.Data));
        // Of the 1,000 changes made while its writes waited it gets about 20 (the newest of each scope; a few more if
        // the host could write once meanwhile). A queue per stream would deliver all of them.
        Assert.True(received <= injected - (25 * scopes.Length),
            $"Received {received} of {injected} changes: the versions made while it did not read were not coalesced.");
        await Eventually.Value(() => Task.FromResult(server.PendingScopes), pending => pending == 0, TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("Live:MaxConnections", "0", "MaxConnections")]
    [InlineData("Live:MaxConnectionsPerAddress", "0", "MaxConnectionsPerAddress")]
    [InlineData("Live:RetryAfter", "00:00:00", "RetryAfter")]
    [InlineData("Live:MaxConnectionsPerAddress", "20000", "MaxConnectionsPerAddress")]
    public void A_wrong_live_limit_stops_the_start_with_a_message_naming_it(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => CivicContractingWebApp.Build(TestHosts.WebArgs((key, value))));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
