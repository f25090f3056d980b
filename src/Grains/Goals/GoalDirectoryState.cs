namespace CivicContracting.Goals;

[GenerateSerializer, Alias("cc.GoalDirectoryState.v1")]
public sealed class GoalDirectoryState
{
    [Id(0)] public Dictionary<string, GoalListing> Goals { get; set; } = new(StringComparer.Ordinal);
}
