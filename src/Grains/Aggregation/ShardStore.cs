using CivicContracting.Commitments;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace CivicContracting.Aggregation;

/// <summary>
/// The durable layout of a contribution shard, over the silo's grain storage (any profile), so that a write costs what
/// changed and never the whole slice:
/// <list type="bullet">
/// <item>a <b>log</b> of <see cref="LogSlots"/> rows used as a ring: each group commit writes one row holding only the
/// contributions of that batch, under its sequence number;</item>
/// <item><b>segments</b>: the newest contribution of every commitment, in <see cref="ShardAggregation.SegmentCount"/>
/// rows by hash. A compaction (in the background, while group commits go on) rewrites only the segments changed since
/// the previous one, then records the sequence it covers in the <b>meta</b> row; log rows after that sequence are what a
/// restart reads besides the segments.</item>
/// </list>
/// Contributions are absolute and versioned, so a restart simply keeps the newest version of each commitment among all
/// rows it reads: the order of writes, a crash between two of them or a segment written twice cannot change the result.
/// Shards stored by the previous layout (one snapshot and one journal row) are read once and moved into this one.
/// </summary>
public sealed class ShardStore(IGrainStorage storage, GrainId grainId, ILogger logger)
{
    /// <summary>Rows of the log ring. A compaction is due well before the ring wraps; a group commit that would overwrite a
    /// row not yet compacted waits for the compaction. Large, because a compaction rewrites the changed segments (at 1M
    /// commitments about the whole slice): the more changes it folds at once, the less each change pays for it (2,048 rows
    /// cost 20 KB written per report at 1M; a restart after a crash reads at most these rows, in parallel).</summary>
    public const int LogSlots = 16_384;

    /// <summary>Log rows read at once at a restart: the first chunk is small (after a compaction the log is short), each
    /// next one twice as large up to the most.</summary>
    private const int FirstLogReadChunk = 16;
    private const int MaxLogReadChunk = 512;

    public const string LogStateName = "contributionShard.log.";
    public const string SegmentStateName = "contributionShard.segment.";
    public const string MetaStateName = "contributionShard.meta";
    public const string LegacySnapshotStateName = "contributionShard";
    public const string LegacyJournalStateName = "contributionShardJournal";

    private readonly Dictionary<string, string?> _etags = new(StringComparer.Ordinal);

    /// <summary>Rows written since activation (log rows, segments and meta), for the shard's metrics.</summary>
    public long RowsWritten { get; private set; }

    /// <summary>Contributions written since activation (in log rows and segments), for the benchmark's "written per report".</summary>
    public long ContributionsWritten { get; private set; }

    /// <summary>
    /// What a shard read: every contribution (older versions included; the newest wins), the sequence its segments cover,
    /// the sequence of its last log row, whether it came from the legacy layout, and the segments that log rows after the
    /// compacted sequence touched (they must be written by the next compaction, or those rows would be skipped after it).
    /// </summary>
    public record struct Loaded(List<Contribution> Contributions, long CompactedSequence, long Sequence, bool Migrated, HashSet<int> SegmentsInLog);

    /// <summary>Reads the shard: meta, segments, the log rows after the compacted sequence; or the legacy layout once.</summary>
    public async Task<Loaded> LoadAsync()
    {
        var meta = await ReadAsync<ContributionShardMeta>(MetaStateName);
        var contributions = new List<Contribution>();
        if (meta is null)
        {
            // Never compacted in this layout: a new shard, or one written by the previous layout.
            var snapshot = await ReadAsync<LegacyContributionShardState>(LegacySnapshotStateName);
            var journal = await ReadAsync<LegacyContributionShardState>(LegacyJournalStateName);
            if (snapshot is not null || journal is not null)
            {
                if (snapshot is not null)
                    contributions.AddRange(snapshot.Contributions.Values);
                if (journal is not null)
                    contributions.AddRange(journal.Contributions.Values);
                var legacySequence = Math.Max(snapshot?.Sequence ?? 0, journal?.Sequence ?? 0);
                return new Loaded(contributions, 0, legacySequence, Migrated: true, [.. Enumerable.Range(0, ShardAggregation.SegmentCount)]);
            }
        }
        var compacted = meta?.CompactedSequence ?? 0;
        var segments = await Task.WhenAll(Enumerable.Range(0, ShardAggregation.SegmentCount)
            .Select(i => ReadAsync<ContributionSegmentState>(SegmentStateName + i)));
        foreach (var segment in segments)
        {
            if (segment is not null)
                contributions.AddRange(segment.Contributions.ToContributions());
        }
        var sequence = compacted;
        var inLog = new HashSet<int>();
        // The rows after the compacted sequence, a chunk at a time in parallel, up to the first that is not the next one.
        for (int read = 0, chunk = FirstLogReadChunk; read < LogSlots; chunk = Math.Min(chunk * 2, MaxLogReadChunk))
        {
            var first = sequence + 1;
            var count = Math.Min(chunk, LogSlots - read);
            var rows = await Task.WhenAll(Enumerable.Range(0, count).Select(i => ReadAsync<ContributionLogState>(LogStateName + Slot(first + i))));
            var ended = false;
            foreach (var row in rows)
            {
                if (row is null || row.Sequence != sequence + 1)
                {
                    ended = true;
                    break;
                }
                foreach (var c in row.Contributions.ToContributions())
                {
                    contributions.Add(c);
                    inLog.Add(ShardAggregation.SegmentOf(c.CommitmentId));
                }
                sequence++;
            }
            read += count;
            if (ended)
                break;
        }
        return new Loaded(contributions, compacted, sequence, Migrated: false, inLog);
    }

