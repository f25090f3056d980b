using CivicContracting.Web.Hosting;
using CivicContracting.Web.Security;
using Orleans.Dashboard;

namespace CivicContracting.Web.Operations;

/// <summary>
/// The Orleans Dashboard (an operator's view of the cluster: silos, grains, calls, errors) at <see cref="Path"/> on the
/// co-hosted web host, behind the operator token (Bearer, or Basic with the token as password: see
/// <see cref="DashboardAuthentication"/>). Setting <c>Operations:Dashboard</c> (default true) turns it off: the
/// dashboard adds a grain-call filter that profiles every call, which costs a few per cent of throughput.
/// In client mode (web hosts of a separate silo cluster) it is not served yet: that needs <c>AddDashboard()</c> on the
/// silos as well.
/// </summary>
public static class DashboardHosting
{
    public const string Setting = "Operations:Dashboard";
    // Declared by the security headers, which give this path its own policy and must not depend on this folder.
    public const string Path = SecurityHeaders.DashboardPath;

    public static bool IsEnabled(IConfiguration configuration, OrleansHostingSettings orleans) =>
        orleans.Mode == OrleansMode.CoHosted && configuration.GetValue(Setting, true);

    /// <summary>Adds the dashboard's grains and collectors to the co-hosted silo (the same silo builder <c>UseOrleans</c> made).</summary>
    public static WebApplicationBuilder AddCivicContractingDashboard(this WebApplicationBuilder builder, OrleansHostingSettings orleans)
    {
        if (IsEnabled(builder.Configuration, orleans))
        {
            builder.UseOrleans(silo => silo.AddDashboard());
            builder.Services.AddDashboardAuthentication();
        }
        return builder;
    }

    /// <summary>Serves the dashboard at <see cref="Path"/> for operators only.</summary>
    public static WebApplication MapCivicContractingDashboard(this WebApplication app, OrleansHostingSettings orleans)
    {
        if (IsEnabled(app.Configuration, orleans))
            app.MapOrleansDashboard(routePrefix: Path).RequireAuthorization(DashboardAuthentication.Policy);
        return app;
    }
}
