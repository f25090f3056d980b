using CivicContracting.Aggregation;
using CivicContracting.Hosting;
using CivicContracting.Validation;

namespace CivicContracting.Goals;

public sealed class GoalGrain(
    [PersistentState("goal", GrainStorage.Name)] IPersistentState<GoalState> state,
    TimeProvider clock) : Grain, IGoalGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task<GoalInfo> Define(GoalDefinition definition)
    {
        InputRules.Goal(definition).ThrowIfAny();
        if (state.State.Definition is { } existing)
        {
            if (!SameDefinition(existing, definition))
                throw new StateConflictException($"Goal '{Id}' already exists with another definition.");
        }
        else
        {
            List<string> lineage = [Id];
            if (definition.ParentGoalId is { } parentId)
            {
                if (parentId == Id)
                    throw new InputRejectedException("parentGoalId", "A goal cannot be its own parent.");
                IReadOnlyList<string> parentLineage;
                try
                {
                    parentLineage = await GrainFactory.GetGrain<IGoalGrain>(parentId).GetLineage();
                }
                catch (KeyNotFoundException)
                {
                    throw new InputRejectedException("parentGoalId", $"Goal '{parentId}' does not exist.");
                }
                if (parentLineage.Contains(Id))
                    throw new InputRejectedException("parentGoalId", "That parent would make the goal tree a cycle.");
                lineage.AddRange(parentLineage);
            }
            state.State.Definition = definition;
            state.State.Lineage = lineage;
            state.State.CreatedAt = clock.GetUtcNow();
            await state.WriteStateAsync();
        }

        // Every step below is idempotent, so repeating Define after a partial failure completes the wiring.
        var def = state.State.Definition!;
        if (def.ParentGoalId is { } parent)
            await GrainFactory.GetGrain<IGoalGrain>(parent).AddChild(Id);
        await GrainFactory.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(Id))
            .Configure(new AggregateSettings(def.RollUp, def.ParentGoalId is { } p ? AggregateScope.Goal(p) : null, null));
        await GrainFactory.GetGrain<IGoalDirectoryGrain>(0)
            .Register(new GoalListing(Id, def.Title, def.ParentGoalId, def.Scope.Level, state.State.CreatedAt));
        return ToInfo();
    }

    public Task<GoalInfo?> GetInfo() => Task.FromResult(state.State.Definition is null ? null : ToInfo());

    public Task<IReadOnlyList<string>> GetLineage() => state.State.Definition is null
        ? throw new KeyNotFoundException($"Goal '{Id}' does not exist.")
        : Task.FromResult<IReadOnlyList<string>>([.. state.State.Lineage]);

    public async Task AddChild(string childGoalId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(childGoalId);
        if (state.State.Definition is null)
            throw new KeyNotFoundException($"Goal '{Id}' does not exist.");
        if (state.State.Children.Contains(childGoalId))
            return;
        state.State.Children.Add(childGoalId);
        await state.WriteStateAsync();
    }

    private GoalInfo ToInfo() =>
        new(Id, state.State.Definition!, [.. state.State.Children], [.. state.State.Lineage], state.State.CreatedAt);

    /// <summary>Records compare lists by reference, so compare the scope's codes by value.</summary>
    private static bool SameDefinition(GoalDefinition a, GoalDefinition b) =>
        a with { Scope = b.Scope } == b
        && a.Scope.Level == b.Scope.Level
        && a.Scope.PlaceCodes.SequenceEqual(b.Scope.PlaceCodes, StringComparer.OrdinalIgnoreCase);
}

[GenerateSerializer, Alias("cc.GoalState.v1")]
public sealed class GoalState
{
    [Id(0)] public GoalDefinition? Definition { get; set; }
    [Id(1)] public List<string> Lineage { get; set; } = [];
    [Id(2)] public List<string> Children { get; set; } = [];
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
}
