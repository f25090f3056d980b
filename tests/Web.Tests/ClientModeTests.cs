using System.Globalization;
using System.Net;
using CivicContracting.Participants;
using CivicContracting.Silo.Hosting;
using CivicContracting.Web.Goals;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Tests;

/// <summary>Production shape: the silo runs in its own host, and the web app is an Orleans client of it.</summary>
public sealed class ClientModeTests
{
    [Fact]
    public async Task In_client_mode_the_web_app_writes_and_reads_through_a_separate_silo()
    {
        await using var host = await ClientModeHost.StartAsync("client-mode");
        using var api = TestHosts.Client(host.Address, WebAppFixture.OperatorToken);
        var meta = await api.GetAsync<System.Text.Json.Nodes.JsonObject>("/api/meta");
        Assert.Equal("Client", (string)meta["orleansMode"]!);

        var participant = await api.RegisterAsync(ParticipantKind.Organisation, TestApi.Neighbourhood(4));
        var goal = await api.DefineGoalAsync();
        var commitment = await api.CommitAsync(participant, TestApi.Neighbourhood(4), TestApi.PledgeTerms(), (goal, 1.0));
        await api.ConfirmAsync(commitment.Id);

        var details = await Eventually.Value(
            () => api.GetAsync<GoalDetails>($"/api/goals/{goal}"),
            d => d.Engagement.Totals.EngagedCommitments == 1,
            TimeSpan.FromSeconds(5));
        Assert.Equal(1, details.Engagement.Totals.EngagedCommitments);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/health/ready")).StatusCode);
    }

    [Theory]
    [InlineData("Orleans:Mode", "Sideways", "Orleans:Mode")]
    [InlineData("Orleans:Gateways", "", "Orleans:Gateways")]
    [InlineData("Orleans:Gateways", "not-a-gateway", "Orleans:Gateways")]
    [InlineData("Api:OperatorToken", "short", "Api:OperatorToken")]
    public void A_wrong_hosting_setting_stops_the_start_with_a_message_naming_it(string key, string value, string named)
    {
        var overrides = new List<(string, string)> { (key, value) };
        if (key == "Orleans:Gateways")
            overrides.Add(("Orleans:Mode", "Client"));
        var error = Assert.Throws<OptionsValidationException>(() => CivicContractingWebApp.Build(TestHosts.WebArgs([.. overrides])));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
