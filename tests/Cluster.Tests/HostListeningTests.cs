using System.Net;
using System.Net.Sockets;

namespace CivicContracting.Cluster.Tests;

/// <summary>
/// The hosts as processes, started the way operators and containers start them: the standard ASPNETCORE_URLS and
/// ASPNETCORE_HTTP_PORTS decide where they listen (appsettings.json no longer pins Urls), and a silo port that another
/// process holds stops the start with one line that names the port and the setting, not a stack trace.
/// </summary>
public sealed class HostListeningTests
{
    private static readonly TimeSpan StartWithin = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_web_host_listens_where_ASPNETCORE_URLS_says_and_names_no_server()
    {
        var port = FreePort();
        using var web = ChildProcess.Start("web", ClusterFixture.WebDll, CoHosted(new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" }));
        using var response = await HealthAsync(web, new Uri($"http://127.0.0.1:{port}"));
        Assert.False(response.Headers.Contains("Server"), "Server: " + string.Join(",", response.Headers.Server));
    }

    [Fact]
    public async Task The_silo_listens_where_ASPNETCORE_HTTP_PORTS_says()
    {
        var port = FreePort();
        using var silo = ChildProcess.Start("silo", ClusterFixture.SiloDll, CoHosted(new() { ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        using var _ = await HealthAsync(silo, new Uri($"http://127.0.0.1:{port}"));
    }

    [Theory]
    [InlineData("web", "Orleans__SiloPort", "Orleans:SiloPort")]
    [InlineData("web", "Orleans__GatewayPort", "Orleans:GatewayPort")]
    [InlineData("silo", "Orleans__SiloPort", "Orleans:SiloPort")]
    public async Task A_silo_port_held_by_another_process_stops_the_start_with_one_line_naming_port_and_setting(string host, string variable, string setting)
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        var environment = CoHosted(new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}" });
        environment[variable] = taken.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var process = ChildProcess.Start(host, host == "web" ? ClusterFixture.WebDll : ClusterFixture.SiloDll, environment);
        var exit = await process.WaitForExitAsync(StartWithin);

        var output = process.Output();
        Assert.True(exit == 4, $"exit code {exit}:\n{output}");
        var line = Assert.Single(output.Split('\n'), l => l.Contains("cannot start", StringComparison.Ordinal));
        Assert.Contains($"port {taken} ({setting}) is already in use", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
    }

    /// <summary>A process of its own: memory storage, no demo, its own cluster id and free silo ports.</summary>
    private static Dictionary<string, string> CoHosted(Dictionary<string, string> settings)
    {
        settings.TryAdd("Storage__Profile", "Memory");
        settings.TryAdd("Demo__Seed", "false");
        settings.TryAdd("Orleans__ClusterId", "listening-" + Guid.NewGuid().ToString("N"));
        settings.TryAdd("Orleans__SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        settings.TryAdd("Orleans__GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        return settings;
    }

    /// <summary>Waits until /health/live answers 200 at <paramref name="address"/>; fails with the process's output otherwise.</summary>
    private static async Task<HttpResponseMessage> HealthAsync(ChildProcess process, Uri address)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        var response = await Eventually.Value(
            async () =>
            {
                try
                {
                    return await http.GetAsync("/health/live");
                }
                catch (HttpRequestException)
                {
                    return null;
                }
                catch (TaskCanceledException)
                {
                    return null;
                }
            },
            r => r?.StatusCode == HttpStatusCode.OK || process.HasExited,
            StartWithin);
        Assert.True(response?.StatusCode == HttpStatusCode.OK, $"{process.Name} did not answer on {address}:\n{process.Output()}");
        return response!;
    }

    private static int FreePort() => ClusterFixture.FreePort();
}
