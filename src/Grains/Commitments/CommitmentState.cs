using CivicContracting.Participants;

namespace CivicContracting.Commitments;

/// <summary>
/// What a commitment stores, by concern: its terms, versions and lifecycle here; confirmation and conditions, reports,
/// coaching, verification and moderation in the files beside this one, each read and written by the grain's partial file
/// of the same name. One class, so that stored state keeps its shape: the <c>[Id]</c>s never change meaning and every
/// database written by an earlier version still loads (tests/Web.Tests/Compatibility). Ids 32 and 36 are retired: never
/// give them to a new field.
/// </summary>
[GenerateSerializer, Alias("cc.CommitmentState.v1")]
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
}
