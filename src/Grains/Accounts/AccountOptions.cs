using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CivicContracting.Accounts;

/// <summary>Sign-in lockout and access-token limits (configuration section "Accounts").</summary>
public sealed class AccountOptions
{
    public const string SectionName = "Accounts";

    /// <summary>Failed sign-ins in a row after which an account is locked.</summary>
    [Range(1, 100)]
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long an account stays locked after <see cref="MaxFailedSignIns"/> failures.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest lifetime of a personal access token.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "730.00:00:00")]
    public TimeSpan MaxAccessTokenLifetime { get; set; } = TimeSpan.FromDays(366);

    /// <summary>How many unrevoked, unexpired access tokens one account may hold.</summary>
    [Range(1, 1_000)]
    public int MaxActiveAccessTokens { get; set; } = 20;
}

/// <summary>Checks the <see cref="AccountOptions"/> ranges, so a wrong value stops the start with a message naming the setting.</summary>
internal sealed class AccountOptionsValidator : IValidateOptions<AccountOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountOptions options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
            return ValidateOptionsResult.Success;
        return ValidateOptionsResult.Fail(results.Select(r =>
            $"{AccountOptions.SectionName}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
    }
}