    /// <summary>The legacy rows are emptied once their content is in segments and meta (best effort: they are only read when meta is missing).</summary>
    public async Task ClearLegacyAsync()
    {
        foreach (var name in new[] { LegacySnapshotStateName, LegacyJournalStateName })
        {
            try
            {
                await WriteAsync(name, new LegacyContributionShardState());
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Contribution shard {Grain} could not empty its legacy row {Row}", grainId, name);
            }
        }
    }

    public static long Slot(long sequence) => sequence % LogSlots;

    public Task WriteLogAsync(long sequence, List<Contribution> batch)
    {
        ContributionsWritten += batch.Count;
        return WriteAsync(LogStateName + Slot(sequence), new ContributionLogState { Sequence = sequence, Contributions = StoredContributions.Of(batch) });
    }

    public Task WriteSegmentAsync(int index, List<Contribution> contributions, long sequence)
    {
        ContributionsWritten += contributions.Count;
        return WriteAsync(SegmentStateName + index, new ContributionSegmentState { Contributions = StoredContributions.Of(contributions), Sequence = sequence });
    }

    public Task WriteMetaAsync(long compactedSequence) =>
        WriteAsync(MetaStateName, new ContributionShardMeta { CompactedSequence = compactedSequence, Layout = 2 });

    private async Task<T?> ReadAsync<T>(string name) where T : class, new()
    {
        var state = new GrainState<T>(new T());
        await storage.ReadStateAsync(name, grainId, state);
        _etags[name] = state.ETag;
        return state.RecordExists ? state.State : null;
    }

    private async Task WriteAsync<T>(string name, T value) where T : class, new()
    {
        var state = new GrainState<T>(value) { ETag = _etags.GetValueOrDefault(name) };
        try
        {
            await storage.WriteStateAsync(name, grainId, state);
        }
        catch (InconsistentStateException) when (!_etags.ContainsKey(name))
        {
            // A row this activation never read (a log slot from an earlier round of the ring): learn its ETag, write again.
            var current = new GrainState<T>(new T());
            await storage.ReadStateAsync(name, grainId, current);
            state.ETag = current.ETag;
            if (current.State is ContributionLogState { } existing && value is ContributionLogState mine && existing.Sequence > mine.Sequence - LogSlots)
            {
                // Not a row of an earlier round of the ring: another activation of this shard wrote it. Never overwrite it.
                throw new InconsistentStateException(
                    $"Contribution shard {grainId}: log row {name} holds sequence {existing.Sequence}, written by another activation; this one ({mine.Sequence}) stops and reloads.",
                    current.ETag, state.ETag);
            }
            await storage.WriteStateAsync(name, grainId, state);
        }
        catch (InconsistentStateException)
        {
            // Only this activation writes this shard's rows; an ETag out of step means a failed write that did land. Once.
            _etags.Remove(name);
            throw;
        }
        _etags[name] = state.ETag;
        RowsWritten++;
    }
}

/// <summary>One group commit of a shard: the contributions of that batch (log ring row).</summary>
[GenerateSerializer, Alias("cc.ContributionLogState.v1")]
public sealed class ContributionLogState
{
    [Id(0)] public long Sequence { get; set; }
    [Id(1)] public StoredContributions Contributions { get; set; } = new();
}

/// <summary>The newest contribution of every commitment of one hash segment of a shard, as of a compaction.</summary>
[GenerateSerializer, Alias("cc.ContributionSegmentState.v1")]
public sealed class ContributionSegmentState
{
    [Id(0)] public StoredContributions Contributions { get; set; } = new();

