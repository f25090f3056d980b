namespace CivicContracting.Participants;

/// <summary>The kinds of party that take part; the spread of kinds is what makes the oil stain "colourful".</summary>
public enum ParticipantKind
{
    Resident = 0,
    School = 1,
    Business = 2,
    Organisation = 3,
    City = 4,
    KnowledgeInstitution = 5,
}

/// <summary>What a participant gives when registering. Name and contact data are private; residents appear under a pseudonym unless they opt in.</summary>
[GenerateSerializer, Immutable, Alias("cc.ParticipantRegistration.v1")]
public sealed record ParticipantRegistration(
    [property: Id(0)] ParticipantKind Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] string NeighbourhoodCode,
    [property: Id(3)] string? Pseudonym = null,
    [property: Id(4)] bool ShowNamePublicly = false,
    [property: Id(5)] string? ContactEmail = null,
    [property: Id(6)] string? ContactPhone = null);

/// <summary>What anyone may read about a participant.</summary>
[GenerateSerializer, Immutable, Alias("cc.ParticipantProfile.v1")]
public sealed record ParticipantProfile(
    [property: Id(0)] string Id,
    [property: Id(1)] ParticipantKind Kind,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string NeighbourhoodCode,
    [property: Id(4)] DateTimeOffset RegisteredAt,
    [property: Id(5)] IReadOnlyList<string> CommitmentIds);

/// <summary>Private data: only operators (and later the participant and the support team) may read it.</summary>
[GenerateSerializer, Immutable, Alias("cc.ParticipantPrivateDetails.v1")]
public sealed record ParticipantPrivateDetails(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? ContactEmail,
    [property: Id(3)] string? ContactPhone);

public interface IParticipantGrain : IGrainWithStringKey
{
    /// <summary>Registers the participant; repeating the same registration is a no-op, a different one is rejected.</summary>
    Task<ParticipantProfile> Register(ParticipantRegistration registration);

    Task<ParticipantProfile?> GetProfile();

    Task<ParticipantPrivateDetails?> GetPrivateDetails();

    /// <summary>Called by a commitment grain when it is created for this participant.</summary>
    Task AddCommitment(string commitmentId);

    /// <summary>
    /// Adds several commitments to the participant's list in one write (an operator import adds a participant's
    /// imported commitments once they are stored); ids listed already are skipped, and nothing is written when all are.
    /// </summary>
    Task AddCommitments(IReadOnlyList<string> commitmentIds);

    /// <summary>
    /// Erases the name, pseudonym and contact data (the person deleted their account): the public profile becomes
    /// anonymous. Kind, neighbourhood and commitments stay, so no aggregate changes. Repeating it is a no-op.
    /// </summary>
    Task<ParticipantProfile> Anonymise();
}
