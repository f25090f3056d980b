namespace CivicContracting.Goals;

[GenerateSerializer, Alias("cc.GoalState.v1")]
public sealed class GoalState
{
    [Id(0)] public GoalDefinition? Definition { get; set; }
    [Id(1)] public List<string> Lineage { get; set; } = [];
    [Id(2)] public List<string> Children { get; set; } = [];
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The current version's number (0 in states stored before versions: version 1).</summary>
    [Id(4)] public int Version { get; set; }

    /// <summary>The versions the current one replaced, oldest first.</summary>
    [Id(5)] public List<GoalVersion> EarlierVersions { get; set; } = [];

    /// <summary>When the current version was made by a revision; null for version 1 (then it is <see cref="CreatedAt"/>).</summary>
    [Id(6)] public DateTimeOffset? RevisedAt { get; set; }

    /// <summary>Who made the current version (for version 1: who defined the goal, when recorded).</summary>
    [Id(7)] public string? RevisedBy { get; set; }

    /// <summary>The reason given for the current version's revision.</summary>
    [Id(8)] public string? RevisionNote { get; set; }
}
