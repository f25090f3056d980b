using CivicContracting.Commitments;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Commitments;

/// <summary>Withdrawing a commitment, saying briefly why: the one way in for POST /api/commitments/{id}/withdrawal.</summary>
public sealed class WithdrawCommitmentCommand(IClusterClient orleans, Access access)
{
    public const int MaxReasonLength = 2_000;

    /// <summary>The right to withdraw <see cref="CommitmentId"/>.</summary>
    public sealed record Permit(Actor Actor, string CommitmentId);

    /// <summary>404 if there is no such commitment, 401 if not signed in, 403 without <see cref="ParticipantRight.Withdraw"/>.</summary>
    public async Task<Permit> AuthoriseAsync(Actor actor, string commitmentId) =>
        new(actor, (await access.RequireForCommitmentAsync(actor, commitmentId, ParticipantRight.Withdraw)).Id);

    public async Task<CommitmentView> RunAsync(Permit permit, string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
            throw new InputRejectedException("reason", ApiText.WithdrawReason(MaxReasonLength));
        InputRules.CleanText("reason", reason).ThrowIfAny();
        return await orleans.GetGrain<ICommitmentGrain>(permit.CommitmentId).Withdraw(reason);
    }
}
