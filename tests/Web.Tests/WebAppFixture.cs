using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using CivicContracting.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests;

/// <summary>
/// The real web app, co-hosting its silo with memory storage, served by Kestrel on a free loopback port, shared by
/// the API tests. Clients talk to it over HTTP exactly as integrators do.
/// </summary>
public class WebAppFixture : IAsyncLifetime
{
    public const string OperatorToken = "test-operator-token-0123456789";

    /// <summary>/metrics answers only with this token (Telemetry:MetricsToken); without one it is not served.</summary>
    public const string MetricsToken = "test-metrics-token-0123456789";

    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The app's services, for tests that look at a web host's own memory.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The app has not started.");

    /// <summary>Sends the operator token with every request.</summary>
    public HttpClient Operator { get; private set; } = null!;

    /// <summary>Sends no token: a member of the public.</summary>
    public HttpClient Public { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = CivicContractingWebApp.Build(TestHosts.WebArgs(
            ("Orleans:Mode", "CoHosted"),
            ("Orleans:ClusterId", $"web-tests-{Guid.NewGuid():N}"),
            ("Orleans:SiloPort", TestHosts.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Orleans:GatewayPort", TestHosts.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture))));
        await _app.StartAsync();
        BaseAddress = TestHosts.AddressOf(_app);
        Operator = TestHosts.Client(BaseAddress, OperatorToken);
        Public = TestHosts.Client(BaseAddress, token: null);
    }

    public async Task DisposeAsync()
    {
        Operator?.Dispose();
        Public?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class WebAppCollection : ICollectionFixture<WebAppFixture>
{
    public const string Name = "web app";
}

/// <summary>A second, separate app for the exactness test, so that every place's aggregate holds only that test's commitments.</summary>
public sealed class IsolatedWebAppFixture : WebAppFixture;

[CollectionDefinition(Name)]
public sealed class IsolatedWebAppCollection : ICollectionFixture<IsolatedWebAppFixture>
{
    public const string Name = "isolated web app";
}

/// <summary>A separate instance of the real app with its own settings (co-hosted silo, memory storage, free ports), for one test class.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The app's services, for tests that call a service of the web host directly or look at its memory.</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<TestApp> StartAsync(string name, params (string Key, string Value)[] settings)
    {
        var app = CivicContractingWebApp.Build(TestHosts.WebArgs([
            ("Orleans:Mode", "CoHosted"),
            ("Orleans:ClusterId", $"{name}-{Guid.NewGuid():N}"),
            ("Orleans:SiloPort", TestHosts.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Orleans:GatewayPort", TestHosts.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            .. settings]));
        await app.StartAsync();
        return new TestApp(app, TestHosts.AddressOf(app));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public static class TestHosts
{
    /// <summary>Command-line arguments for a test instance: loopback on a free port, memory storage, no demo data, a known token.</summary>
    public static string[] WebArgs(params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Storage:Profile"] = "Memory",
            ["Demo:Seed"] = "false",
            ["Api:OperatorToken"] = WebAppFixture.OperatorToken,
            ["Telemetry:MetricsToken"] = WebAppFixture.MetricsToken,
            ["Logging:LogLevel:Default"] = "Warning",
            // Many sign-ups and sign-ins from one address; the limits themselves are tested in RateLimitTests.
            ["RateLimits:SignInAttemptsPerMinute"] = "10000",
            ["RateLimits:SignInBurst"] = "10000",
            ["RateLimits:SignUpAttemptsPerMinute"] = "10000",
            ["RateLimits:SignUpBurst"] = "10000",
            ["RateLimits:AnonymousWritesPerMinute"] = "100000",
            // Tests poll the search while they wait for the index; its per-address budget is tested in SearchApiTests.
            ["Search:SearchesPerMinute"] = "100000",
            ["Search:SearchBurst"] = "100000",
        };
        foreach (var (key, value) in overrides)
            settings[key] = value;
        return [.. settings.Select(s => $"--{s.Key}={s.Value}")];
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static Uri AddressOf(WebApplication app)
    {
        // The loopback address the tests asked for, not a metrics port the app may listen on as well.
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)) ?? addresses.First();
        return new Uri(address);
    }

    public static HttpClient Client(Uri baseAddress, string? token)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
