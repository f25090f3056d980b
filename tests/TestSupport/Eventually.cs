using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace CivicContracting.Tests.Support;

/// <summary>
/// The one way the tests wait for something that happens asynchronously (an aggregate's version, a feed entry, a
/// counter): read until the fact holds, and fail with what was awaited and the last value seen if it never does.
/// A test that waits for the fact instead of a fixed time is as fast as the machine allows and proves that it happened.
/// </summary>
public static class Eventually
{
    /// <summary>
    /// How long a wait lasts unless the call says otherwise: generous, because the suites share two slow cores with other
    /// builds, and a fact that comes in time costs only the time it takes.
    /// </summary>
    public static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(30);

    // Polls start fast (most facts are a few milliseconds away) and back off, so that a long wait does not flood the
    // cluster, the web host or the browser with reads.
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Reads until <paramref name="done"/> holds for the value read and returns that value; throws a
    /// <see cref="TimeoutException"/> naming <paramref name="what"/> (by default the text of <paramref name="done"/>) and the
    /// last value read when <paramref name="within"/> (default <see cref="DefaultWithin"/>) passes first. An exception of
    /// <paramref name="read"/> or <paramref name="done"/> ends the wait at once.
    /// </summary>
    public static async Task<T> Value<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(done))] string what = "", TimeSpan? poll = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var limit = within ?? DefaultWithin;
        var elapsed = Stopwatch.StartNew();
        var pause = poll ?? FirstPoll;
        while (true)
        {
            // The deadline is checked before the read, so the last read always comes after the deadline's decision.
            var late = elapsed.Elapsed >= limit;
            var value = await read();
            if (done(value))
                return value;
            if (late)
                throw new TimeoutException($"Not seen within {Seconds(limit)} s: {what}. Last value: {Describe(value)}");
            await Task.Delay(pause);
            if (poll is null)
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxPoll.Ticks));
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds (see <see cref="Value{T}(Func{Task{T}}, Func{T, bool}, TimeSpan?, string, TimeSpan?)"/>).</summary>
    public static Task Until(Func<Task<bool>> condition, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(condition))] string what = "", TimeSpan? poll = null) =>
        Value(condition, holds => holds, within, what, poll);

    // No synchronous Value<T>(Func<T>, ...): with an async lambda it would be ambiguous with the one above. A synchronous
    // read of a value passes () => Task.FromResult(...).
    /// <inheritdoc cref="Until(Func{Task{bool}}, TimeSpan?, string, TimeSpan?)"/>
    public static Task Until(Func<bool> condition, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(condition))] string what = "", TimeSpan? poll = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return Value(() => Task.FromResult(condition()), holds => holds, within, what, poll);
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>The value for a failure message: collections item by item, long text cut short.</summary>
    private static string Describe(object? value)
    {
        const int MaxLength = 4_000;
        var text = value switch
        {
            null => "null",
            string s => s,
            // A JSON node's ToString is its JSON; a dictionary or list says no more than its type, so show the items.
            IEnumerable items when value.ToString() == value.GetType().ToString() =>
                $"[{string.Join(", ", items.Cast<object?>().Select(i => i?.ToString() ?? "null"))}]",
            _ => value.ToString() ?? "",
        };
        return text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength), $"… ({text.Length} characters)");
    }
}
