using CivicContracting.Aggregation;
using CivicContracting.Live;
using CivicContracting.Web.Live;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CivicContracting.Web.Tests.Live;

/// <summary>
/// The web host's live feed on its own (no HTTP): what a listener that has not read for a while is given — the newest
/// change of each scope that changed, in order of arrival, once — including when it is further behind than the feed's
/// ring of recent changes reaches.
/// </summary>
public sealed class LiveFeedTests
{
    /// <summary>A change of <paramref name="scope"/> at <paramref name="version"/>, with a snapshot of about <paramref name="objectives"/> × 30 bytes more.</summary>
    public static AggregateChange Change(string scope, long version, int objectives = 0) =>
        new(scope, version, new EngagementSnapshot(
            scope, EngagementTotals.Empty, null, null, null, 0, 0, null, null, version, DateTimeOffset.UnixEpoch,
            Enumerable.Range(0, objectives).ToDictionary(i => $"objective-{i:000}", i => (double?)(version % 100) / 100)));

    private static LiveFeed NewFeed() => new(Options.Create(new HttpJsonOptions()));

    /// <summary>Reads a connection's changes one at a time, keeping a read that waits for the next change.</summary>
    private sealed class Reader(LiveFeed.Connection connection) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private IAsyncEnumerator<AggregateChange>? _changes;
        private Task<bool>? _waiting;

        /// <summary>The next <paramref name="count"/> changes, then checks that nothing more is pending.</summary>
        public async Task<List<AggregateChange>> ReadAsync(int count)
        {
            _changes ??= connection.ReadAllAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
            var read = new List<AggregateChange>();
            while (read.Count < count)
            {
                var next = _waiting ?? _changes.MoveNextAsync().AsTask();
                _waiting = null;
                Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(10)), "The connection ended.");
                read.Add(_changes.Current);
            }
            // Every pending change was taken: the reader now waits (a wake-up without news yields nothing).
            _waiting = _changes.MoveNextAsync().AsTask();
            Assert.False(_waiting.IsCompleted, "More changes were pending than expected.");
            return read;
        }

        /// <summary>Completes false when the connection ends.</summary>
        public Task<bool> NextAsync()
        {
            _changes ??= connection.ReadAllAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
            var next = _waiting ?? _changes.MoveNextAsync().AsTask();
            _waiting = null;
            return next;
        }

        public AggregateChange Current => _changes!.Current;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_waiting is not null)
                await ((Task)_waiting).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (_changes is not null)
                await _changes.DisposeAsync();
            _stop.Dispose();
        }
    }

    [Fact]
    public async Task A_listener_that_has_not_read_gets_only_the_newest_change_of_each_scope_in_order_of_arrival()
    {
        var feed = NewFeed();
        using var connection = feed.Open(scope: null);
        foreach (var change in new[] { Change("place:a", 1), Change("place:b", 1), Change("place:a", 2), Change("place:c", 1), Change("place:b", 2), Change("place:a", 3) })
            Assert.True(feed.OnChanges([change]).IsCompletedSuccessfully);
        Assert.Equal(3, connection.PendingScopes);

        await using var reader = new Reader(connection);
        var read = await reader.ReadAsync(3);

        Assert.Equal([("place:c", 1L), ("place:b", 2L), ("place:a", 3L)], read.Select(c => (c.Scope, c.Version)));
        Assert.Equal(0, connection.PendingScopes);
        Assert.Equal(6, feed.AcceptedChanges);
    }

    [Fact]
    public async Task Versions_not_newer_than_the_one_held_are_ignored_and_never_reach_a_listener()
    {
        var feed = NewFeed();
        using var connection = feed.Open(scope: null);
        await feed.OnChanges([Change("goal:g", 5)]);
        await feed.OnChanges([Change("goal:g", 4), Change("goal:g", 5)]);

        await using var reader = new Reader(connection);
        var read = await reader.ReadAsync(1);

        Assert.Equal(5, Assert.Single(read).Version);
        Assert.Equal(5, feed.Latest("goal:g")!.Version);
        Assert.Equal(1, feed.AcceptedChanges);
    }

    [Fact]
    public async Task A_listener_further_behind_than_the_feed_remembers_still_gets_each_scopes_newest_change_once_in_order()
    {
        var feed = NewFeed();
        await feed.OnChanges([Change("place:before", 1)]);
        using var connection = feed.Open(scope: null);
        await using var reader = new Reader(connection);
        // Left behind by 20,000 changes of 50 scopes: more than the feed's ring of 16,384 recent changes.
        for (var version = 1; version <= 400; version++)
            await feed.OnChanges([.. Enumerable.Range(0, 50).Select(s => Change($"place:s{s:00}", version))]);
        Assert.Equal(50, connection.PendingScopes);

        var read = await reader.ReadAsync(50);

        Assert.Equal(50, read.Count);
        Assert.All(read, c => Assert.Equal(400, c.Version));
        Assert.Equal(Enumerable.Range(0, 50).Select(s => $"place:s{s:00}"), read.Select(c => c.Scope));

        // And a listener behind by fewer changes than there are scopes walks the ring: the same rule.
        await feed.OnChanges([Change("place:s07", 401), Change("place:s03", 401), Change("place:s07", 402)]);
        Assert.Equal([("place:s03", 401L), ("place:s07", 402L)], (await reader.ReadAsync(2)).Select(c => (c.Scope, c.Version)));
    }

    [Fact]
    public async Task A_listener_of_one_scope_gets_only_that_scope_and_a_disposed_one_stops_and_leaves_the_feed()
    {
        var feed = NewFeed();
        var before = feed.OpenConnections;
        var connection = feed.Open("goal:mine");
        await feed.OnChanges([Change("goal:other", 1), Change("goal:mine", 1), Change("place:24062", 1), Change("goal:mine", 2), Change("goal:other", 2)]);
        Assert.Equal(1, connection.PendingScopes);
        Assert.Equal(before + 1, feed.OpenConnections);

        await using var reader = new Reader(connection);
        Assert.Equal([("goal:mine", 2L)], (await reader.ReadAsync(1)).Select(c => (c.Scope, c.Version)));

        var waiting = reader.NextAsync();
        connection.Dispose();
        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(before, feed.OpenConnections);
        Assert.DoesNotContain(connection, feed.Listeners);
    }

    [Fact]
    public async Task A_waiting_reader_is_woken_by_the_fan_out_after_the_observer_call_returned()
    {
        var feed = NewFeed();
        using var connection = feed.Open(scope: null);
        await using var reader = new Reader(connection);
        var waiting = reader.NextAsync();
        Assert.False(waiting.IsCompleted);

        // The observer call only records the change; waking listeners happens on the thread pool, after it returned.
        Assert.True(feed.OnChanges([Change("place:24062W01", 7)]).IsCompletedSuccessfully);

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(7, reader.Current.Version);
    }
}
