using Microsoft.Playwright;

namespace CivicContracting.Site.Tests;

/// <summary>
/// One headless Chromium for the test collection: the Debian package's /usr/bin/chromium, driven by Playwright
/// (Playwright never downloads a browser of its own here). Launched on first use, so the HTML tests run without it;
/// a missing browser fails every browser test with a message that says how to install it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private readonly Lock _gate = new();
    private Task<IBrowser>? _launch;
    private IPlaywright? _playwright;

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>A fresh context (no cookies or storage shared between tests) with one page at <paramref name="width"/>×<paramref name="height"/>, Dutch locale.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var browser = await BrowserAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "nl-BE",
            TimezoneId = "Europe/Brussels",
        });
        context.SetDefaultTimeout(15_000);
        // Only the app on the loopback interface: a request anywhere else (a tile server, a font) is refused, never sent.
        await context.RouteAsync(url => !IsLoopback(url), route => route.AbortAsync());
        return await context.NewPageAsync();
    }

    private static bool IsLoopback(string url) =>
        !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "ws" or "wss") || uri.IsLoopback;

    private Task<IBrowser> BrowserAsync()
    {
        lock (_gate)
            return _launch ??= LaunchAsync();
    }

    private async Task<IBrowser> LaunchAsync()
    {
        Assert.True(File.Exists(ExecutablePath),
            $"The browser tests need Chromium at {ExecutablePath} (Debian package 'chromium'). Install it as root with " +
            "`apt-get install chromium` (./test.sh does this when it runs as root), then run the tests again.");
        _playwright = await Playwright.CreateAsync();
        return await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
            Timeout = 60_000,
        });
    }

    public async Task DisposeAsync()
    {
        if (_launch is { IsCompletedSuccessfully: true })
            await (await _launch).DisposeAsync();
        _playwright?.Dispose();
    }
}
