using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CivicContracting.ProgressBenchmark;

/// <summary>
/// Counts the warnings (and worse) that Orleans logs, by category and event, so the benchmark can report how often
/// grain turns ran long or were blocked while it ran. Counting starts at <see cref="Reset"/>.
/// </summary>
public sealed class CountingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentDictionary<(string Category, int EventId, string Level), int> _counts = new();
    private readonly ConcurrentQueue<string> _samples = new();
    private volatile bool _counting;
    private int _other;

    /// <summary>Orleans' "took elapsed time ... longer than TurnWarningLengthThreshold" warning (Orleans.Runtime.Scheduler.WorkItemGroup).</summary>
    public const int LongTurnEventId = 101215;

    public int Total => _counts.Values.Sum();

    /// <summary>Warnings from other categories (the application's own), counted apart.</summary>
    public int OtherWarnings => Volatile.Read(ref _other);

    public int LongTurns => _counts.Where(c => c.Key.EventId == LongTurnEventId).Sum(c => c.Value);

    public IReadOnlyDictionary<(string Category, int EventId, string Level), int> Counts => _counts;

    public IEnumerable<string> Samples => _samples;

    public void Reset()
    {
        _counts.Clear();
        _samples.Clear();
        Interlocked.Exchange(ref _other, 0);
        _counting = true;
    }

    public void Stop() => _counting = false;

    public ILogger CreateLogger(string categoryName) => new Counter(this, categoryName);

    public void Dispose()
    {
    }

    private static bool IsOrleans(string category) =>
        category.StartsWith("Orleans", StringComparison.Ordinal) || category.StartsWith("Microsoft.Orleans", StringComparison.Ordinal);

    private sealed class Counter(CountingLoggerProvider owner, string category) : ILogger
    {
        private readonly bool _orleans = IsOrleans(category);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!owner._counting || logLevel < LogLevel.Warning)
                return;
            if (_orleans)
                owner._counts.AddOrUpdate((category, eventId.Id, logLevel.ToString()), 1, (_, n) => n + 1);
            else
                Interlocked.Increment(ref owner._other);
            if (owner._samples.Count < 8)
                owner._samples.Enqueue($"{logLevel} {category}[{eventId.Id}]: {Truncate(formatter(state, exception))}{(exception is null ? "" : " — " + Truncate(exception.Message))}");
        }

        private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
    }
}
