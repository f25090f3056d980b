using CivicContracting.Participants;

namespace CivicContracting.Commitments;

/// <summary>
/// What a commitment stores: its terms, versions and lifecycle here, and one sub-state per concern (confirmation and
/// conditions, reports, coaching, verification, moderation), each in its own file and written only by the grain's
/// partial file of that concern. The <c>[Id]</c>s never change meaning, so every database written by an earlier version
/// still loads (tests/Web.Tests/Compatibility): 8–13, 19–24, 26–31, 33–35 and 37–47 hold the layout stored before the
/// sub-states (CommitmentState.Earlier.cs), 32 and 36 are retired. Never give any of them to a new field.
/// </summary>
/// <remarks>
/// Fields at their type's default are not written (<see cref="OmitDefaultMemberValuesAttribute"/>), so the cleared fields
/// of the earlier layout cost nothing; an omitted field reads back as the constructor sets it, so a value-type field here
/// must not be initialised to anything but its default.
/// </remarks>
[GenerateSerializer, OmitDefaultMemberValues, Alias("cc.CommitmentState.v1")]
public sealed partial class CommitmentState
{
    [Id(0)] public CommitmentDraft? Draft { get; set; }
    [Id(1)] public ParticipantKind ParticipantKind { get; set; }
    [Id(2)] public List<ScopeWeight> Scopes { get; set; } = [];
    [Id(3)] public CommitmentTerms? Terms { get; set; }
    [Id(4)] public int TermsVersion { get; set; }
    [Id(5)] public DateTimeOffset? TermsValidFrom { get; set; }
    [Id(6)] public List<TermsVersion> EarlierVersions { get; set; } = [];
    [Id(7)] public CommitmentStatus Status { get; set; }
    [Id(14)] public string? WithdrawalReason { get; set; }
    [Id(15)] public DateTimeOffset CreatedAt { get; set; }
    [Id(16)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(17)] public long Version { get; set; }

    /// <summary>The newest version known to be durable in the shard; persisted with the next write, so a restart may re-push once.</summary>
    [Id(18)] public long PushedVersion { get; set; }

    /// <summary>A template: the commitments taken up from it.</summary>
    [Id(25)] public List<string> TemplateCopies { get; set; } = [];

    // The sub-states are null in a record written before them (its layout has none of their ids) and in a state never
    // written, until MoveIntoSubStates builds them on activation; never after, so every write stores them.

    [Id(48)] public CommitmentConfirmationState Confirmation { get; set; } = null!;
    [Id(49)] public CommitmentReportsState Reports { get; set; } = null!;
    [Id(50)] public CommitmentCoachingState Coaching { get; set; } = null!;
    [Id(51)] public CommitmentVerificationState Verification { get; set; } = null!;
    [Id(52)] public CommitmentModerationState Moderation { get; set; } = null!;

    /// <summary>
    /// The participant's owner has not verified their e-mail address yet (<see cref="ParticipantProfile.AwaitsOwnerEmail"/>):
    /// the commitment is pushed as not counting until they do. Follows the participant like <see cref="ParticipantKind"/>.
    /// </summary>
    [Id(53)] public bool ParticipantAwaitsOwnerEmail { get; set; }
}
