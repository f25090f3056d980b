using CivicContracting.Web.Hosting;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CivicContracting.Web;

/// <summary>Tells whoever started the app where it serves and, for a local run, which token writes need.</summary>
public static class StartupBanner
{
    public static void Register(WebApplication app, OrleansHostingSettings orleans)
    {
        var token = app.Services.GetRequiredService<OperatorToken>();
        if (token.IsGenerated)
        {
            app.Logger.LogWarning("No Api:OperatorToken is configured, so this run generated one. Writes need 'Authorization: Bearer {OperatorToken}'", token.Value);
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
                Console.WriteLine($"Civic Contracting is serving on {address}  (public site and live map: {address}/, API index: {address}/api, OpenAPI: {address}/openapi/v1.json)");
            if (token.IsGenerated)
                Console.WriteLine($"Operator token, to bootstrap (generated for this run): {token.Value}");
            if (app.Logger.IsEnabled(LogLevel.Information))
                app.Logger.LogInformation("Serving on {Addresses}; Orleans mode {Mode}", string.Join(", ", addresses), orleans.Mode);
        });
    }
}
