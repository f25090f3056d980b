namespace CivicContracting.Participants;

[GenerateSerializer, Alias("cc.ParticipantState.v1")]
public sealed class ParticipantState
{
    [Id(0)] public ParticipantRegistration? Registration { get; set; }
    [Id(1)] public DateTimeOffset RegisteredAt { get; set; }
    [Id(2)] public List<string> CommitmentIds { get; set; } = [];
    [Id(3)] public DateTimeOffset? AnonymisedAt { get; set; }
}
