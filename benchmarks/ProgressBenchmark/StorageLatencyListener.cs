using System.Diagnostics.Metrics;

namespace CivicContracting.ProgressBenchmark;

/// <summary>
/// Collects Orleans' own grain-storage write latency (meter Microsoft.Orleans, histogram orleans-storage-write-latency:
/// from a grain's WriteStateAsync to the storage's acknowledgement) while <see cref="Recording"/> is on, by state name
/// (the commitment's "commitment", the shard's journal), so the benchmark can print the storage's acknowledgement time
/// apart from the rest of a report's path.
/// </summary>
public sealed class StorageLatencyListener : IDisposable
{
    private const string OrleansMeter = "Microsoft.Orleans";
    private const string WriteLatency = "orleans-storage-write-latency";

    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly List<double> _all = [];
    private readonly Dictionary<string, List<double>> _byState = [];
    private volatile bool _recording;

    public StorageLatencyListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == OrleansMeter && instrument.Name == WriteLatency)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            if (!_recording)
                return;
            var state = "?";
            foreach (var tag in tags)
            {
                if (tag.Key == "state_name")
                    state = tag.Value as string ?? "?";
            }
            lock (_lock)
            {
                _all.Add(value);
                if (!_byState.TryGetValue(state, out var list))
                    _byState[state] = list = [];
                list.Add(value);
            }
        });
        _listener.Start();
    }

    public bool Recording
    {
        get => _recording;
        set => _recording = value;
    }

    /// <summary>All writes, then each state name: count and sorted latencies (ms).</summary>
    public IReadOnlyList<(string State, List<double> Sorted)> Snapshot()
    {
        lock (_lock)
        {
            var result = new List<(string, List<double>)> { ("all", _all.Order().ToList()) };
            result.AddRange(_byState.OrderByDescending(s => s.Value.Count).Select(s => (s.Key, s.Value.Order().ToList())));
            return result;
        }
    }

    public void Dispose() => _listener.Dispose();
}
