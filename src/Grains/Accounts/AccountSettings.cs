using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CivicContracting.Accounts;

/// <summary>Binds <see cref="AccountOptions"/> the same way in the silo and the web host.</summary>
public static class AccountSettings
{
    /// <summary>Fills in the defaults that depend on the mail and demo settings (<see cref="AccountOptions.ResolveDefaults"/>).</summary>
    public static void ResolveDefaults(AccountOptions options, IConfiguration configuration) =>
        options.ResolveDefaults(configuration.GetValue("Notifications:Smtp:Enabled", false), configuration.GetValue("Demo:Seed", true));
}

/// <summary>Checks the <see cref="AccountOptions"/> ranges, so a wrong value stops the start with a message naming the setting.</summary>
internal sealed class AccountOptionsValidator : IValidateOptions<AccountOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var failures = results.Select(r => $"{AccountOptions.SectionName}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}").ToList();
        if (options.SignInDelay > options.MaxSignInDelay)
            failures.Add($"{AccountOptions.SectionName}:SignInDelay ({options.SignInDelay}) must not exceed {AccountOptions.SectionName}:MaxSignInDelay ({options.MaxSignInDelay}).");
        if (!Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            failures.Add($"{AccountOptions.SectionName}:PublicUrl '{options.PublicUrl}' must be the site's absolute http(s) address, e.g. https://leuven2030.be.");
        if (options.RequireEmailVerification == true && options.MailEnabled == false)
            failures.Add($"{AccountOptions.SectionName}:RequireEmailVerification is true but Notifications:Smtp:Enabled is false: nobody could receive the link to finish a sign-up. Turn mail on, or verification off.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
