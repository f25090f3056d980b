using CivicContracting.Hosting;
using CivicContracting.Validation;

namespace CivicContracting.Sessions;

/// <summary>
/// Co-creation sessions number in the hundreds a year per city, so one directory grain lists them all, newest first.
/// Each session registers its own line (session → directory); the directory calls nobody.
/// </summary>
public sealed class CoCreationSessionDirectoryGrain(
    [PersistentState("coCreationSessionDirectory", GrainStorage.Name)] IPersistentState<CoCreationSessionDirectoryState> state)
    : Grain, ICoCreationSessionDirectoryGrain
{
    /// <summary>A bound on the directory's state: decades of sessions for one city.</summary>
    public const int MaxSessions = 50_000;

    /// <summary>The most lines one <see cref="List"/> call returns.</summary>
    public const int MaxPageSize = 100;

    /// <summary>The lines newest first, kept in memory between changes.</summary>
    private List<CoCreationSessionListing>? _newestFirst;

    public async Task Register(CoCreationSessionListing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentException.ThrowIfNullOrWhiteSpace(listing.Id);
        if (state.State.Sessions.TryGetValue(listing.Id, out var existing) && Same(existing, listing))
            return;
        if (existing is null && state.State.Sessions.Count >= MaxSessions)
            throw new StateConflictException($"The session directory has reached its limit of {MaxSessions} sessions.");
        state.State.Sessions[listing.Id] = listing;
        _newestFirst = null;
        await state.WriteStateAsync();
    }

    public Task<CoCreationSessionPage> List(int skip, int take, DateTimeOffset? startedBy = null)
    {
        _newestFirst ??= [.. state.State.Sessions.Values.OrderByDescending(s => s.StartsAt).ThenBy(s => s.Id, StringComparer.Ordinal)];
        IEnumerable<CoCreationSessionListing> matching = _newestFirst;
        var total = _newestFirst.Count;
        if (startedBy is { } at)
        {
            // Newest first, so the sessions that started by then are a tail of the list.
            var first = _newestFirst.FindIndex(s => s.StartsAt <= at);
            matching = first < 0 ? [] : _newestFirst.Skip(first);
            total = first < 0 ? 0 : _newestFirst.Count - first;
        }
        var page = matching.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 0, MaxPageSize)).ToList();
        return Task.FromResult(new CoCreationSessionPage(page, total));
    }

    private static bool Same(CoCreationSessionListing a, CoCreationSessionListing b) =>
        a with { GoalIds = b.GoalIds } == b && a.GoalIds.SequenceEqual(b.GoalIds, StringComparer.Ordinal);
}
