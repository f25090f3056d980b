using CivicContracting.Aggregation;
using CivicContracting.Web.ReadModel;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.ReadModel;

/// <summary>
/// The lists of a web host follow the shards' deltas within the push latency. A test that reads a list right after a write
/// through the same host waits for this first: every shard's durable sequence, as the shard states it now, is held.
/// </summary>
internal static class ReadModelSettle
{
    public static Task ListsCaughtUpAsync(this WebAppFixture app, TimeSpan? within = null) => app.Services.ListsCaughtUpAsync(within);

    /// <summary>As for the shared app, for a <see cref="TestApp"/> of its own (its <see cref="TestApp.Services"/>).</summary>
    public static async Task ListsCaughtUpAsync(this IServiceProvider services, TimeSpan? within = null)
    {
        var sync = services.GetRequiredService<ContributionSync>();
        var orleans = services.GetRequiredService<IClusterClient>();
        var statuses = await Task.WhenAll(Enumerable.Range(0, AggregateScope.ShardCount)
            .Select(i => orleans.GetGrain<IContributionShardGrain>(i).GetStatus()));
        await Eventually.Value(() =>
        {
            var held = sync.Status;
            List<string> behind = [.. statuses.Where(s => held.Shards[s.ShardIndex].Sequence < s.Sequence)
                .Select(s => $"shard {s.ShardIndex} at {s.Sequence}, held {held.Shards[s.ShardIndex].Sequence}")];
            if (!held.ListsLoaded)
                behind.Add("lists not loaded");
            return Task.FromResult(behind);
        }, behind => behind.Count == 0, within ?? TimeSpan.FromSeconds(10), "the web host's lists caught up (last value: what was behind)");
    }
}
