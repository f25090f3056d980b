using CivicContracting.Hosting;
using CivicContracting.Observability;
using CivicContracting.Validation;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace CivicContracting.Commitments;

/// <summary>
/// The progress history, outside the commitment's hot state, so that a report writes a bounded number of bytes however long
/// the history grows.
/// </summary>
/// <remarks>
/// <para>
/// Every report gets a sequence number (<see cref="CommitmentReportsState.ReportCount"/>, in arrival order); the history is
/// ordered by report date, then by sequence number (<see cref="ReportKey"/>). The commitment's own state keeps the newest
/// reports (<see cref="CommitmentReportsState.RecentReports"/>, in history order) and what the rules need (current value,
/// completed actions, the newest values for the trajectory, the newest claim, verified value and actions). When it holds
/// <see cref="RecentReportsKept"/> + <see cref="SegmentSize"/> reports, the oldest <see cref="SegmentSize"/> are sealed
/// into segment n: a separate, write-once grain state named <c>commitmentReports.{n}</c> in the same storage, written
/// before the commitment's state that counts it (<see cref="CommitmentReportsState.SealedSegments"/>), so the commitment's state
/// is the commit point and a segment it does not count is an orphan to be replaced. The state therefore holds at most
/// <see cref="MaxReportsInState"/> reports: a report writes the state with at most that many, and every
/// <see cref="SegmentSize"/>-th report also one segment of <see cref="SegmentSize"/>.
/// </para>
/// <para>
/// The <see cref="RecentReportsKept"/> newest reports are always in the state (a report older than them goes to the next
/// segment), so a view's newest reports cost no read. Older pages are found by arithmetic while the segments follow each
/// other in date order (reports arriving in date order, the usual case): one or two segment reads a page. Reports that
/// arrive backdated can make segments overlap; then, as for a report id that is not among the newest (the check of every
/// new report, so that a retry of any earlier report is stored once), the activation reads the ids, places and values of
/// all sealed reports once into memory (<see cref="SealedIndex"/>, up to <see cref="CommitmentLimits.MaxReports"/> / 
/// <see cref="SegmentSize"/> reads) and keeps them current while it lives. A report that is the first after activation
/// to a commitment with sealed segments therefore costs those reads once; every later one none.
/// </para>
/// <para>
/// Commitments stored before segments hold every report in <see cref="CommitmentState.FlatReports"/>; they are moved on
/// activation (<see cref="MigrateLegacyReports"/>).
/// </para>
/// </remarks>
public sealed partial class CommitmentGrain
{
    /// <summary>How many reports a sealed segment holds.</summary>
    public const int SegmentSize = 50;

    /// <summary>The newest reports always kept in the commitment's state: the view's newest reports.</summary>
    public const int RecentReportsKept = ReportHistory.NewestInView;

    /// <summary>The most reports the commitment's state holds after a write: the bound of what a report writes.</summary>
    public const int MaxReportsInState = RecentReportsKept + SegmentSize - 1;

    /// <summary>The name of the commitment's own state, and the prefix of its segments' names.</summary>
    public const string StateName = "commitment";
    public const string SegmentStatePrefix = "commitmentReports.";

    /// <summary>Sealed segments read at once (the index load, a large batch's seal).</summary>
    private const int MaxParallelSegmentIo = 8;

    /// <summary>Segments a page read recently: sealed segments never change, and paging reads neighbours.</summary>
    private const int SegmentCacheSize = 4;

    private IGrainStorage? _storage;
    private SealedIndex? _sealedIndex;
    private readonly Dictionary<int, IReadOnlyList<StoredReport>> _segmentCache = [];

