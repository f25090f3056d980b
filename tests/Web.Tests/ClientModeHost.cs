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
    private readonly string _clusterId;
    private readonly int _gatewayPort;
    private readonly (string Key, string Value)[] _settings;
    private readonly List<WebApplication> _moreWebs = [];

    private ClientModeHost(IHost silo, WebApplication web, string clusterId, int gatewayPort, (string Key, string Value)[] settings)
    {
        _silo = silo;
        Web = web;
        _clusterId = clusterId;
        _gatewayPort = gatewayPort;
        _settings = settings;
    }

    public WebApplication Web { get; }

    public Uri Address => TestHosts.AddressOf(Web);

    public static async Task<ClientModeHost> StartAsync(string clusterName, params (string Key, string Value)[] settings)
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
            var web = await StartWebAsync(clusterId, gatewayPort, settings);
            return new ClientModeHost(silo, web, clusterId, gatewayPort, settings);
        }
        catch
        {
            await silo.StopAsync();
            silo.Dispose();
            throw;
        }
    }

    /// <summary>Another web host, a client of the same silo with the same settings (several web hosts behind one address).</summary>
    public async Task<WebApplication> AddWebAsync()
    {
        var web = await StartWebAsync(_clusterId, _gatewayPort, _settings);
        _moreWebs.Add(web);
        return web;
    }

    private static async Task<WebApplication> StartWebAsync(string clusterId, int gatewayPort, (string Key, string Value)[] settings)
    {
        var web = CivicContractingWebApp.Build(TestHosts.WebArgs([
            ("Orleans:Mode", "Client"),
            ("Orleans:ClusterId", clusterId),
            ("Orleans:Gateways", $"127.0.0.1:{gatewayPort}"),
            ("Orleans:ConnectTimeout", "00:00:30"),
            .. settings]));
        await web.StartAsync();
        return web;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var web in _moreWebs)
        {
            await web.StopAsync();
            await web.DisposeAsync();
        }
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
