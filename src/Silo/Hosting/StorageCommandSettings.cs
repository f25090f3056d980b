using CivicContracting.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicContracting.Silo.Hosting;

/// <summary>
/// The storage settings of a one-off command (<c>migrate</c>, <c>backup</c>), read as the silo reads them (appsettings.json,
/// environment, command line) and validated by the same rules, without starting Orleans.
/// </summary>
internal static class StorageCommandSettings
{
    /// <summary>
    /// The host (for its logging) and the validated options; null options after the failures were written to standard error
    /// under <paramref name="command"/>'s name (the command then exits with 2).
    /// </summary>
    public static async Task<(IHost Host, StorageOptions? Options)> ReadAsync(string command, string[] args, LogLevel minimumLevel)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args });
        builder.Logging.SetMinimumLevel(minimumLevel);
        builder.Services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.SectionName));
        builder.Services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        var host = builder.Build();
        try
        {
            return (host, host.Services.GetRequiredService<IOptions<StorageOptions>>().Value);
        }
        catch (OptionsValidationException invalid)
        {
            await Console.Error.WriteLineAsync($"{command}: the storage configuration is invalid.");
            foreach (var failure in invalid.Failures)
                await Console.Error.WriteLineAsync($"  - {failure}");
            return (host, null);
        }
    }
}
