using CivicContracting.Validation;

namespace CivicContracting.Commitments;

/// <summary>What of a commitment a moderator hides: its text (title, description, actions, metric; every version), or one progress report's note and evidence.</summary>
public enum ModerationTarget
{
    Text = 0,
    Report = 1,
}

/// <summary>
/// One moderation step in a commitment's log: hiding (<see cref="Hidden"/> true) or showing again what was hidden, with
/// the reason the public reads, by which moderator account (or "operator"), when. Hiding and showing again both append;
/// the newest step for a target says whether it is hidden now. <see cref="ReportId"/> names the report for
/// <see cref="ModerationTarget.Report"/>, null for the text.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.ModerationAction.v1")]
public sealed record ModerationAction(
    [property: Id(0)] ModerationTarget Target,
    [property: Id(1)] string? ReportId,
    [property: Id(2)] bool Hidden,
    [property: Id(3)] string PublicReason,
    [property: Id(4)] string By,
    [property: Id(5)] DateTimeOffset At);

/// <summary>
/// Moderating a commitment (the same activation as <see cref="ICommitmentGrain"/>). Hiding changes only what the public
/// sees: the commitment keeps its engagement, progress and place in every aggregate, and the hidden content stays in its
/// history for the support team. The web tier redacts what is hidden before the public reads it.
/// </summary>
public interface ICommitmentModerationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Hides the text (<paramref name="reportId"/> null) or one report's note and evidence, with a public reason of
    /// <see cref="ModerationRules.MinReasonLength"/> to <see cref="ModerationRules.MaxPublicReasonLength"/> characters.
    /// Hiding what is hidden is a no-op. An unknown commitment or report: <see cref="KeyNotFoundException"/>.
    /// </summary>
    Task<CommitmentView> Hide(ModerationTarget target, string? reportId, string publicReason, string moderatorId);

    /// <summary>Shows again what was hidden (the reason says why, publicly). Showing what is not hidden is a no-op.</summary>
    Task<CommitmentView> Unhide(ModerationTarget target, string? reportId, string publicReason, string moderatorId);
}

/// <summary>The rules of moderation input, checked by the API and again by the grains.</summary>
public static class ModerationRules
{
    public const int MinReasonLength = 3;
    public const int MaxPublicReasonLength = 300;
    public const int MaxFlagReasonLength = 500;
    public const int MaxModeratorIdLength = 120;

    /// <summary>The most moderation steps one commitment keeps (each hide and each unhide is one).</summary>
    public const int MaxActions = 2_000;

    /// <summary>What the public reads instead of a hidden title (the site speaks Dutch; so do the commitments' texts).</summary>
    public const string HiddenTitle = "Verborgen door moderatie";

    /// <summary>A reason of <paramref name="min"/> to <paramref name="max"/> characters, not blank, without control characters (but line breaks).</summary>
    public static InputRules.Errors Reason(string field, string? reason, int max, int min = MinReasonLength, InputRules.Errors? into = null)
    {
        var errors = into ?? new InputRules.Errors();
        var before = errors.Count;
        errors.Text(field, reason, max);
        if (errors.Count == before && reason!.Trim().Length < min)
            errors.Add(field, RuleText.AtLeastCharacters(min));
        return errors;
    }

    /// <summary>The target with its report id: a report needs one, the text has none.</summary>
    public static InputRules.Errors Target(ModerationTarget target, string? reportId)
    {
        var errors = new InputRules.Errors();
        errors.Enum("target", target);
        if (target == ModerationTarget.Report && string.IsNullOrWhiteSpace(reportId))
            errors.Add("reportId", RuleText.ModerationReportIdRequired);
        else if (target == ModerationTarget.Text && reportId is not null)
            errors.Add("reportId", RuleText.ModerationReportIdOnlyForReport);
        return errors;
    }

    /// <summary>The newest step for the target in <paramref name="log"/> if it hides it (so it is hidden now), else null.</summary>
    public static ModerationAction? HiddenBy(IReadOnlyList<ModerationAction>? log, ModerationTarget target, string? reportId)
    {
        if (log is null)
            return null;
        for (var i = log.Count - 1; i >= 0; i--)
        {
            var step = log[i];
            if (step.Target == target && string.Equals(step.ReportId, reportId, StringComparison.Ordinal))
                return step.Hidden ? step : null;
        }
        return null;
    }

    /// <summary>The step that hid the commitment's text, if its text is hidden now.</summary>
    public static ModerationAction? TextHiddenBy(this CommitmentView view) => HiddenBy(view.Moderation, ModerationTarget.Text, null);

    /// <summary>The step that hid the report, if it is hidden now.</summary>
    public static ModerationAction? ReportHiddenBy(this CommitmentView view, string reportId) => HiddenBy(view.Moderation, ModerationTarget.Report, reportId);
}
