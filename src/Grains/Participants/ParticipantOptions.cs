using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CivicContracting.Participants;

/// <summary>Who needs an administrator's verification before counting by kind (configuration section "Participants").</summary>
public sealed class ParticipantOptions
{
    public const string SectionName = "Participants";

    /// <summary>
    /// Comma-separated kinds (ParticipantKind names) that a person's registration leaves unverified until an administrator
    /// verifies it: shown as "niet geverifieerd", counted by kind as a generic organisation. Applies to registrations from
    /// when a kind is listed (an administrator can withdraw a verification of an earlier one). Empty: nobody.
    /// </summary>
    [MaxLength(200)]
    public string KindsNeedingVerification { get; set; } = "City,School,KnowledgeInstitution";

    /// <summary>The parsed <see cref="KindsNeedingVerification"/>; the validator has checked every name.</summary>
    public IReadOnlySet<ParticipantKind> NeedingVerification() =>
        KindsNeedingVerification.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(k => Enum.Parse<ParticipantKind>(k, ignoreCase: true)).ToHashSet();
}

/// <summary>Checks the <see cref="ParticipantOptions"/>, so a wrong kind stops the start with a message naming the setting.</summary>
internal sealed class ParticipantOptionsValidator : IValidateOptions<ParticipantOptions>
{
    public ValidateOptionsResult Validate(string? name, ParticipantOptions options)
    {
        var failures = new List<string>();
        foreach (var kind in (options.KindsNeedingVerification ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<ParticipantKind>(kind, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(kind, out _))
                failures.Add($"{ParticipantOptions.SectionName}:KindsNeedingVerification: '{kind}' is not one of {string.Join(", ", Enum.GetNames<ParticipantKind>())}.");
            else if (parsed == ParticipantKind.Resident)
                failures.Add($"{ParticipantOptions.SectionName}:KindsNeedingVerification: a resident is a person, not an organisation to verify.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
