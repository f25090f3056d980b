using System.Net;
using System.Net.Http.Headers;
using CivicContracting.Silo.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Tests.Operations;

/// <summary>
/// /metrics is not public: without Telemetry:MetricsPort or Telemetry:MetricsToken it is not served; with a port only on
/// that port; with a token only to a scrape that sends it (here both at once). No response names the server software.
/// </summary>
public sealed class MetricsAccessTests : IAsyncLifetime
{
    private const string Token = "metrics-access-token-0123456789";

    private readonly int _metricsPort = TestHosts.FreePort();
    private TestApp _unconfigured = null!;
    private TestApp _guarded = null!;

    public async Task InitializeAsync()
    {
        _unconfigured = await TestApp.StartAsync("metrics-off", ("Telemetry:MetricsToken", ""));
        _guarded = await TestApp.StartAsync("metrics-guarded",
            ("Telemetry:MetricsToken", Token),
            ("Telemetry:MetricsPort", _metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    public async Task DisposeAsync()
    {
        await _unconfigured.DisposeAsync();
        await _guarded.DisposeAsync();
    }

    [Fact]
    public async Task Without_a_metrics_port_or_token_metrics_are_not_served_and_no_response_names_the_server()
    {
        using var client = TestHosts.Client(_unconfigured.BaseAddress, token: null);
        using var metrics = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        Assert.DoesNotContain("orleans_", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var health = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.False(health.Headers.Contains("Server"), "Server: " + string.Join(",", health.Headers.Server));
        Assert.False(metrics.Headers.Contains("Server"));
    }

    [Fact]
    public async Task With_a_metrics_port_and_token_metrics_answer_only_on_that_port_and_only_with_the_token()
    {
        // The public port answers 404 even with the right token.
        Assert.Equal(HttpStatusCode.NotFound, await ScrapeAsync(_guarded.BaseAddress, Token));

        // The host listens on the metrics port as well (all interfaces), where the token is still required.
        Assert.Contains(_guarded.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses,
            a => new Uri(a.Replace("*", "localhost", StringComparison.Ordinal).Replace("[::]", "localhost", StringComparison.Ordinal)).Port == _metricsPort);
        var metricsAddress = new Uri($"http://127.0.0.1:{_metricsPort}");
        Assert.Equal(HttpStatusCode.Unauthorized, await ScrapeAsync(metricsAddress, token: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await ScrapeAsync(metricsAddress, "metrics-access-token-0123456788"));
        Assert.Equal(HttpStatusCode.OK, await ScrapeAsync(metricsAddress, Token));
    }

    [Theory]
    [InlineData("Telemetry:MetricsPort", "70000", "Telemetry:MetricsPort")]
    [InlineData("Telemetry:MetricsPort", "metrics", "Telemetry:MetricsPort")]
    [InlineData("Telemetry:MetricsToken", "short", "Telemetry:MetricsToken")]
    public void Invalid_metrics_settings_stop_the_start_naming_the_setting(string key, string value, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => CivicContractingWebApp.Build(TestHosts.WebArgs((key, value))));
        Assert.Contains(expected, string.Join(" ", error.Failures), StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> ScrapeAsync(Uri address, string? token)
    {
        using var client = new HttpClient { BaseAddress = address };
        using var request = new HttpRequestMessage(HttpMethod.Get, MetricsAccessPath);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.OK)
            Assert.Contains("# TYPE", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        return response.StatusCode;
    }

    private const string MetricsAccessPath = Telemetry.PrometheusPath;
}
