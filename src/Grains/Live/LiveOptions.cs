using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Live;

/// <summary>Timing of the live push (section <see cref="SectionName"/>); the defaults suit production.</summary>
public sealed class LiveOptions
{
    public const string SectionName = "Live";

    /// <summary>How long the batcher collects changes before it pushes them (latency versus messages per host).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// How long the batcher reuses the registry's observer list, so the registry is not called on every flush. It bounds
    /// how long a host that (re-)subscribed waits for the pushes of every silo; the cost is one small registry call per
    /// silo per period while changes flow.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ObserverCacheDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest lease the registry grants, whatever a host asks for.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxLease { get; set; } = TimeSpan.FromMinutes(5);
}
