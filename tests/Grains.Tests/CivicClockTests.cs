using CivicContracting.Hosting;

namespace CivicContracting.Grains.Tests;

public sealed class CivicClockTests
{
    [Fact]
    public void Advancing_moves_the_calendar_forward_and_tells_who_listens_but_never_moves_back()
    {
        var clock = new CivicClock(TimeProvider.System);
        var told = new List<TimeSpan>();
        clock.Advanced += told.Add;
        var before = TimeProvider.System.GetUtcNow();

        clock.Advance(TimeSpan.FromDays(30));
        clock.Advance(TimeSpan.FromDays(61));

        Assert.Equal(TimeSpan.FromDays(91), clock.Offset);
        Assert.InRange(clock.GetUtcNow() - before, TimeSpan.FromDays(91), TimeSpan.FromDays(91) + TimeSpan.FromMinutes(1));
        Assert.Equal([TimeSpan.FromDays(30), TimeSpan.FromDays(61)], told);
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromSeconds(-1)));
        Assert.Equal(TimeSpan.FromDays(91), clock.Offset);
    }

    [Fact]
    public void Stopwatch_readings_are_the_hosts_so_elapsed_times_do_not_jump()
    {
        var clock = new CivicClock(TimeProvider.System);
        var start = clock.GetTimestamp();
        clock.Advance(TimeSpan.FromDays(365));
        Assert.True(clock.GetElapsedTime(start) < TimeSpan.FromMinutes(1));
    }
}
