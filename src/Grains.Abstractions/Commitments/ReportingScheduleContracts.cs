namespace CivicContracting.Commitments;

/// <summary>
/// One bucket of the durable reporting schedule: the commitments whose reporting reminder is due in one hour of the
/// commitments' calendar (<see cref="ReportingSchedule.HourOf"/>), in one slot of that hour
/// (<see cref="ReportingSchedule.SlotFor"/>), as commitment id → due time. Key <see cref="ReportingSchedule.BucketKey"/>.
/// Commitments schedule and cancel their own entries (awaited); the <see cref="IReportingSweeperGrain"/> has it
/// <see cref="Fire"/>; it tells each due commitment without waiting for it
/// (<see cref="ICommitmentCoachingGrain.ReportingDue"/>), so it never waits on a commitment that may be waiting on it.
/// </summary>
public interface IReportingScheduleGrain : IGrainWithStringKey
{
    /// <summary>
    /// Puts (or moves, within this bucket) the commitment's entry; returns once durable, with the number of entries the
    /// bucket holds (the caller widens the hour when it is crowded, <see cref="ReportingSchedule.IsCrowded"/>).
    /// </summary>
    Task<int> Schedule(string commitmentId, DateTimeOffset dueAt);

    /// <summary>Removes the commitment's entry if it is due at <paramref name="dueAt"/>; returns once durable. A no-op otherwise.</summary>
    Task Cancel(string commitmentId, DateTimeOffset dueAt);

    /// <summary>
    /// The commitment has handled (or ignored as out of date) the entry due at <paramref name="dueAt"/>: it is removed.
    /// Persisted with the bucket's next write (at the latest at the next sweep): a removal that is lost only means the
    /// commitment is told once more and ignores it.
    /// </summary>
    Task Done(string commitmentId, DateTimeOffset dueAt);

    /// <summary>
    /// From the sweeper: tells every entry due by now whose commitment was not told within
    /// <see cref="ReportingSchedule.RetellAfter"/> (a lost message must not silence a commitment), persists pending
    /// removals, and returns how many it told and how many entries remain.
    /// </summary>
    Task<ReportingBucketSweep> Fire();

    /// <summary>The entries, earliest first (support and tests).</summary>
    Task<IReadOnlyList<ScheduledReport>> GetEntries();
}

/// <summary>What one bucket did in a sweep: entries it told, entries it still holds.</summary>
[GenerateSerializer, Immutable, Alias("cc.ReportingBucketSweep.v1")]
public sealed record ReportingBucketSweep([property: Id(0)] int Told, [property: Id(1)] int Remaining);

/// <summary>One entry of the reporting schedule: the commitment, when its reminder is due, and the bucket's slot.</summary>
[GenerateSerializer, Immutable, Alias("cc.ScheduledReport.v1")]
public sealed record ScheduledReport(
    [property: Id(0)] string CommitmentId,
    [property: Id(1)] DateTimeOffset DueAt,
    [property: Id(2)] int Slot);

/// <summary>
/// The reporting schedule's sweeper (one grain, key <see cref="ReportingSchedule.SweeperKey"/>). It knows which hours
/// have entries, and how many slots each hour is spread over (a small durable map, written only when an hour appears,
/// widens or is done), and every sweep has the buckets of every hour up to now <see cref="IReportingScheduleGrain.Fire"/>.
/// A keep-alive on every silo wakes it; it sweeps on a timer and when the calendar is moved. Calls go commitment →
/// sweeper, commitment → bucket, sweeper → bucket; never back (a bucket tells a commitment without waiting).
/// </summary>
public interface IReportingSweeperGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// A commitment is about to schedule an entry in <paramref name="hour"/>: the hour is known from now on (durable
    /// before this returns). Returns the hour's level (its buckets are the slots below <see cref="ReportingSchedule.Width"/>).
    /// </summary>
    Task<int> NoteHour(long hour);

    /// <summary>
    /// A bucket of <paramref name="hour"/> at <paramref name="seenLevel"/> is crowded: later entries are spread over twice
    /// as many slots (once per level; a no-op when the hour is wider already). Returns the hour's level.
    /// </summary>
    Task<int> Widen(long hour, int seenLevel);

    /// <summary>The hour's level, or null when the sweeper knows no entries in it.</summary>
    Task<int?> LevelOf(long hour);

    /// <summary>Sweeps now: fires every bucket of every hour up to now (the timer does this by itself).</summary>
    Task<ReportingSweep> Sweep();

    /// <summary>
    /// The one-time move from the reminder index of earlier versions: each commitment listed in the
    /// <see cref="ICommitmentReminderIndexGrain"/> is told (one-way) to schedule itself, and the index is emptied.
    /// Returns how many were told (0 once the index is empty). Run by the keep-alive at every start.
    /// </summary>
    Task<int> DrainReminderIndex();

    /// <summary>
    /// Support and tests: every entry of the commitment in the schedule (the live one, and any out-of-date one not fired
    /// yet). Visits, for each known hour, only the buckets the commitment can be in.
    /// </summary>
    Task<IReadOnlyList<ScheduledReport>> FindScheduled(string commitmentId);

    /// <summary>The known hours and their levels, earliest first.</summary>
    Task<IReadOnlyList<ScheduledHour>> GetHours();

    /// <summary>Wakes the sweeper (the keep-alive calls it).</summary>
    Task Ping();
}