    private IGrainStorage Storage => _storage ??= ServiceProvider.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);

    public static string SegmentName(int segment) => SegmentStatePrefix + segment.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task<ReportPage> GetReports(int page, int pageSize)
    {
        var errors = new InputRules.Errors();
        if (page < 1)
            errors.Add("page", "Pages are numbered from 1.");
        if (pageSize is < 1 or > ReportHistory.MaxPageSize)
            errors.Add("pageSize", $"Must be 1 to {ReportHistory.MaxPageSize}.");
        errors.ThrowIfAny();
        RequireExists();

        var total = S.Reports.ReportCount;
        var skip = (long)(page - 1) * pageSize;
        if (skip >= total)
            return new ReportPage([], page, pageSize, total);
        var take = (int)Math.Min(pageSize, total - skip);
        var reports = HistoryInOrder
            ? await PageInOrder((int)skip, take)
            : await PageFromIndex((int)skip, take);
        return new ReportPage(reports, page, pageSize, total);
    }

    public async Task<ProgressReport?> FindReport(string reportId)
    {
        if (S.Draft is null || string.IsNullOrEmpty(reportId))
            return null;
        return (await FindStored(reportId))?.Report;
    }

    public async Task<IReadOnlyList<ProgressReport>> FindReports(IReadOnlyList<string> reportIds)
    {
        if (reportIds is null || reportIds.Count > ReportHistory.MaxLookup)
            throw new InputRejectedException("reportIds", $"Send 0 to {ReportHistory.MaxLookup} report ids.");
        if (S.Draft is null || reportIds.Count == 0)
            return [];
        var recent = RecentById();
        var found = new List<ProgressReport>();
        var asked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in reportIds)
        {
            if (!string.IsNullOrEmpty(id) && asked.Add(id) && await FindStored(id, recent) is { } stored)
                found.Add(stored.Report);
        }
        return found;
    }

    public async Task<IReadOnlyList<ReportedValue>> GetReportedValues()
    {
        if (S.Draft is null)
            return [];
        var recent = S.Reports.RecentReports.Where(r => r.Report.Value is not null).Select(r => (r.Key, Value: ValueOf(r.Report)));
        if (S.Reports.SealedSegments == 0)
            return [.. recent.Select(r => r.Value)];
        var index = await EnsureSealedIndex();
        return [.. index.Sorted().Where(e => e.Value is not null).Select(e => (e.Key, Value: new ReportedValue(e.At, e.Value!.Value)))
            .Concat(recent).OrderBy(r => r.Key).Select(r => r.Value)];
    }

    private static ReportedValue ValueOf(ProgressReport report) => new(report.ReportedAt, report.Value!.Value);

    /// <summary>The newest reports, oldest first: what a view carries.</summary>
    private List<ProgressReport> NewestReports()
    {
        var recent = S.Reports.RecentReports;
        var from = Math.Max(0, recent.Count - RecentReportsKept);
        var newest = new List<ProgressReport>(recent.Count - from);
        for (var i = from; i < recent.Count; i++)
            newest.Add(recent[i].Report);
        return newest;
    }

    /// <summary>
    /// Adds a checked, new report received at <paramref name="receivedAt"/> (the caller commits): the newest measurement
    /// wins, whatever order reports arrive in; the history stays ordered by date.
    /// </summary>
    private void Apply(ProgressReport report, DateTimeOffset receivedAt)
    {
        var reports = S.Reports;
        if (report.Value is { } value && (reports.CurrentValueAt is null || report.ReportedAt >= reports.CurrentValueAt))
        {
            reports.CurrentValue = value;
            reports.CurrentValueAt = report.ReportedAt;
        }
        if (report.CompletedMilestoneId is { } milestone && !reports.CompletedMilestones.Contains(milestone))
            reports.CompletedMilestones.Add(milestone);
        reports.LastReportAt = receivedAt;
        AddToHistory(report);
    }

    /// <summary>An upgrade (the caller commits): values measured against the old terms mean nothing against the new target; actions done stay done if still listed.</summary>
    private void ResetProgressFor(CommitmentTerms newTerms)
    {
        S.Reports.CurrentValue = null;
        S.Reports.CurrentValueAt = null;
        var listed = (newTerms.Milestones ?? []).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        S.Reports.CompletedMilestones.RemoveAll(id => !listed.Contains(id));
    }

    /// <summary>Adds a new report (checked, and new) to the history, and to what the rules keep of the newest reports. The caller commits.</summary>
    private void AddToHistory(ProgressReport report)
    {
        var stored = new StoredReport(S.Reports.ReportCount, report);
        S.Reports.ReportCount++;
        InsertInHistoryOrder(S.Reports.RecentReports, stored);
        NoteNewest(stored);
    }

    /// <summary>Inserts after every report dated the same or earlier: a new report has the highest sequence number.</summary>
    private static void InsertInHistoryOrder(List<StoredReport> reports, StoredReport stored)
    {
        var at = reports.Count;
        while (at > 0 && reports[at - 1].Key.CompareTo(stored.Key) > 0)
            at--;
        reports.Insert(at, stored);
    }

    /// <summary>Keeps the newest values, and through the verification's state the newest claim, current for a report added to the history.</summary>
    private void NoteNewest(StoredReport stored)
    {
        var report = stored.Report;
        if (report.Value is { } value)
        {
            var values = S.Reports.RecentValues;
            var at = values.Count;
            while (at > 0 && values[at - 1].At > report.ReportedAt)
                at--;
            values.Insert(at, new ReportedValue(report.ReportedAt, value));
            if (values.Count > Trajectories.TrendPoints)
                values.RemoveAt(0);
        }
        NoteClaim(stored);
    }

    /// <summary>The newest reports by id, for a batch's checks.</summary>
    private Dictionary<string, StoredReport> RecentById() => S.Reports.RecentReports.ToDictionary(r => r.Report.ReportId, StringComparer.Ordinal);

    /// <summary>
    /// The report stored under <paramref name="reportId"/>: among the newest, else (when segments are sealed) through the
    /// sealed reports' index, loaded once per activation, and one segment read.
    /// </summary>
    private async Task<StoredReport?> FindStored(string reportId, Dictionary<string, StoredReport>? recentById = null)
    {
        if (recentById is not null)
        {
            if (recentById.TryGetValue(reportId, out var hit))
                return hit;
        }
        else
        {
            foreach (var recent in S.Reports.RecentReports)
            {
                if (string.Equals(recent.Report.ReportId, reportId, StringComparison.Ordinal))
                    return recent;
            }
        }
        if (S.Reports.SealedSegments == 0)
            return null;
        var index = await EnsureSealedIndex();
        if (!index.ById.TryGetValue(reportId, out var entry))
            return null;
        return ReportIn(await ReadSegment(entry.Segment), entry.Key.Seq);
    }

    /// <summary>
    /// Whether the history is the sealed segments one after the other, then the newest reports: no segment overlaps an
    /// earlier one, and no report among the newest is older than a sealed one (a backdated report waiting to be sealed).
    /// </summary>
    private bool HistoryInOrder =>
        !S.Reports.SegmentsOverlap
        && (S.Reports.SealedMax is not { } sealedMax || S.Reports.RecentReports.Count == 0 || S.Reports.RecentReports[0].Key.CompareTo(sealedMax) > 0);

    /// <summary>Reports <paramref name="skip"/> to <paramref name="skip"/> + <paramref name="take"/> − 1 from the newest, when the history is in order: by arithmetic.</summary>
    private async Task<List<ProgressReport>> PageInOrder(int skip, int take)
    {
        var recent = S.Reports.RecentReports;
        var page = new List<ProgressReport>(take);
        for (var position = skip; position < skip + take; position++)
        {
            if (position < recent.Count)
            {
                page.Add(recent[recent.Count - 1 - position].Report);
                continue;
            }
            var fromNewestSealed = position - recent.Count;
            var segment = await ReadSegment(S.Reports.SealedSegments - 1 - (fromNewestSealed / SegmentSize));
            page.Add(segment[SegmentSize - 1 - (fromNewestSealed % SegmentSize)].Report);
        }
        return page;
    }

    /// <summary>The same page when segments overlap: the sealed reports' order from the index, merged with the newest reports.</summary>
    private async Task<List<ProgressReport>> PageFromIndex(int skip, int take)
    {
        var sealedInOrder = S.Reports.SealedSegments == 0 ? [] : (await EnsureSealedIndex()).Sorted();
        var recent = S.Reports.RecentReports;
        int s = sealedInOrder.Count - 1, r = recent.Count - 1;
        var page = new List<ProgressReport>(take);
        for (var position = 0; position < skip + take && (s >= 0 || r >= 0); position++)
        {
            // Walk down from the newest of both: the next one is whichever is later in the history.
            var fromRecent = s < 0 || (r >= 0 && recent[r].Key.CompareTo(sealedInOrder[s].Key) > 0);
            if (fromRecent)
            {
                if (position >= skip)
                    page.Add(recent[r].Report);
                r--;
            }
            else
            {
                if (position >= skip)
                    page.Add(ReportIn(await ReadSegment(sealedInOrder[s].Segment), sealedInOrder[s].Key.Seq).Report);
                s--;
            }
        }
        return page;
    }

    private StoredReport ReportIn(IReadOnlyList<StoredReport> segment, int seq)
    {
        foreach (var stored in segment)
        {
            if (stored.Seq == seq)
                return stored;
        }
        throw new InvalidOperationException($"Commitment '{Id}': report {seq} is missing from the segment its index names.");
    }

    /// <summary>
    /// Seals the oldest <see cref="SegmentSize"/> of the newest reports into segments while the state holds
    /// <see cref="RecentReportsKept"/> + <see cref="SegmentSize"/> or more. The segments are written first; only then does
    /// this state count them (the caller writes it), so a failure leaves at most an orphan segment that the next seal of
    /// that number replaces.
    /// </summary>
    private async Task SealFullSegments()
    {
        var count = (S.Reports.RecentReports.Count - RecentReportsKept) / SegmentSize;
        if (count <= 0)
            return;
        var runs = Enumerable.Range(0, count)
            .Select(i => (Segment: S.Reports.SealedSegments + i, Reports: S.Reports.RecentReports.GetRange(i * SegmentSize, SegmentSize)))
            .ToList();
        foreach (var chunk in runs.Chunk(MaxParallelSegmentIo))
            await Task.WhenAll(chunk.Select(run => WriteSegment(run.Segment, run.Reports)));
        CivicMetrics.ReportSegmentsWritten(count);

        foreach (var (segment, reports) in runs)
        {
            if (S.Reports.SealedMax is { } sealedMax && reports[0].Key.CompareTo(sealedMax) < 0)
                S.Reports.SegmentsOverlap = true;
            if (S.Reports.SealedMax is not { } max || reports[^1].Key.CompareTo(max) > 0)
                S.Reports.SealedMax = reports[^1].Key;
            _sealedIndex?.Add(segment, reports);
        }
        S.Reports.RecentReports.RemoveRange(0, count * SegmentSize);
        S.Reports.SealedSegments += count;
    }

    /// <summary>
    /// Writes a segment once. A row under its name already (an orphan of a seal whose commitment write failed, or the
    /// segment of another activation of this commitment that is ahead of this one) is replaced only if this commitment's
    /// stored state is still the one this activation last read or wrote; otherwise this activation is stale and stops.
    /// </summary>
    private async Task WriteSegment(int segment, List<StoredReport> reports)
    {
        var grainId = this.GetGrainId();
        var written = new GrainState<CommitmentReportSegment>(new CommitmentReportSegment { Reports = reports });
        try
        {
            await Storage.WriteStateAsync(SegmentName(segment), grainId, written);
        }
        catch (InconsistentStateException)
        {
            var stored = new GrainState<CommitmentState>();
            await Storage.ReadStateAsync(StateName, grainId, stored);
            if (!string.Equals(stored.ETag, state.Etag, StringComparison.Ordinal))
                throw new InconsistentStateException($"Commitment '{Id}' was changed by another activation; this one stops.", stored.ETag, state.Etag);
            var orphan = new GrainState<CommitmentReportSegment>();
            await Storage.ReadStateAsync(SegmentName(segment), grainId, orphan);
            written.ETag = orphan.ETag;
            await Storage.WriteStateAsync(SegmentName(segment), grainId, written);
        }
    }

    private async Task<IReadOnlyList<StoredReport>> ReadSegment(int segment)
    {
        if (_segmentCache.TryGetValue(segment, out var cached))
            return cached;
        var reports = await ReadSegmentFromStorage(segment);
        CivicMetrics.ReportSegmentsRead(1, forIndex: false);
        if (_segmentCache.Count >= SegmentCacheSize)
            _segmentCache.Clear();
        _segmentCache[segment] = reports;
        return reports;
    }

    private async Task<IReadOnlyList<StoredReport>> ReadSegmentFromStorage(int segment)
    {
        if (segment < 0 || segment >= S.Reports.SealedSegments)
            throw new InvalidOperationException($"Commitment '{Id}' has no sealed segment {segment}.");
        var stored = new GrainState<CommitmentReportSegment>();
        await Storage.ReadStateAsync(SegmentName(segment), this.GetGrainId(), stored);
        if (!stored.RecordExists || stored.State?.Reports is not { Count: SegmentSize } reports)
            throw new InvalidOperationException($"Commitment '{Id}': its report segment {segment} is missing or incomplete in storage.");
        return reports;
    }

    /// <summary>Every sealed report's id, place and value, read from the segments once per activation (see the remarks above).</summary>
    private async Task<SealedIndex> EnsureSealedIndex()
    {
        if (_sealedIndex is not null)
            return _sealedIndex;
        var index = new SealedIndex();
        var sealedCount = S.Reports.SealedSegments;
        foreach (var chunk in Enumerable.Range(0, sealedCount).Chunk(MaxParallelSegmentIo))
        {
            var segments = await Task.WhenAll(chunk.Select(ReadSegmentFromStorage));
            for (var i = 0; i < chunk.Length; i++)
                index.Add(chunk[i], segments[i]);
        }
        CivicMetrics.ReportSegmentsRead(sealedCount, forIndex: true);
        return _sealedIndex = index;
    }

    /// <summary>
    /// A commitment stored before segments (all its reports in <see cref="CommitmentState.FlatReports"/>, in date order): its
    /// reports become the history in that order, what the rules keep of the newest is computed, full segments are sealed
    /// and the state is written, without a new version (nothing a reader sees changes but where the reports are kept).
    /// </summary>
    private async Task MigrateLegacyReports()
    {
        if (S.FlatReports is not { Count: > 0 } legacy)
            return;
        // The reporting interval ran from the last report's date for commitments from before LastReportAt.
        S.Reports.LastReportAt ??= legacy[^1].ReportedAt;
        foreach (var report in legacy)
            AddToHistory(report);
        foreach (var stored in S.Reports.RecentReports)
        {
            if (S.Verification.Verifications.TryGetValue(stored.Report.ReportId, out var verification))
                NoteVerification(stored, verification.Tier);
        }
        S.FlatReports = null;
        await SealFullSegments();
        await state.WriteStateAsync();
    }

    /// <summary>The sealed reports of this activation: id → segment, and their places and values in history order.</summary>
    private sealed class SealedIndex
    {
        private readonly List<SealedEntry> _entries = [];
        private bool _sorted = true;

        public Dictionary<string, SealedEntry> ById { get; } = new(StringComparer.Ordinal);

        public void Add(int segment, IReadOnlyList<StoredReport> reports)
        {
            foreach (var stored in reports)
            {
                var entry = new SealedEntry(stored.Report.ReportId, stored.Key, segment, stored.Report.ReportedAt, stored.Report.Value);
                if (_entries.Count > 0 && _entries[^1].Key.CompareTo(entry.Key) > 0)
                    _sorted = false;
                _entries.Add(entry);
                ById[entry.ReportId] = entry;
            }
        }

        /// <summary>Every sealed report, oldest first.</summary>
        public List<SealedEntry> Sorted()
        {
            if (!_sorted)
            {
                _entries.Sort((a, b) => a.Key.CompareTo(b.Key));
                _sorted = true;
            }
            return _entries;
        }
    }

    private readonly record struct SealedEntry(string ReportId, ReportKey Key, int Segment, DateTimeOffset At, double? Value);
}