    /// <summary>The shard's sequence when the segment was written (for operators reading the store).</summary>
    [Id(1)] public long Sequence { get; set; }
}

/// <summary>The sequence through which the segments hold every change: a restart reads the log rows after it.</summary>
[GenerateSerializer, Alias("cc.ContributionShardMeta.v1")]
public sealed class ContributionShardMeta
{
    [Id(0)] public long CompactedSequence { get; set; }
    [Id(1)] public int Layout { get; set; }
}

/// <summary>The previous layout (whole slice in one snapshot row plus a journal row): read once and moved.</summary>
[GenerateSerializer, Alias("cc.ContributionShardState.v1")]
public sealed class LegacyContributionShardState
{
    [Id(0)] public Dictionary<string, Contribution> Contributions { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public long Sequence { get; set; }
}

/// <summary>
/// Contributions as a shard stores them: each distinct list of scopes once (commitments of one goal in one neighbourhood
/// share it), the contributions pointing at it by index. Smaller than the records themselves, and free of shared
/// references, which not every storage serialiser can read back (the JSON one of the memory profile cannot).
/// </summary>
[GenerateSerializer, Alias("cc.StoredContributions.v1")]
public sealed class StoredContributions
{
    [Id(0)] public List<List<ScopeWeight>> ScopeSets { get; set; } = [];
    [Id(1)] public List<StoredContribution> Items { get; set; } = [];

    public static StoredContributions Of(IReadOnlyCollection<Contribution> contributions)
    {
        var stored = new StoredContributions { Items = new List<StoredContribution>(contributions.Count) };
        var sets = new Dictionary<IReadOnlyList<ScopeWeight>, int>(ReferenceEqualityComparer.Instance);
        foreach (var c in contributions)
        {
            if (!sets.TryGetValue(c.Scopes, out var index))
            {
                sets[c.Scopes] = index = stored.ScopeSets.Count;
                stored.ScopeSets.Add([.. c.Scopes.Select(s => new ScopeWeight(s.Scope, s.Weight))]);
            }
            stored.Items.Add(new StoredContribution(c.CommitmentId, c.Version, c.ParticipantId, c.ParticipantKind, c.Level, c.Status,
                c.Progress, c.OnTrack, c.ConfirmedAt, index, c.UpdatedAt, c.NotInForce, c.VerifiedProgress, c.ClaimTier,
                c.HelpRequestedAt, c.ConditionDeadline, c.TextHidden));
        }
        return stored;
    }

    public IEnumerable<Contribution> ToContributions()
    {
        var sets = ScopeSets.Select(s => (IReadOnlyList<ScopeWeight>)s).ToList();
        foreach (var i in Items)
        {
            if (i.ScopeSet < 0 || i.ScopeSet >= sets.Count)
                throw new InvalidOperationException($"A stored contribution of commitment '{i.CommitmentId}' names scope set {i.ScopeSet} of {sets.Count}.");
            yield return new Contribution(i.CommitmentId, i.Version, i.ParticipantId, i.ParticipantKind, i.Level, i.Status, i.Progress,
                i.OnTrack, i.ConfirmedAt, sets[i.ScopeSet], i.UpdatedAt, i.NotInForce, i.VerifiedProgress, i.ClaimTier, i.HelpRequestedAt,
                i.ConditionDeadline, i.TextHidden);
        }
    }
}

/// <summary>A <see cref="Contribution"/> whose scopes are an index into <see cref="StoredContributions.ScopeSets"/>.</summary>
[GenerateSerializer, Immutable, Alias("cc.StoredContribution.v1")]
public sealed record StoredContribution(
    [property: Id(0)] string CommitmentId,
    [property: Id(1)] long Version,
    [property: Id(2)] string ParticipantId,
    [property: Id(3)] Participants.ParticipantKind ParticipantKind,
    [property: Id(4)] CommitmentLevel Level,
    [property: Id(5)] CommitmentStatus Status,
    [property: Id(6)] double? Progress,
    [property: Id(7)] bool OnTrack,
    [property: Id(8)] DateTimeOffset? ConfirmedAt,
    [property: Id(9)] int ScopeSet,
    [property: Id(10)] DateTimeOffset UpdatedAt,
    [property: Id(11)] bool NotInForce,
    [property: Id(12)] double? VerifiedProgress,
    [property: Id(13)] VerificationTier? ClaimTier,
    [property: Id(14)] DateTimeOffset? HelpRequestedAt,
    [property: Id(15)] DateTimeOffset? ConditionDeadline,
    [property: Id(16)] bool TextHidden = false);
