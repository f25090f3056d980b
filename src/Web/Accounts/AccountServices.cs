using CivicContracting.Accounts;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Accounts;

public static class AccountServices
{
    /// <summary>Sign-in (sessions, access tokens, the operator token), antiforgery, the shared key ring and the account service.</summary>
    public static IServiceCollection AddCivicContractingAccounts(this IServiceCollection services, OperatorToken operatorToken)
    {
        services.AddCivicContractingAuthentication(operatorToken);
        services.AddCivicContractingAntiforgery();
        services.AddDataProtection().SetApplicationName("CivicContracting");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new GrainKeyRing(provider.GetRequiredService<IClusterClient>())));
        services.AddSingleton<IPasswordHasher<LocalAccount>, PasswordHasher<LocalAccount>>();
        services.AddSingleton<AccountService>();
        // Throttling, links and e-mail verification (section "Accounts"); the silo binds the same section and validates it
        // (GrainServices), against its own mail settings.
        services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.SectionName)
            .PostConfigure<IConfiguration>((o, configuration) =>
                o.ResolveDefaults(configuration.GetValue("Notifications:Smtp:Enabled", false), configuration.GetValue("Demo:Seed", true)));
        return services;
    }
}
