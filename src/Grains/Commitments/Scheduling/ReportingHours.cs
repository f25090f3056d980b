namespace CivicContracting.Commitments.Scheduling;

/// <summary>
/// The sweeper's map of the hours with entries (hour → level, <see cref="ReportingSchedule.Width"/>): the logic of
/// <see cref="ReportingSweeperGrain"/> without Orleans. Each method says whether the map changed (and must be written).
/// </summary>
public sealed class ReportingHours(Dictionary<long, int> levels)
{
    public int Count => levels.Count;

    /// <summary>An entry is about to be scheduled in <paramref name="hour"/>: its level, and whether the hour is new.</summary>
    public (int Level, bool Added) Note(long hour)
    {
        if (levels.TryGetValue(hour, out var level))
            return (level, false);
        levels[hour] = 0;
        return (0, true);
    }

    /// <summary>A bucket of <paramref name="hour"/> seen at <paramref name="seenLevel"/> is crowded: one level wider, once.</summary>
    public (int Level, bool Changed) Widen(long hour, int seenLevel)
    {
        if (!levels.TryGetValue(hour, out var level))
        {
            // Forgotten in between (swept empty): known again, one level above what the caller saw.
            level = Math.Min(Math.Max(seenLevel + 1, 0), ReportingSchedule.MaxLevel);
            levels[hour] = level;
            return (level, true);
        }
        if (level > seenLevel || level >= ReportingSchedule.MaxLevel)
            return (level, false);
        levels[hour] = level + 1;
        return (level + 1, true);
    }

    public int? LevelOf(long hour) => levels.TryGetValue(hour, out var level) ? level : null;

    /// <summary>The hours up to <paramref name="currentHour"/>, earliest first.</summary>
    public IReadOnlyList<(long Hour, int Level)> DueBy(long currentHour) =>
        [.. levels.Where(l => l.Key <= currentHour).OrderBy(l => l.Key).Select(l => (l.Key, l.Value))];

    public bool Forget(long hour) => levels.Remove(hour);

    public IReadOnlyList<(long Hour, int Level)> All => [.. levels.OrderBy(l => l.Key).Select(l => (l.Key, l.Value))];
}
