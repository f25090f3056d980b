using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CivicContracting.Silo.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CivicContracting.Silo.Tests.Storage;

/// <summary>A folder under the system temp folder that is removed again, SQLite pools included.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "civic-silo-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still held open must not fail the test that already ran.
        }
    }
}

/// <summary>
/// A real silo host built the way the production hosts build theirs (<see cref="SiloHosting.AddCivicContractingSilo"/>
/// with configuration), on free loopback ports, with the temp folder as content root.
/// </summary>
public static class TestSilo
{
    public static IHost Build(string contentRoot, IDictionary<string, string?> settings, ILoggerProvider? logs = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = contentRoot,
            EnvironmentName = Environments.Development,
            DisableDefaults = true,
        });
        var all = new Dictionary<string, string?>
        {
            // These tests watch the storage; the Leuven demo seed would only add noise.
            ["Demo:Seed"] = "false",
            ["Orleans:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings)
            all[key] = value;
        builder.Configuration.AddInMemoryCollection(all);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (logs is not null)
            builder.Logging.AddProvider(logs);
        // Before the silo's own registrations, which only add what is missing (e.g. the clock).
        services?.Invoke(builder.Services);
        builder.UseOrleans(silo => silo.AddCivicContractingSilo(builder.Configuration));
        return builder.Build();
    }

    public static IHost BuildSqlite(string dataDirectory, ILoggerProvider? logs = null) => Build(dataDirectory, new Dictionary<string, string?>
    {
        ["Storage:Profile"] = "Sqlite",
        ["Storage:DataDirectory"] = dataDirectory,
    }, logs);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Keeps every warning (and worse) logged in a test host, to assert on what the runtime complained about.</summary>
public sealed class CapturedWarnings : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Category, int EventId, string Message)> _entries = new();

    public IReadOnlyCollection<(string Category, int EventId, string Message)> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedWarnings owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                owner._entries.Enqueue((category, eventId.Id, formatter(state, exception)));
        }
    }
}
