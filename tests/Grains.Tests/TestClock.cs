namespace CivicContracting.Grains.Tests;

/// <summary>
/// The silos' clock in the tests: the system clock, except inside <see cref="Shift"/>, where grain calls the test makes
/// see it moved forward. The shift travels with the call (Orleans' RequestContext), so only the calls of the test that
/// shifts see it — timers, other grains' background work and other tests keep the real time.
/// </summary>
internal sealed class TestClock : TimeProvider
{
    public static readonly TestClock Instance = new();

    private const string OffsetKey = "cc.test.clock-offset-ticks";

    public override DateTimeOffset GetUtcNow() =>
        RequestContext.Get(OffsetKey) is long ticks ? base.GetUtcNow() + TimeSpan.FromTicks(ticks) : base.GetUtcNow();

    /// <summary>Grain calls made until the result is disposed see the time moved by <paramref name="offset"/>.</summary>
    public static IDisposable Shift(TimeSpan offset)
    {
        RequestContext.Set(OffsetKey, offset.Ticks);
        return new Unshift();
    }

    private sealed class Unshift : IDisposable
    {
        public void Dispose() => RequestContext.Remove(OffsetKey);
    }
}
