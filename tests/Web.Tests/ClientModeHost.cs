using System.Globalization;
using CivicContracting.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace CivicContracting.Web.Tests;

/// <summary>The production shape in one process: a silo in its own host (memory storage) and the web app as its Orleans client.</summary>
public sealed class ClientModeHost : IAsyncDisposable
{
    private readonly IHost _silo;

    private ClientModeHost(IHost silo, WebApplication web)
    {
        _silo = silo;
        Web = web;
    }

    public WebApplication Web { get; }

    public Uri Address => TestHosts.AddressOf(Web);

    public static async Task<ClientModeHost> StartAsync(string clusterName)
    {
        var clusterId = $"{clusterName}-{Guid.NewGuid():N}";
        var gatewayPort = TestHosts.FreePort();
        var siloBuilder = Host.CreateApplicationBuilder();
        siloBuilder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:ClusterId"] = clusterId,
            ["Orleans:SiloPort"] = TestHosts.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Storage:Profile"] = "Memory",
            ["Demo:Seed"] = "false",
        });
        siloBuilder.UseOrleans(silo => silo.AddCivicContractingSilo(siloBuilder.Configuration));
        var silo = siloBuilder.Build();
        await silo.StartAsync();
        try
        {
            var web = CivicContractingWebApp.Build(TestHosts.WebArgs(
                ("Orleans:Mode", "Client"),
                ("Orleans:ClusterId", clusterId),
                ("Orleans:Gateways", $"127.0.0.1:{gatewayPort}"),
                ("Orleans:ConnectTimeout", "00:00:30")));
            await web.StartAsync();
            return new ClientModeHost(silo, web);
        }
        catch
        {
            await silo.StopAsync();
            silo.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Web.StopAsync();
            await Web.DisposeAsync();
        }
        finally
        {
            await _silo.StopAsync();
            _silo.Dispose();
        }
    }
}
