using System.Globalization;
using CivicContracting.Aggregation;
using CivicContracting.Participants;
using CivicContracting.Silo.Hosting;
using CivicContracting.Web.Live;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CivicContracting.Web.Tests.Live;

/// <summary>The production shape of the live push: the web app is an Orleans client of a separate silo.</summary>
public sealed class LiveClientModeTests
{
    [Fact]
    public async Task In_client_mode_a_live_client_gets_the_stream_at_once_and_the_change_of_a_report()
    {
        await using var host = await ClientModeHost.StartAsync("live-client-mode");
        var address = host.Address;
        using var api = TestHosts.Client(address, WebAppFixture.OperatorToken);
        var subscription = host.Web.Services.GetRequiredService<LiveSubscription>();
        await Eventually.Value(() => Task.FromResult(subscription.Status), s => s.Subscribed, TimeSpan.FromSeconds(10));

        // The stream starts at once (nothing in the client-mode pipeline may hold a never-ending response back).
        var goal = await api.DefineGoalAsync();
        var scope = AggregateScope.Goal(goal);
        await using var live = await LiveStream.OpenAsync(address, $"/api/live?scope={Uri.EscapeDataString(scope)}");

        var participant = await api.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(3));
        var commitment = await api.CommitAsync(participant, TestApi.Neighbourhood(3), TestApi.ResultTerms(baseline: 20, target: 60), (goal, 1.0));
        await api.ConfirmAsync(commitment.Id);
        (await api.PostAsync($"/api/commitments/{commitment.Id}/progress", new { reportId = "r-live-1", value = 40.0 })).EnsureSuccessStatusCode();

        var change = await live.ChangeAsync(c => c["snapshot"]?["meanProgress"]?.GetValue<double>() is { } mean && Math.Abs(mean - 0.5) < 1e-9, TimeSpan.FromSeconds(5));
        Assert.Equal(scope, (string?)change["scope"]);
    }
}