/// <summary>Where a report stands in the history: its date (UTC ticks), then its arrival (sequence number).</summary>
[GenerateSerializer, Immutable, Alias("cc.ReportKey.v1")]
public readonly record struct ReportKey(
    [property: Id(0)] long AtTicks,
    [property: Id(1)] int Seq) : IComparable<ReportKey>
{
    public int CompareTo(ReportKey other) => AtTicks != other.AtTicks ? AtTicks.CompareTo(other.AtTicks) : Seq.CompareTo(other.Seq);

    public static bool operator <(ReportKey left, ReportKey right) => left.CompareTo(right) < 0;

    public static bool operator >(ReportKey left, ReportKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(ReportKey left, ReportKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ReportKey left, ReportKey right) => left.CompareTo(right) >= 0;
}

/// <summary>A report with its sequence number, as the history stores it.</summary>
[GenerateSerializer, Immutable, Alias("cc.StoredReport.v1")]
public sealed record StoredReport(
    [property: Id(0)] int Seq,
    [property: Id(1)] ProgressReport Report)
{
    public ReportKey Key => new(Report.ReportedAt.UtcTicks, Seq);
}

/// <summary>A report the rules remember by its place in the history (the newest claim, the newest verified value).</summary>
[GenerateSerializer, Immutable, Alias("cc.ReportMark.v1")]
public sealed record ReportMark(
    [property: Id(0)] string ReportId,
    [property: Id(1)] ReportKey Key,
    [property: Id(2)] double? Value);

/// <summary>A sealed segment of a commitment's history: <see cref="CommitmentGrain.SegmentSize"/> reports in history order, written once.</summary>
[GenerateSerializer, Alias("cc.CommitmentReportSegment.v1")]
public sealed class CommitmentReportSegment
{
    [Id(0)] public List<StoredReport> Reports { get; set; } = [];
}
