namespace CivicContracting.Commitments;

/// <summary>
/// A draft's participant asks the support team for help (the same activation as <see cref="ICommitmentGrain"/>). The
/// request shows in the view (<see cref="CommitmentView.HelpRequestedAt"/>, <see cref="CommitmentView.HelpRequest"/>) and
/// in the contribution (<see cref="Contribution.HelpRequestedAt"/>), from which the coaches' workspace lists drafts
/// waiting for help. A coach marks it given; confirming or withdrawing the draft clears it too.
/// </summary>
public interface ICommitmentHelpGrain : IGrainWithStringKey
{
    /// <summary>
    /// Asks for help on a draft with a message of <see cref="HelpRequests.MinMessageLength"/> to
    /// <see cref="HelpRequests.MaxMessageLength"/> characters. Only a draft (else a conflict). Asking again with the same
    /// message is a no-op; another message replaces it, and the request keeps the time it was first made.
    /// </summary>
    Task<CommitmentView> RequestHelp(string message);

    /// <summary>The support team helped (<paramref name="coachId"/>: the coach's account id): clears the request. A no-op without one.</summary>
    Task<CommitmentView> HelpGiven(string coachId);
}

public static class HelpRequests
{
    public const int MinMessageLength = 3;
    public const int MaxMessageLength = 1_000;
}
