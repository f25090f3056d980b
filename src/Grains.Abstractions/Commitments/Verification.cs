namespace CivicContracting.Commitments;

/// <summary>
/// How far a result claim (a progress report with a value, or a completed action) is backed, weakest to strongest.
/// A claim only ever moves up.
/// </summary>
public enum VerificationTier
{
    /// <summary>Reported by the participant (or someone acting for them): the default of every claim.</summary>
    SelfDeclared = 0,

    /// <summary>Confirmed by a counterparty or a peer: a participant other than the one who made the commitment.</summary>
    PeerConfirmed = 1,

    /// <summary>Verified by the support team (a coach or an administrator), with a note of how.</summary>
    Verified = 2,
}
