using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;

namespace CivicContracting.Grains.Tests;

/// <summary>Builders for valid domain input; each test uses fresh ids so tests do not see each other's data.</summary>
internal static class TestData
{
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static async Task<string> Participant(IGrainFactory grains, ParticipantKind kind = ParticipantKind.Resident, string neighbourhood = "24062W13")
    {
        var id = NewId("p");
        await grains.GetGrain<IParticipantGrain>(id).Register(new ParticipantRegistration(kind, $"Name of {id}", neighbourhood, ContactEmail: "someone@example.org"));
        return id;
    }

    public static async Task<string> Goal(IGrainFactory grains, string? parent = null, RollUpRule rollUp = RollUpRule.WeightedMeanOfCommitments)
    {
        var id = NewId("g");
        await grains.GetGrain<IGoalGrain>(id).Define(new GoalDefinition($"Goal {id}", "A goal for a test.", new GoalScope(PlaceLevel.City, []), parent, RollUp: rollUp));
        return id;
    }

    public static QuantitativeTarget Target(double baseline = 20, double target = 80) =>
        new("Trips to school on foot or by bike", "%", baseline, target, DateOnly.FromDateTime(DateTime.UtcNow.AddYears(1)));

    public static CommitmentTerms ResultTerms(double baseline = 20, double target = 80) =>
        new(CommitmentLevel.Result, "More trips on foot or by bike", "We measure every term.", Target: Target(baseline, target));

    public static CommitmentTerms ActionTerms(int milestones = 4) =>
        new(CommitmentLevel.Action, "Car-free school street", "Actions we take.",
            Milestones: [.. Enumerable.Range(1, milestones).Select(i => new Milestone($"m{i}", $"Action {i}", DateOnly.FromDateTime(DateTime.UtcNow.AddMonths(i))))]);

    public static CommitmentTerms PledgeTerms() => new(CommitmentLevel.Pledge, "We carry sustainable mobility", "Our intent.");

    public static async Task<string> ConfirmedCommitment(IGrainFactory grains, string participant, CommitmentTerms terms, string neighbourhood, params GoalWeight[] goals)
    {
        var id = NewId("c");
        var commitment = grains.GetGrain<ICommitmentGrain>(id);
        await commitment.Create(new CommitmentDraft(participant, goals, neighbourhood, terms));
        await commitment.Confirm("Test Person", CommitmentText.Hash(terms));
        return id;
    }
}
