namespace CivicContracting.Coaching;

[GenerateSerializer, Alias("cc.CoachAssignmentState.v1")]
public sealed class CoachAssignmentState
{
    /// <summary>Account id → profile.</summary>
    [Id(0)] public Dictionary<string, CoachProfile> Profiles { get; set; } = [];

    /// <summary>Participant id → its assignments, oldest first; the last is current when it has not ended.</summary>
    [Id(1)] public Dictionary<string, List<CoachAssignment>> Participants { get; set; } = [];
}
