using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CivicContracting.Silo.Demo;

public static class DemoServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Leuven demo seed and simulator (configuration section "Demo", see <see cref="DemoOptions"/>).
    /// Call it on a silo's services: the work starts once the silo is active and talks to grains only through
    /// <see cref="IGrainFactory"/>.
    /// </summary>
    public static IServiceCollection AddCivicContractingDemo(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DemoOptions>()
            .Bind(configuration.GetSection(DemoOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DemoSeeder>();
        services.TryAddSingleton<DemoSimulator>();
        if (!services.Any(d => d.ServiceType == typeof(DemoRunner)))
        {
            services.AddSingleton<DemoRunner>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DemoRunner>());
        }
        return services;
    }
}
