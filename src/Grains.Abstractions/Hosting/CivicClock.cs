namespace CivicContracting.Hosting;

/// <summary>
/// The calendar commitments live by: when a report is due, when a deadline is close, when a progress report was made.
/// It reads the host's <see cref="TimeProvider"/> (the system clock in production), moved forward by <see cref="Offset"/>,
/// which only code in the same process can change (<see cref="Advance"/>): tests and demonstrations let months pass in
/// seconds. It is a separate service on purpose: Orleans runs on the host's <see cref="TimeProvider"/> (membership,
/// leases, timers), and a silo whose own clock jumps is declared dead by its cluster; this clock moves only the
/// domain's dates. Timers and stopwatch readings come from the host's clock unchanged. It lives in Grains.Abstractions
/// because the web host dates what it sends to the grains by the same calendar and knows only that assembly.
/// </summary>
public sealed class CivicClock(TimeProvider host) : TimeProvider
{
    private long _offsetTicks;

    /// <summary>How far this clock runs ahead of the host's clock (zero unless <see cref="Advance"/> was called).</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Raised after every <see cref="Advance"/>, so that work scheduled by the calendar is looked at again.</summary>
    public event Action<TimeSpan>? Advanced;

    public override DateTimeOffset GetUtcNow() => host.GetUtcNow() + Offset;

    public override long GetTimestamp() => host.GetTimestamp();

    public override long TimestampFrequency => host.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => host.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        host.CreateTimer(callback, state, dueTime, period);

    /// <summary>
    /// Moves the calendar forward by <paramref name="by"/> (never back: dates already written would lie in the future).
    /// In-process only; there is no setting or endpoint for it.
    /// </summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
        Advanced?.Invoke(by);
    }
}
