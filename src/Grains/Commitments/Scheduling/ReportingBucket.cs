namespace CivicContracting.Commitments.Scheduling;

/// <summary>
/// The entries of one bucket of the reporting schedule (commitment id → due time) and who was told when: the logic of
/// <see cref="ReportingScheduleGrain"/> without Orleans, so its cost is tested by counting. Every operation touches one
/// entry, except <see cref="TakeDue"/>, which visits the bucket's entries (a bucket holds about
/// <see cref="ReportingSchedule.CrowdedAt"/> at most, whatever the size of the city: crowded hours are widened).
/// </summary>
public sealed class ReportingBucket(Dictionary<string, DateTimeOffset> entries)
{
    /// <summary>When each entry was last told (a monotonic millisecond reading); memory only: a new activation tells again.</summary>
    private readonly Dictionary<string, long> _toldAt = new(StringComparer.Ordinal);

    public int Count => entries.Count;

    /// <summary>Puts or moves the commitment's entry; true when that changed anything (and must be written).</summary>
    public bool Schedule(string commitmentId, DateTimeOffset dueAt)
    {
        if (entries.TryGetValue(commitmentId, out var known) && known == dueAt)
            return false;
        entries[commitmentId] = dueAt;
        _toldAt.Remove(commitmentId); // a new due time is told afresh
        return true;
    }

    /// <summary>Removes the commitment's entry if it is the one due at <paramref name="dueAt"/>; true when it did.</summary>
    public bool Remove(string commitmentId, DateTimeOffset dueAt)
    {
        if (!entries.TryGetValue(commitmentId, out var known) || known != dueAt)
            return false;
        entries.Remove(commitmentId);
        _toldAt.Remove(commitmentId);
        return true;
    }

    /// <summary>
    /// The entries due by <paramref name="now"/> that were not told within <paramref name="retellAfter"/> of
    /// <paramref name="nowMs"/> (earliest first), marked as told; and how many entries were visited to find them.
    /// </summary>
    public (IReadOnlyList<KeyValuePair<string, DateTimeOffset>> Due, int Visited) TakeDue(DateTimeOffset now, long nowMs, TimeSpan retellAfter)
    {
        List<KeyValuePair<string, DateTimeOffset>>? due = null;
        var visited = 0;
        LastRetold = 0;
        foreach (var entry in entries)
        {
            visited++;
            if (entry.Value > now)
                continue;
            if (_toldAt.TryGetValue(entry.Key, out var told))
            {
                if (nowMs - told < (long)retellAfter.TotalMilliseconds)
                    continue; // told recently: give it time to answer
                LastRetold++; // told before and still not done: the commitment did not answer (the backlog)
            }
            (due ??= []).Add(entry);
        }
        if (due is null)
            return ([], visited);
        due.Sort((a, b) => a.Value.CompareTo(b.Value) is var c && c != 0 ? c : string.CompareOrdinal(a.Key, b.Key));
        foreach (var entry in due)
            _toldAt[entry.Key] = nowMs;
        return (due, visited);
    }

    /// <summary>How many of the entries the last <see cref="TakeDue"/> returned had been told before without an answer.</summary>
    public int LastRetold { get; private set; }

    /// <summary>The entries, earliest first.</summary>
    public IEnumerable<KeyValuePair<string, DateTimeOffset>> Entries =>
        entries.OrderBy(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal);

    public DateTimeOffset? DueAtOf(string commitmentId) => entries.TryGetValue(commitmentId, out var dueAt) ? dueAt : null;
}
