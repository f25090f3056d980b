using CivicContracting.Validation;
using Microsoft.Extensions.Options;

namespace CivicContracting.Coaching;

/// <summary>
/// Coaching commitments through their phases (configuration section "Coaching", silo setting): how often a commitment is
/// expected to report, and how soon a reminder that is already due fires.
/// </summary>
public sealed class CoachingOptions
{
    public const string SectionName = "Coaching";

    /// <summary>
    /// The reporting interval of a commitment that names none (<see cref="Commitments.CommitmentDraft.ReportingInterval"/>):
    /// without a report (or confirmation) for this long, its report is due. Between 7 and 365 days.
    /// </summary>
    public TimeSpan DefaultReportingInterval { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// The soonest a commitment's reminder fires after it is scheduled when the commitment is due already (e.g. signed
    /// on paper months ago); each such reminder adds a random spread of up to this much again, so that many overdue
    /// commitments (an import) are not woken all at once. Also sets how often the reporting schedule is swept (this
    /// long, at most 30 s, at least 200 ms). 0 to 1 day.
    /// </summary>
    public TimeSpan ReminderDelay { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Checks <see cref="CoachingOptions"/>, so a wrong value stops the start with a message naming the setting.</summary>
internal sealed class CoachingOptionsValidator : IValidateOptions<CoachingOptions>
{
    private const string S = CoachingOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, CoachingOptions o)
    {
        var failures = new List<string>();
        if (o.DefaultReportingInterval < InputRules.MinReportingInterval || o.DefaultReportingInterval > InputRules.MaxReportingInterval)
            failures.Add($"{S}:DefaultReportingInterval must lie between {InputRules.MinReportingInterval:c} and {InputRules.MaxReportingInterval:c} (got {o.DefaultReportingInterval:c}).");
        if (o.ReminderDelay < TimeSpan.Zero || o.ReminderDelay > TimeSpan.FromDays(1))
            failures.Add($"{S}:ReminderDelay must lie between 00:00:00 and 1.00:00:00 (got {o.ReminderDelay:c}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