/// <summary>What a sweep did: hours and buckets visited, entries told and still held in those hours, hours done.</summary>
[GenerateSerializer, Immutable, Alias("cc.ReportingSweep.v1")]
public sealed record ReportingSweep(
    [property: Id(0)] int Hours,
    [property: Id(1)] int Buckets,
    [property: Id(2)] int Told,
    [property: Id(3)] int Remaining,
    [property: Id(4)] int HoursDone);

/// <summary>An hour of the schedule with entries, and its level.</summary>
[GenerateSerializer, Immutable, Alias("cc.ScheduledHour.v1")]
public sealed record ScheduledHour([property: Id(0)] long Hour, [property: Id(1)] int Level);

/// <summary>The shape of the reporting schedule: hours, slots, keys, and its limits.</summary>
public static class ReportingSchedule
{
    /// <summary>The key of the one <see cref="IReportingSweeperGrain"/>.</summary>
    public const long SweeperKey = 0;

    /// <summary>Slots of an hour at level 0.</summary>
    public const int BaseWidth = 16;

    /// <summary>The widest an hour gets: <see cref="BaseWidth"/> × 2^12 = 65,536 slots (about 4 million entries before they crowd).</summary>
    public const int MaxLevel = 12;

    /// <summary>
    /// A bucket holding this many entries or more is crowded, and its hour is widened (<see cref="SlotFor"/>): a bucket's
    /// write carries at most about this many entries, however many commitments the city has and however many are due in
    /// one hour (an import of a city confirms them all in the same few minutes).
    /// </summary>
    public const int CrowdedAt = 64;

    /// <summary>How long a told commitment has to handle its entry before it is told again.</summary>
    public static readonly TimeSpan RetellAfter = TimeSpan.FromMinutes(1);

    /// <summary>The hour (since the Unix epoch, UTC) in which <paramref name="at"/> lies.</summary>
    public static long HourOf(DateTimeOffset at) => Math.DivRem(at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.TicksPerHour, out var rest) - (rest < 0 ? 1 : 0);

    /// <summary>The number of slots of an hour at <paramref name="level"/>.</summary>
    public static int Width(int level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, MaxLevel);
        return BaseWidth << level;
    }

    /// <summary>
    /// The slot of <paramref name="commitmentId"/> in an hour at <paramref name="level"/> (FNV-1a of the id). Each level
    /// adds a range of new slots (level 0: slots 0–15; level L: from <c>Width(L − 1)</c> up to <c>Width(L)</c>) and an
    /// entry placed at a level goes into that level's range only, so the buckets that crowded stop growing: every bucket
    /// holds about <see cref="CrowdedAt"/> entries at most, however many are due in the hour.
    /// </summary>
    public static int SlotFor(string commitmentId, int level)
    {
        var hash = Hash(commitmentId);
        if (level == 0)
            return (int)(hash % BaseWidth);
        var first = Width(level - 1);
        return first + (int)(hash % (uint)first);
    }

    /// <summary>The slots <paramref name="commitmentId"/> can occupy in an hour at <paramref name="level"/>: one per level up to it.</summary>
    public static IEnumerable<int> CandidateSlots(string commitmentId, int level)
    {
        for (var l = level; l >= 0; l--)
            yield return SlotFor(commitmentId, l);
    }

    /// <summary>The key of the bucket of <paramref name="hour"/> and <paramref name="slot"/>: "{hour}/{slot}".</summary>
    public static string BucketKey(long hour, int slot) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{hour}/{slot}");

    /// <summary>Reads a bucket key; false for anything that is not one.</summary>
    public static bool TryParseBucketKey(string key, out long hour, out int slot)
    {
        hour = 0;
        slot = 0;
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
            && long.TryParse(key.AsSpan(0, slash), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out hour)
            && int.TryParse(key.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out slot)
            && slot < Width(MaxLevel);
    }

    /// <summary>Whether a bucket holding <paramref name="entries"/> entries should have its hour widened.</summary>
    public static bool IsCrowded(int entries) => entries >= CrowdedAt;

    private static uint Hash(string commitmentId)
    {
        ArgumentNullException.ThrowIfNull(commitmentId);
        uint hash = 2166136261;
        foreach (var c in commitmentId)
        {
            hash ^= c;
            hash *= 16777619;
        }
        return hash;
    }
}
