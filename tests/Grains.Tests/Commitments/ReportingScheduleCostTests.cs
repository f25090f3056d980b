using CivicContracting.Commitments;
using CivicContracting.Commitments.Scheduling;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>
/// The reporting schedule's cost, counted, not timed: the bucket and hour logic of the grains
/// (<see cref="ReportingBucket"/>, <see cref="ReportingHours"/>) wired the way a commitment and the sweeper wire them,
/// without Orleans. Scheduling or firing one commitment touches one bucket of at most <see cref="ReportingSchedule.CrowdedAt"/>
/// entries whether 1,000 or 100,000 commitments are scheduled, spread over months or all due in one hour (an import).
/// </summary>
public sealed class ReportingScheduleCostTests
{
    private static readonly DateTimeOffset Start = new(2030, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public enum Spread
    {
        /// <summary>Due dates spread evenly over a 90-day reporting interval.</summary>
        Months,

        /// <summary>Every due date in one hour: a city imported and confirmed in a few minutes.</summary>
        OneHour,
    }

    [Theory]
    [InlineData(Spread.Months)]
    [InlineData(Spread.OneHour)]
    public void Scheduling_and_firing_one_commitment_touches_the_same_bounded_number_of_entries_at_1000_and_100000_commitments(Spread spread)
    {
        var small = Measure(1_000, spread);
        var large = Measure(100_000, spread);

        // Every write of a bucket, and every firing of the probe's bucket, carries or visits at most CrowdedAt entries:
        // a bound that does not grow with the number of commitments.
        Assert.InRange(small.MaxWritten, 1, ReportingSchedule.CrowdedAt);
        Assert.InRange(large.MaxWritten, 1, ReportingSchedule.CrowdedAt);
        Assert.InRange(small.MaxVisitedToFire, 1, ReportingSchedule.CrowdedAt);
        Assert.InRange(large.MaxVisitedToFire, 1, ReportingSchedule.CrowdedAt);
        if (spread == Spread.Months)
        {
            // An hour of an even spread needs no widening: a sweep of it visits the 16 buckets of level 0 at both sizes.
            Assert.Equal(ReportingSchedule.BaseWidth, small.BucketsOfProbeHour);
            Assert.Equal(ReportingSchedule.BaseWidth, large.BucketsOfProbeHour);
        }
        else
        {
            // One crowded hour is widened as it fills: the buckets a sweep of it visits grow with what is due in it
            // (about one bucket per 16 to 64 entries), not more.
            Assert.InRange(small.BucketsOfProbeHour, 1_000 / ReportingSchedule.CrowdedAt, 1_000 / 8);
            Assert.InRange(large.BucketsOfProbeHour, 100_000 / ReportingSchedule.CrowdedAt, 100_000 / 8);
        }
    }

    [Fact]
    public void An_entry_told_but_not_marked_done_is_told_again_after_RetellAfter_and_not_before_and_one_marked_done_never()
    {
        var bucket = new ReportingBucket(new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal));
        bucket.Schedule("c-lost", Start);
        bucket.Schedule("c-answers", Start.AddMinutes(1));
        bucket.Schedule("c-later", Start.AddMinutes(30));
        var retell = ReportingSchedule.RetellAfter;
        var ms = (long)retell.TotalMilliseconds;

        var first = bucket.TakeDue(Start.AddMinutes(5), nowMs: 1_000, retell).Due.Select(e => e.Key);
        Assert.Equal(["c-lost", "c-answers"], first); // earliest first; the later one is not due yet
        Assert.Equal(0, bucket.LastRetold);
        Assert.True(bucket.Remove("c-answers", Start.AddMinutes(1)));

        // The message to c-lost was lost: nothing within RetellAfter, then told again.
        Assert.Empty(bucket.TakeDue(Start.AddMinutes(6), nowMs: 1_000 + ms - 1, retell).Due);
        Assert.Equal(["c-lost"], bucket.TakeDue(Start.AddMinutes(6), nowMs: 1_000 + ms, retell).Due.Select(e => e.Key));
        Assert.Equal(1, bucket.LastRetold); // counted as the reminder backlog (civic.reporting.reminders_retold)
        Assert.Equal(["c-lost", "c-later"], bucket.TakeDue(Start.AddMinutes(31), nowMs: 1_000 + 2 * ms, retell).Due.Select(e => e.Key));
        Assert.Equal(1, bucket.LastRetold); // c-later is told for the first time

        // Marked done with an out-of-date due time: kept. With its own: gone for good.
        Assert.False(bucket.Remove("c-lost", Start.AddSeconds(1)));
        Assert.True(bucket.Remove("c-lost", Start));
        Assert.DoesNotContain("c-lost", bucket.TakeDue(Start.AddDays(1), nowMs: 1_000 + 10 * ms, retell).Due.Select(e => e.Key));
    }

