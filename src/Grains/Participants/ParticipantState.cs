namespace CivicContracting.Participants;

[GenerateSerializer, Alias("cc.ParticipantState.v1")]
public sealed class ParticipantState
{
    [Id(0)] public ParticipantRegistration? Registration { get; set; }
    [Id(1)] public DateTimeOffset RegisteredAt { get; set; }
    [Id(2)] public List<string> CommitmentIds { get; set; } = [];
    [Id(3)] public DateTimeOffset? AnonymisedAt { get; set; }

    /// <summary>A person registered an organisation of a kind that needs verification, and no administrator has verified it (or one withdrew it).</summary>
    [Id(4)] public bool AwaitsVerification { get; set; }

    /// <summary>When an administrator verified it, or the platform registered it; null otherwise (and for state stored before verification).</summary>
    [Id(5)] public DateTimeOffset? VerifiedAt { get; set; }

    /// <summary>A person registered it before verifying their e-mail address (where that is required); cleared once they do.</summary>
    [Id(6)] public bool AwaitsOwnerEmail { get; set; }
}
