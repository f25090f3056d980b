using CivicContracting.Validation;

namespace CivicContracting.Commitments;

/// <summary>
/// A draft's participant asks the support team for help (<see cref="ICommitmentHelpGrain"/>). The request is part of the
/// commitment's state and of the <see cref="Contribution"/> it pushes (<see cref="Contribution.HelpRequestedAt"/>), so
/// the coaches' workspace lists drafts waiting for help from the contributions, without reading every commitment. A coach
/// marks the help given; confirming or withdrawing the draft clears the request (<see cref="ClearHelpRequest"/>).
/// </summary>
public sealed partial class CommitmentGrain : ICommitmentHelpGrain
{
    public async Task<CommitmentView> RequestHelp(string message)
    {
        var errors = ModerationRules.Reason("message", message, HelpRequests.MaxMessageLength, HelpRequests.MinMessageLength);
        errors.ThrowIfAny();
        await RequireExistsAndPushed();
        message = message.Trim();
        if (S.Coaching.HelpRequestedAt is not null && S.Coaching.HelpRequest == message)
            return ToView(); // the same request, repeated
        if (S.Status != CommitmentStatus.Draft)
            throw new StateConflictException($"Commitment '{Id}' is {S.Status.ToString().ToLowerInvariant()}; help is asked for on a draft.");

        var now = clock.GetUtcNow();
        S.Coaching.HelpRequestedAt ??= now;
        S.Coaching.HelpRequest = message;
        await Commit(now);
        return ToView();
    }

    public async Task<CommitmentView> HelpGiven(string coachId)
    {
        if (string.IsNullOrWhiteSpace(coachId) || coachId.Length > ModerationRules.MaxModeratorIdLength)
            throw new InputRejectedException("coachId", $"Name the coach (1 to {ModerationRules.MaxModeratorIdLength} characters).");
        await RequireExistsAndPushed();
        if (S.Coaching.HelpRequestedAt is null)
            return ToView();
        ClearHelpRequest();
        await Commit(clock.GetUtcNow());
        return ToView();
    }

    /// <summary>In memory, for the change in progress (the caller commits): a draft confirmed or withdrawn waits for no help.</summary>
    private void ClearHelpRequest()
    {
        S.Coaching.HelpRequestedAt = null;
        S.Coaching.HelpRequest = null;
    }
}
