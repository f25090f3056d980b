using CivicContracting.Validation;

namespace CivicContracting.Web.Api;

/// <summary>Resource ids: given by the client (so a retried create is idempotent) or generated here.</summary>
public static class ApiIds
{
    public static string New(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>The shape every id has (<see cref="InputRules.MaxIdLength"/> letters, digits, '-', '_' or '.'); other route values name nothing.</summary>
    public static bool IsWellFormed(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= InputRules.MaxIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Adds an error for a client-given id that is not well formed.</summary>
    public static void Check(InputRules.Errors errors, string field, string? id)
    {
        if (id is not null && !IsWellFormed(id))
            errors.Add(field, RuleText.IdFormat(InputRules.MaxIdLength));
    }
}
