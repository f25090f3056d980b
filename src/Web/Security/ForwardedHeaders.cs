using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace CivicContracting.Web.Security;

/// <summary>
/// Behind the ingress every request comes from the ingress's address. With <c>Security:TrustedProxies</c> set (the
/// ingress's addresses or networks, e.g. <c>10.0.0.0/8</c>), the client's address and scheme are taken from
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> sent by those proxies only, so the per-address rate limits
/// (sign-in, anonymous writes) and HSTS see the real client. Empty (the default): the headers are ignored, since anyone
/// could send them.
/// </summary>
public static class ForwardedHeaders
{
    public const string SettingName = SecurityOptions.SectionName + ":" + nameof(SecurityOptions.TrustedProxies);

    public static WebApplicationBuilder AddCivicContractingForwardedHeaders(this WebApplicationBuilder builder)
    {
        var trusted = builder.Configuration.GetSection(SettingName).Get<string[]>() ?? [];
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        var errors = new List<string>();
        foreach (var entry in trusted.Select(t => t.Trim()).Where(t => t.Length > 0))
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network))
                networks.Add(network);
            else if (IPAddress.TryParse(entry, out var address))
                proxies.Add(address);
            else
                errors.Add($"{SettingName}: '{entry}' is neither an IP address nor a network (e.g. 10.0.0.0/8).");
        }
        if (errors.Count > 0)
            throw new Microsoft.Extensions.Options.OptionsValidationException(SecurityOptions.SectionName, typeof(SecurityOptions), errors);
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
                o.KnownProxies.Add(proxy);
            foreach (var network in networks)
                o.KnownIPNetworks.Add(network);
        });
        return builder;
    }

    /// <summary>First in the pipeline, so that everything after it sees the client's address.</summary>
    public static WebApplication UseCivicContractingForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value is { } o
            && (o.KnownProxies.Count > 0 || o.KnownIPNetworks.Count > 0))
            app.UseForwardedHeaders();
        return app;
    }
}
