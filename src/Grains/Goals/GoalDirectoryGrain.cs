using CivicContracting.Hosting;

namespace CivicContracting.Goals;

/// <summary>Goals number in the hundreds per city, so one directory grain lists them all.</summary>
public sealed class GoalDirectoryGrain(
    [PersistentState("goalDirectory", GrainStorage.Name)] IPersistentState<GoalDirectoryState> state) : Grain, IGoalDirectoryGrain
{
    public async Task Register(GoalListing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentException.ThrowIfNullOrWhiteSpace(listing.Id);
        if (state.State.Goals.TryGetValue(listing.Id, out var existing) && existing == listing)
            return;
        state.State.Goals[listing.Id] = listing;
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<GoalListing>> List() =>
        Task.FromResult<IReadOnlyList<GoalListing>>([.. state.State.Goals.Values.OrderBy(g => g.CreatedAt).ThenBy(g => g.Id, StringComparer.Ordinal)]);
}
