using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Web.Imports;

/// <summary>The operator import of a city (configuration section "Import"), validated at start.</summary>
public sealed class ImportOptions
{
    public const string SectionName = "Import";

    /// <summary>The largest file POST /api/operations/imports accepts (its own body limit; Api:MaxRequestBodyBytes does not apply).</summary>
    [Range(1_024, 64L * 1024 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>The longest record (a JSON line, a CSV row): longer ones are reported and skipped unread.</summary>
    [Range(1_024, 16 * 1024 * 1024)]
    public int MaxRecordBytes { get; set; } = 64 * 1024;

    /// <summary>How many row errors an answer lists (the count says how many there were).</summary>
    [Range(1, 10_000)]
    public int MaxErrors { get; set; } = 100;

    /// <summary>The most goals one file may define (they are held in memory to be loaded parents first).</summary>
    [Range(1, 1_000_000)]
    public int MaxGoals { get; set; } = 10_000;

    /// <summary>The most distinct participants and goals a file may refer to without defining them (each is looked up in the store).</summary>
    [Range(0, 10_000_000)]
    public int MaxStoreLookups { get; set; } = 100_000;

    /// <summary>Batches loading at once (each a call to the silo's import loader).</summary>
    [Range(1, 1_024)]
    public int Concurrency { get; set; } = 32;

    /// <summary>Records per batch: commitments of one participant travel together, a participant's list is extended once per batch.</summary>
    [Range(1, 1_000)]
    public int BatchSize { get; set; } = 32;

    /// <summary>Commitments read ahead and grouped by participant; the checkpoint moves a whole window at a time.</summary>
    [Range(1, 1_000_000)]
    public int WindowSize { get; set; } = 8_192;

    /// <summary>How long a run holds its import without a heartbeat before another run may take it over.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00")]
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a run reports its progress (and, when it moved, its checkpoint).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Where an uploaded file is kept while it is checked and loaded (deleted afterwards); empty: the system's temporary folder.</summary>
    public string? TempDirectory { get; set; }
}
