using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Security;

/// <summary>Checks a settings section while the app is built, so that a wrong value stops the start with a message naming its key.</summary>
internal static class SettingsValidation
{
    public static T BindAndValidate<T>(IConfiguration configuration, string sectionName)
        where T : class, new()
    {
        var settings = configuration.GetSection(sectionName).Get<T>() ?? new T();
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true))
            return settings;
        var failures = results.Select(r => $"{sectionName}:{string.Join(", ", r.MemberNames)}: {r.ErrorMessage}").ToList();
        throw new OptionsValidationException(sectionName, typeof(T), failures);
    }
}
