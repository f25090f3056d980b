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

/// <summary>
/// What anyone may read about a participant. <see cref="Unverified"/>: an organisation of a kind that needs verification
/// (<c>Participants:KindsNeedingVerification</c>), registered by a person and not (or no longer) verified by an
/// administrator: shown as "niet geverifieerd", and counted by kind only as a generic organisation
/// (<see cref="ParticipantVerification.CountedKind"/>). <see cref="VerifiedAt"/>: when it was verified (or registered by the platform).
/// <see cref="AwaitsOwnerEmail"/>: registered by a person whose e-mail address was not verified yet, where
/// <c>Accounts:RequireEmailVerification</c> is on; its commitments count in the public figures only once it is
/// (<see cref="ParticipantVerification.CountsPublicly"/>), so one person cannot inflate them with throw-away accounts.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.ParticipantProfile.v1")]
public sealed record ParticipantProfile(
    [property: Id(0)] string Id,
    [property: Id(1)] ParticipantKind Kind,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string NeighbourhoodCode,
    [property: Id(4)] DateTimeOffset RegisteredAt,
    [property: Id(5)] IReadOnlyList<string> CommitmentIds,
    [property: Id(6)] bool Unverified = false,
    [property: Id(7)] DateTimeOffset? VerifiedAt = null,
    [property: Id(8)] bool AwaitsOwnerEmail = false);

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

    /// <summary>
    /// A person's registration (not the platform's): like <see cref="Register"/>, but an organisation of a kind that needs
    /// verification stays <see cref="ParticipantProfile.Unverified"/> until an administrator verifies it, and a public
    /// name that imitates a verified participant's (<see cref="ParticipantNames.Skeleton"/>) is refused, naming "name".
    /// <see cref="Register"/> is the platform's (operator, administrators, imports, demo data): trusted, verified at once.
    /// </summary>
    Task<ParticipantProfile> RegisterUnverified(ParticipantRegistration registration);

    /// <summary>
    /// A person's registration (<see cref="RegisterUnverified"/>) that also records whether the person's e-mail address is
    /// verified: when not (<paramref name="ownerEmailVerified"/> false), the participant <see cref="ParticipantProfile.AwaitsOwnerEmail"/>
    /// until <see cref="ConfirmOwnerEmail"/>. Repeating the same registration is a no-op and leaves the mark as it is.
    /// </summary>
    Task<ParticipantProfile> RegisterForPerson(ParticipantRegistration registration, bool ownerEmailVerified);

    /// <summary>
    /// The owner verified their e-mail address: the participant's commitments may count publicly. The caller then tells
    /// them (<see cref="Commitments.ICommitmentGrain.RefreshParticipantKind"/>). Repeating it is a no-op.
    /// </summary>
    Task<ParticipantProfile> ConfirmOwnerEmail();

    /// <summary>
    /// An administrator verifies the organisation (<paramref name="verified"/>) or withdraws the verification. Its name is
    /// protected while it is verified. The caller then tells the participant's commitments
    /// (<see cref="Commitments.ICommitmentGrain.RefreshParticipantKind"/>), so the aggregates follow. Repeating it is a no-op.
    /// </summary>
    Task<ParticipantProfile> SetVerified(bool verified);

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

/// <summary>How verification decides what a participant counts as in the public figures by kind.</summary>
public static class ParticipantVerification
{
    /// <summary>
    /// The kind a participant's commitments count under: its own, or, while it is unverified, the generic
    /// <see cref="ParticipantKind.Organisation"/> (it still counts as a participant, but adds no kind it has not proved).
    /// </summary>
    public static ParticipantKind CountedKind(this ParticipantProfile profile) =>
        profile.Unverified ? ParticipantKind.Organisation : profile.Kind;

    /// <summary>Whether the participant's commitments count in the public figures: not while its owner's e-mail address awaits verification.</summary>
    public static bool CountsPublicly(this ParticipantProfile profile) => !profile.AwaitsOwnerEmail;
}

/// <summary>
/// The registry of verified participants' public names (key: the name's <see cref="ParticipantNames.Skeleton"/>), so a
/// registration is checked against them with one call instead of a scan. Written by the participant grains; calls nobody.
/// </summary>
public interface IVerifiedNameGrain : IGrainWithStringKey
{
    /// <summary>The verified participant holding this name, or null.</summary>
    Task<string?> GetHolder();

    /// <summary>Claims the name for <paramref name="participantId"/> if nobody holds it; returns the holder.</summary>
    Task<string> Claim(string participantId);

    /// <summary>Frees the name if <paramref name="participantId"/> holds it.</summary>
    Task Release(string participantId);
}
