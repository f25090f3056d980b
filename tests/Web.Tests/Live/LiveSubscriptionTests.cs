using System.Net;
using CivicContracting.Live;
using CivicContracting.Web.Live;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.Live;

[Collection(WebAppCollection.Name)]
public sealed class LiveSubscriptionTests(WebAppFixture app)
{
    [Fact]
    public async Task The_live_status_is_for_operators_and_says_that_the_host_holds_a_lease_and_where_the_registry_runs()
    {
        await (await app.Public.GetAsync("/api/live/status")).ProblemAsync(HttpStatusCode.Unauthorized);

        var subscription = app.Services.GetRequiredService<LiveSubscription>();
        var status = await Eventually.Value(() => app.Operator.GetAsync<LiveSubscriptionStatus>("/api/live/status"), s => s.Subscribed, TimeSpan.FromSeconds(10));
        Assert.True(status.Subscribed, $"Not subscribed: {status}");
        Assert.Equal(subscription.HostId, status.HostId);
        Assert.False(string.IsNullOrEmpty(status.RegistrySilo));
        Assert.Equal(0, status.FailedRenewals);
        Assert.NotNull(status.SubscribedAt);
        Assert.True(status.LeaseExpiresAt > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_host_whose_lease_the_registry_lost_finds_out_at_its_next_renewal_and_subscribes_again()
    {
        var subscription = app.Services.GetRequiredService<LiveSubscription>();
        var before = await Eventually.Value(() => Task.FromResult(subscription.Status), s => s.Subscribed, TimeSpan.FromSeconds(10));
        Assert.True(before.Subscribed, $"Not subscribed: {before}");

        // What a registry re-activated on another silo looks like to the host: it no longer holds the lease.
        await app.Services.GetRequiredService<IClusterClient>().GetGrain<ILiveRegistryGrain>(0).Unsubscribe(subscription.HostId);

        var after = await Eventually.Value(
            () => Task.FromResult(subscription.Status),
            s => s.LostLeases == before.LostLeases + 1,
            LiveSubscription.RenewEvery + TimeSpan.FromSeconds(3));
        Assert.True(after.LostLeases == before.LostLeases + 1, $"The host did not notice within a renewal: {after}");
        Assert.True(after.Subscribed);
        Assert.True(after.SubscribedAt > before.SubscribedAt);
        Assert.Equal(0, after.FailedRenewals);
    }

    [Fact]
    public void Failed_renewals_are_retried_sooner_than_a_renewal_with_exponential_back_off_capped_at_the_renewal_interval()
    {
        var delays = Enumerable.Range(1, 8).Select(LiveSubscription.RetryDelay).ToList();
        Assert.Equal(LiveSubscription.FirstRetry, delays[0]);
        Assert.Equal(LiveSubscription.FirstRetry * 2, delays[1]);
        Assert.Equal(LiveSubscription.FirstRetry * 4, delays[2]);
        Assert.All(delays.Zip(delays.Skip(1)), p => Assert.True(p.Second >= p.First));
        Assert.Equal(LiveSubscription.RenewEvery, delays[^1]);
        Assert.Equal(LiveSubscription.RenewEvery, LiveSubscription.RetryDelay(1_000));
        Assert.True(LiveSubscription.RenewEvery * 6 == LiveSubscription.Lease, "Six renewals per lease: a host keeps it through 25 s of failed renewals.");
    }
}
