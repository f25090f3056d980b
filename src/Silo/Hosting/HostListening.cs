using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace CivicContracting.Silo.Hosting;

/// <summary>
/// Where a host's HTTP server listens, the same way for the silo and the web host.
/// <list type="bullet">
/// <item>The standard settings decide: <c>ASPNETCORE_URLS</c> / <c>--urls</c> / <c>Urls</c>, <c>ASPNETCORE_HTTP_PORTS</c>,
/// <c>ASPNETCORE_HTTPS_PORTS</c> or <c>Kestrel:Endpoints</c>. Only when none of them is set does the host's own default
/// apply (the web host <c>http://127.0.0.1:5000</c>, the silo <c>http://localhost:5190</c>). The defaults are code, not
/// appsettings.json: a <c>Urls</c> there would override <c>ASPNETCORE_URLS</c> and <c>ASPNETCORE_HTTP_PORTS</c> silently.</item>
/// <item>With <c>Telemetry:MetricsPort</c> set, the host also listens on that port (all interfaces), where alone
/// <c>/metrics</c> is served (<see cref="MetricsAccess"/>).</item>
/// <item>No <c>Server: Kestrel</c> header: it tells an attacker what runs here and nobody else needs it.</item>
/// </list>
/// </summary>
public static class HostListening
{
    public const string UrlsKey = "urls";
    public const string HttpPortsKey = "http_ports";
    public const string HttpsPortsKey = "https_ports";

    public static WebApplicationBuilder ListenAsConfigured(this WebApplicationBuilder builder, string defaultUrls)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultUrls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        var configuration = builder.Configuration;
        var urls = configuration[UrlsKey];
        var httpPorts = configuration[HttpPortsKey];
        var configured = !string.IsNullOrWhiteSpace(urls) || !string.IsNullOrWhiteSpace(httpPorts)
            || !string.IsNullOrWhiteSpace(configuration[HttpsPortsKey]) || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        if (!configured)
            urls = defaultUrls;

        if (MetricsAccess.Read(configuration).Port is { } metricsPort)
        {
            var port = metricsPort.ToString(CultureInfo.InvariantCulture);
            // URLS wins over HTTP_PORTS in Kestrel, so the metrics port goes where the host's own addresses come from.
            if (!string.IsNullOrWhiteSpace(urls))
                urls += ";http://*:" + port;
            else
                httpPorts = string.IsNullOrWhiteSpace(httpPorts) ? port : httpPorts + ";" + port;
            if (string.IsNullOrWhiteSpace(urls))
                builder.WebHost.UseSetting(HttpPortsKey, httpPorts);
        }
        if (!string.IsNullOrWhiteSpace(urls) && urls != configuration[UrlsKey])
            builder.WebHost.UseUrls(urls);
        return builder;
    }
}
