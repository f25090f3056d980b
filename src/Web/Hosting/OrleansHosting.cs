using System.Net;
using CivicContracting.Silo.Demo;
using CivicContracting.Silo.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CivicContracting.Web.Hosting;

/// <summary>How the web app reaches the grains (configuration "Orleans:Mode").</summary>
public enum OrleansMode
{
    /// <summary>The web app runs a silo in its own process: the one-command local run.</summary>
    CoHosted,

    /// <summary>The web app is an Orleans client of a separate silo cluster, reached through Orleans:Gateways.</summary>
    Client,
}

/// <summary>
/// The web app's Orleans settings, read from the "Orleans" section beside the silo's <see cref="ClusterSettings"/>:
/// Mode, Gateways ("host:port", a comma-separated string or an array) and ConnectTimeout.
/// </summary>
public sealed record OrleansHostingSettings(OrleansMode Mode, IReadOnlyList<IPEndPoint> Gateways, TimeSpan ConnectTimeout, ClusterSettings Cluster)
{
    public static OrleansHostingSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(ClusterSettings.SectionName);
        var failures = new List<string>();

        var modeText = section["Mode"];
        var mode = OrleansMode.CoHosted;
        if (!string.IsNullOrWhiteSpace(modeText) && !Enum.TryParse(modeText.Trim(), ignoreCase: true, out mode))
            failures.Add($"Orleans:Mode is '{modeText}'; use 'CoHosted' (the default: the web app runs the silo itself) or 'Client' (connect to the silo cluster at Orleans:Gateways).");
        if (!Enum.IsDefined(mode))
            failures.Add($"Orleans:Mode '{modeText}' is not a mode; use 'CoHosted' or 'Client'.");

        var cluster = new ClusterSettings();
        section.Bind(cluster);
        if (string.IsNullOrWhiteSpace(cluster.ClusterId) || string.IsNullOrWhiteSpace(cluster.ServiceId))
            failures.Add("Orleans:ClusterId and Orleans:ServiceId must not be empty.");

        var timeout = TimeSpan.FromSeconds(60);
        if (section["ConnectTimeout"] is { Length: > 0 } timeoutText && (!TimeSpan.TryParse(timeoutText, System.Globalization.CultureInfo.InvariantCulture, out timeout) || timeout < TimeSpan.Zero))
            failures.Add($"Orleans:ConnectTimeout '{timeoutText}' is not a time span such as 00:01:00.");

        var gateways = new List<IPEndPoint>();
        if (mode == OrleansMode.Client)
        {
            var entries = section.GetSection("Gateways").GetChildren().Select(c => c.Value).ToList();
            if (entries.Count == 0)
                entries = (section["Gateways"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(e => (string?)e).ToList();
            if (entries.Count == 0)
                failures.Add("Orleans:Mode is Client but Orleans:Gateways is empty; list the silo gateways, e.g. \"127.0.0.1:30000,10.0.0.2:30000\".");
            foreach (var entry in entries)
            {
                if (TryResolve(entry, out var endpoint, out var problem))
                    gateways.Add(endpoint);
                else
                    failures.Add($"Orleans:Gateways entry '{entry}': {problem}");
            }
        }

        if (failures.Count > 0)
            throw new OptionsValidationException(ClusterSettings.SectionName, typeof(OrleansHostingSettings), failures);
        return new OrleansHostingSettings(mode, gateways, timeout, cluster);
    }

    private static bool TryResolve(string? entry, out IPEndPoint endpoint, out string problem)
    {
        endpoint = null!;
        problem = "";
        if (string.IsNullOrWhiteSpace(entry))
        {
            problem = "empty.";
            return false;
        }
        if (IPEndPoint.TryParse(entry, out var parsed) && parsed.Port != 0)
        {
            endpoint = parsed;
            return true;
        }
        var colon = entry.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(entry[(colon + 1)..], out var port) || port is < 1 or > 65535)
        {
            problem = "expected host:port, e.g. 127.0.0.1:30000 or silo:30000.";
            return false;
        }
        try
        {
            var address = Dns.GetHostAddresses(entry[..colon]).OrderBy(a => a.AddressFamily).FirstOrDefault();
            if (address is null)
            {
                problem = $"the host '{entry[..colon]}' has no address.";
                return false;
            }
            endpoint = new IPEndPoint(address, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException exception)
        {
            problem = $"the host '{entry[..colon]}' could not be resolved ({exception.Message}).";
            return false;
        }
    }
}

public static class OrleansHosting
{
    /// <summary>Co-hosts a silo or connects to a cluster, as <see cref="OrleansHostingSettings.Mode"/> says.</summary>
    public static OrleansHostingSettings AddCivicContractingOrleans(this WebApplicationBuilder builder)
    {
        var settings = OrleansHostingSettings.Read(builder.Configuration);
        builder.Services.AddSingleton(settings);
        if (settings.Mode == OrleansMode.CoHosted)
        {
            // The co-hosted silo includes the Leuven demo seed (Demo:Seed) and simulator (Demo:Simulate).
            builder.UseOrleans(silo => silo.AddCivicContractingSilo(builder.Configuration));
            return settings;
        }

        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering([.. settings.Gateways]);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.Cluster.ClusterId;
                o.ServiceId = settings.Cluster.ServiceId;
            });
            client.UseConnectionRetryFilter<ConnectionRetry>();
            client.AddActivityPropagation();
        });
        return settings;
    }

    /// <summary>Keeps trying to reach the cluster at start for Orleans:ConnectTimeout, so web and silo can start in any order.</summary>
    private sealed class ConnectionRetry(OrleansHostingSettings settings, ILogger<ConnectionRetry> logger) : IClientConnectionRetryFilter
    {
        private readonly DateTimeOffset _giveUpAt = DateTimeOffset.UtcNow + settings.ConnectTimeout;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (DateTimeOffset.UtcNow >= _giveUpAt)
            {
                logger.LogError("Could not reach the Orleans cluster at {Gateways} within {Timeout}: {Message}", string.Join(", ", settings.Gateways), settings.ConnectTimeout, exception.Message);
                return false;
            }
            logger.LogWarning("Waiting for the Orleans cluster at {Gateways}: {Message}", string.Join(", ", settings.Gateways), exception.Message);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        }
    }
}