    [Fact]
    public void A_moved_entry_is_told_afresh_and_scheduling_the_same_entry_again_changes_nothing()
    {
        var bucket = new ReportingBucket(new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal));
        Assert.True(bucket.Schedule("c-1", Start.AddMinutes(10)));
        Assert.False(bucket.Schedule("c-1", Start.AddMinutes(10))); // no write for a repeat
        Assert.Single(bucket.TakeDue(Start.AddMinutes(10), nowMs: 0, ReportingSchedule.RetellAfter).Due);

        // Moved within the hour (one entry per commitment and bucket): told at its new time without waiting for RetellAfter.
        Assert.True(bucket.Schedule("c-1", Start.AddMinutes(20)));
        Assert.Equal(1, bucket.Count);
        Assert.Empty(bucket.TakeDue(Start.AddMinutes(15), nowMs: 1, ReportingSchedule.RetellAfter).Due);
        Assert.Single(bucket.TakeDue(Start.AddMinutes(20), nowMs: 2, ReportingSchedule.RetellAfter).Due);
    }

    [Fact]
    public void An_hour_widens_once_per_level_and_entries_placed_at_a_level_go_to_its_own_range_of_slots()
    {
        var hours = new ReportingHours([]);
        var hour = ReportingSchedule.HourOf(Start);
        Assert.Equal((0, true), hours.Note(hour));
        Assert.Equal((0, false), hours.Note(hour));
        Assert.Equal((1, true), hours.Widen(hour, seenLevel: 0));
        Assert.Equal((1, false), hours.Widen(hour, seenLevel: 0)); // two crowded buckets seen at level 0: widened once
        Assert.Equal((2, true), hours.Widen(hour, seenLevel: 1));
        Assert.Equal(2, hours.LevelOf(hour));
        Assert.Null(hours.LevelOf(hour + 1));

        for (var i = 0; i < 1_000; i++)
        {
            var id = $"c-{i}";
            Assert.InRange(ReportingSchedule.SlotFor(id, 0), 0, 15);
            Assert.InRange(ReportingSchedule.SlotFor(id, 1), 16, 31);
            Assert.InRange(ReportingSchedule.SlotFor(id, 3), 64, 127);
            Assert.Equal([ReportingSchedule.SlotFor(id, 2), ReportingSchedule.SlotFor(id, 1), ReportingSchedule.SlotFor(id, 0)],
                ReportingSchedule.CandidateSlots(id, 2));
        }

        // Hours up to now, earliest first; a later one is not due.
        hours.Note(hour - 3);
        hours.Note(hour + 1);
        Assert.Equal([(hour - 3, 0), (hour, 2)], hours.DueBy(hour));
    }

    [Fact]
    public void Hours_and_bucket_keys_read_back_and_bad_keys_are_refused()
    {
        Assert.Equal(0, ReportingSchedule.HourOf(DateTimeOffset.UnixEpoch));
        Assert.Equal(-1, ReportingSchedule.HourOf(DateTimeOffset.UnixEpoch.AddTicks(-1)));
        Assert.Equal(ReportingSchedule.HourOf(Start), ReportingSchedule.HourOf(Start.AddMinutes(59).ToOffset(TimeSpan.FromHours(2))));
        Assert.Equal(ReportingSchedule.HourOf(Start) + 1, ReportingSchedule.HourOf(Start.AddHours(1)));

        var key = ReportingSchedule.BucketKey(ReportingSchedule.HourOf(Start), 17);
        Assert.True(ReportingSchedule.TryParseBucketKey(key, out var hour, out var slot));
        Assert.Equal((ReportingSchedule.HourOf(Start), 17), (hour, slot));
        foreach (var bad in new[] { "", "12", "/3", "12/", "12/-1", "x/1", "12/1/2", $"12/{ReportingSchedule.Width(ReportingSchedule.MaxLevel)}" })
            Assert.False(ReportingSchedule.TryParseBucketKey(bad, out _, out _), bad);
    }

    private sealed record Figures(int MaxWritten, int MaxVisitedToFire, int BucketsOfProbeHour);

    /// <summary>Schedules <paramref name="commitments"/> commitments, then 200 more (the probes), counting what the probes' writes carry and their firing visits.</summary>
    private static Figures Measure(int commitments, Spread spread)
    {
        var schedule = new ScheduleModel();
        var random = new Random(12);
        DateTimeOffset DueAt() => spread == Spread.Months
            ? Start + TimeSpan.FromSeconds(random.NextDouble() * TimeSpan.FromDays(90).TotalSeconds)
            : Start + TimeSpan.FromSeconds(random.NextDouble() * 3_599);
        var maxWritten = 0;
        for (var i = 0; i < commitments; i++)
            maxWritten = Math.Max(maxWritten, schedule.Put($"c-{i}", DueAt()));

        var maxVisited = 0;
        var probeWritten = 0;
        var probes = new List<(string Id, DateTimeOffset DueAt)>();
        for (var i = 0; i < 200; i++)
        {
            var probe = ($"probe-{i}", DueAt());
            probes.Add(probe);
            probeWritten = Math.Max(probeWritten, schedule.Put(probe.Item1, probe.Item2));
        }
        // Each firing a RetellAfter after the one before, so an entry told by an earlier probe's firing is told again.
        var nowMs = 0L;
        foreach (var (id, dueAt) in probes)
            maxVisited = Math.Max(maxVisited, schedule.VisitedToFire(id, dueAt, nowMs += (long)ReportingSchedule.RetellAfter.TotalMilliseconds));
        var probeHour = ReportingSchedule.HourOf(probes[^1].DueAt);
        return new Figures(Math.Max(maxWritten, probeWritten), maxVisited, ReportingSchedule.Width(schedule.Hours.LevelOf(probeHour)!.Value));
    }

    /// <summary>The schedule as the grains make it: the sweeper's hours, and buckets by key.</summary>
    private sealed class ScheduleModel
    {
        private readonly Dictionary<string, ReportingBucket> _buckets = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);

        public ReportingHours Hours { get; } = new([]);

        /// <summary>What a commitment does (ScheduleReminder): note the hour, schedule in the bucket, widen when crowded. Returns the entries the bucket's write carries.</summary>
        public int Put(string id, DateTimeOffset dueAt)
        {
            var hour = ReportingSchedule.HourOf(dueAt);
            var (level, _) = Hours.Note(hour);
            var slot = ReportingSchedule.SlotFor(id, level);
            var bucket = Bucket(hour, slot);
            bucket.Schedule(id, dueAt);
            _slotOf[id] = slot;
            if (ReportingSchedule.IsCrowded(bucket.Count))
                Hours.Widen(hour, level);
            return bucket.Count;
        }

        /// <summary>What a sweep does for the commitment's bucket when it is due: the entries visited to find what is due.</summary>
        public int VisitedToFire(string id, DateTimeOffset dueAt, long nowMs)
        {
            var bucket = Bucket(ReportingSchedule.HourOf(dueAt), _slotOf[id]);
            var (due, visited) = bucket.TakeDue(dueAt, nowMs, ReportingSchedule.RetellAfter);
            Assert.Contains(due, e => e.Key == id);
            return visited;
        }

        private ReportingBucket Bucket(long hour, int slot)
        {
            var key = ReportingSchedule.BucketKey(hour, slot);
            if (!_buckets.TryGetValue(key, out var bucket))
                _buckets[key] = bucket = new ReportingBucket(new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal));
            return bucket;
        }
    }
}
