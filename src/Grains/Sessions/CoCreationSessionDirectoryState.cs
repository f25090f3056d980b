namespace CivicContracting.Sessions;

[GenerateSerializer, Alias("cc.CoCreationSessionDirectoryState.v1")]
public sealed class CoCreationSessionDirectoryState
{
    [Id(0)] public Dictionary<string, CoCreationSessionListing> Sessions { get; set; } = new(StringComparer.Ordinal);
}
