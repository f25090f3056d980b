using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Silo.Demo;
using CivicContracting.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Site.Tests;

/// <summary>
/// The real app as `dotnet run --project src/Web` starts it: a co-hosted silo on the embedded SQLite store (in a
/// temporary folder) with the Leuven demo data seeded, served by Kestrel on a free loopback port. The fixture is
/// ready once the seed is done and the city's aggregate counts all 300 demo commitments.
/// </summary>
public partial class SiteAppFixture : IAsyncLifetime
{
    private readonly bool _seedDemo;
    private readonly IReadOnlyDictionary<string, string> _extraSettings;

    public SiteAppFixture()
        : this(seedDemo: true, new Dictionary<string, string>())
    {
    }

    /// <summary>A variant for tests that need an app of their own (e.g. one whose calendar they move forward).</summary>
    protected SiteAppFixture(bool seedDemo, IReadOnlyDictionary<string, string> extraSettings)
    {
        _seedDemo = seedDemo;
        _extraSettings = extraSettings;
    }

    public const string OperatorToken = "site-tests-operator-token-0123456789";
    public const int DemoCommitments = 300;
    public const string City = "24062";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"civic-site-tests-{Guid.NewGuid():N}");
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Sends the operator token with every request.</summary>
    public HttpClient Operator { get; private set; } = null!;

    /// <summary>Sends no token: a member of the public, as a browser is.</summary>
    public HttpClient Public { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDirectory);
        var settings = new Dictionary<string, string>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Storage:Profile"] = "Sqlite",
            ["Storage:DataDirectory"] = _dataDirectory,
            ["Demo:Seed"] = _seedDemo ? "true" : "false",
            ["Demo:Simulate"] = "false",
            ["Api:OperatorToken"] = OperatorToken,
            // Several browser tests sign people up from one address within a minute; the limit itself is tested in Web.Tests.
            ["RateLimits:SignInAttemptsPerMinute"] = "1000",
            ["RateLimits:SignInBurst"] = "1000",
            ["RateLimits:SignUpAttemptsPerMinute"] = "1000",
            ["RateLimits:SignUpBurst"] = "1000",
            ["Orleans:Mode"] = "CoHosted",
            ["Orleans:ClusterId"] = $"site-tests-{Guid.NewGuid():N}",
            ["Orleans:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            ["Logging:LogLevel:CivicContracting"] = "Warning",
        };
        foreach (var (key, value) in _extraSettings)
            settings[key] = value;
        _app = CivicContractingWebApp.Build([.. settings.Select(s => $"--{s.Key}={s.Value}")]);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Operator = Client(OperatorToken);
        Public = Client(token: null);

        if (!_seedDemo)
            return;
        var seed = await _app.Services.GetRequiredService<DemoRunner>().Seeded.WaitAsync(TimeSpan.FromMinutes(3));
        if (seed is null || seed.CommitmentsCreated != DemoCommitments)
            throw new InvalidOperationException($"The Leuven demo data was not seeded as expected: {seed?.ToString() ?? "no seed result"}.");

        // The city's aggregate is fed asynchronously (shards publish every 50 ms): wait until it counts every demo commitment.
        await Eventually.Value(async () => (await GetJsonAsync(Public, $"/api/places/{City}"))["engagement"]!["totals"]!["commitments"]!.GetValue<int>(),
            counted => counted == DemoCommitments, TimeSpan.FromSeconds(60), $"the city's aggregate counting all {DemoCommitments} demo commitments after the seed");

        // The pages read this host's own copy of the data, refreshed from the grains every few seconds: wait (bounded, and
        // without failing here: the page tests say what is wrong) until the home page's city figure is the API's.
        var engaged = (await GetJsonAsync(Public, $"/api/places/{City}"))["engagement"]!["totals"]!["engagedCommitments"]!.GetValue<int>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && await HomePageCityFigureAsync() != engaged)
            await Task.Delay(200);
    }

    private async Task<int?> HomePageCityFigureAsync()
    {
        using var response = await Public.GetAsync("/");
        var match = CityFigure().Match(await response.Content.ReadAsStringAsync());
        var digits = new string(match.Groups[1].Value.Where(char.IsAsciiDigit).ToArray());
        return response.IsSuccessStatusCode && digits.Length > 0 ? int.Parse(digits, CultureInfo.InvariantCulture) : null;
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
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    public Uri Url(string path) => new(BaseAddress, path);

    /// <summary>The app's services (e.g. its <see cref="CivicContracting.Hosting.CivicClock"/>).</summary>
    public IServiceProvider Services => _app!.Services;

    public HttpClient Client(string? token)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16, AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<JsonNode> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: expected 200, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode> PostJsonAsync(HttpClient client, string path, object body, HttpStatusCode expected)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"POST {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    [GeneratedRegex("""data-live-scope="place:24062"\s+data-live-field="totals\.engagedCommitments"[^>]*>([^<]*)<""")]
    private static partial Regex CityFigure();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Every test shares the one seeded app and the one browser.</summary>
[CollectionDefinition(Name)]
public sealed class SiteCollection : ICollectionFixture<SiteAppFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "public site";
}
