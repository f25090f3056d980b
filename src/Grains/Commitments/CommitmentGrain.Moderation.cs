using CivicContracting.Validation;

namespace CivicContracting.Commitments;

/// <summary>
/// Moderation: a moderator hides a commitment's text or one report's note and evidence from the public, with a public
/// reason, and may show it again. Every step is appended to the commitment's log (<see cref="CommitmentModerationState.Actions"/>)
/// and written through <see cref="Commit"/> like any change, but it changes no status, terms, progress or engagement:
/// the aggregates count the commitment exactly as before. What is hidden is redacted by the web tier for the public; the
/// support team reads it all. This grain calls nobody for it; the web tier resolves the flags in the moderation queue.
/// </summary>
public sealed partial class CommitmentGrain : ICommitmentModerationGrain
{
    public Task<CommitmentView> Hide(ModerationTarget target, string? reportId, string publicReason, string moderatorId) =>
        Moderate(target, reportId, hidden: true, publicReason, moderatorId);

    public Task<CommitmentView> Unhide(ModerationTarget target, string? reportId, string publicReason, string moderatorId) =>
        Moderate(target, reportId, hidden: false, publicReason, moderatorId);

    private async Task<CommitmentView> Moderate(ModerationTarget target, string? reportId, bool hidden, string publicReason, string moderatorId)
    {
        var errors = ModerationRules.Target(target, reportId);
        ModerationRules.Reason("publicReason", publicReason, ModerationRules.MaxPublicReasonLength, into: errors);
        if (string.IsNullOrWhiteSpace(moderatorId) || moderatorId.Length > ModerationRules.MaxModeratorIdLength)
            errors.Add("moderatorId", $"Name the moderator (1 to {ModerationRules.MaxModeratorIdLength} characters).");
        errors.ThrowIfAny();
        await RequireExistsAndPushed();
        if (target == ModerationTarget.Report && await FindStored(reportId!) is null)
            throw new KeyNotFoundException($"Commitment '{Id}' has no report '{reportId}'.");

        var isHidden = ModerationRules.HiddenBy(S.Moderation.Actions, target, reportId) is not null;
        if (isHidden == hidden)
            return ToView(); // hidden already, or not hidden: nothing to do
        if (S.Moderation.Actions.Count >= ModerationRules.MaxActions)
            throw new StateConflictException($"Commitment '{Id}' has reached the limit of {ModerationRules.MaxActions} moderation steps.");

        var now = clock.GetUtcNow();
        S.Moderation.Actions.Add(new ModerationAction(target, reportId, hidden, publicReason.Trim(), moderatorId, now));
        await Commit(now);
        return ToView();
    }

    private bool TextHidden => ModerationRules.HiddenBy(S.Moderation.Actions, ModerationTarget.Text, null) is not null;
}
