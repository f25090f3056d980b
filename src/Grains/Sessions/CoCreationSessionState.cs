namespace CivicContracting.Sessions;

[GenerateSerializer, Alias("cc.CoCreationSessionState.v1")]
public sealed class CoCreationSessionState
{
    [Id(0)] public CoCreationSessionDetails? Details { get; set; }
    [Id(1)] public List<CoCreationSessionLinkEntry> Links { get; set; } = [];
    [Id(2)] public DateTimeOffset RecordedAt { get; set; }
    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(4)] public long Version { get; set; }
}
