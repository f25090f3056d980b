using CivicContracting.Commitments;
using CivicContracting.Validation;

namespace CivicContracting.Web.Progress;

/// <summary>
/// Sends a report so that a retry is answered as the first attempt was. The commitment stores a report id once and
/// refuses the id for a different report; a report whose date was not given is dated when it arrives, so its retry
/// differs in the date alone. Such a retry is recognised here (same id, same value, action, note and evidence) and
/// answered with the commitment as it is, instead of the grain's conflict.
/// </summary>
public static class IdempotentReports
{
    /// <summary>Whether <paramref name="stored"/> is <paramref name="sent"/> again (the date counts only when the client gave it).</summary>
    public static bool IsSame(ProgressReport stored, ProgressReport sent, bool dateGiven) =>
        string.Equals(stored.ReportId, sent.ReportId, StringComparison.Ordinal)
        && stored.Value == sent.Value
        && string.Equals(stored.CompletedMilestoneId, sent.CompletedMilestoneId, StringComparison.Ordinal)
        && string.Equals(stored.Note, sent.Note, StringComparison.Ordinal)
        && string.Equals(stored.EvidenceUrl, sent.EvidenceUrl, StringComparison.Ordinal)
        && (!dateGiven || stored.ReportedAt == sent.ReportedAt);

    /// <summary>
    /// The report stored under <paramref name="reportId"/>, however old: from <paramref name="view"/> when it is among the
    /// newest reports the view carries (or the view carries the whole history), else asked of the commitment.
    /// </summary>
    public static async Task<ProgressReport?> FindAsync(ICommitmentGrain grain, CommitmentView? view, string reportId)
    {
        if (view is not null)
        {
            var inView = view.Reports.FirstOrDefault(r => string.Equals(r.ReportId, reportId, StringComparison.Ordinal));
            if (inView is not null || HoldsWholeHistory(view))
                return inView;
        }
        return await grain.FindReport(reportId);
    }

    /// <summary>The reports stored under any of <paramref name="reportIds"/>, by id: from the view when it carries the whole history, else from the commitment.</summary>
    public static async Task<IReadOnlyDictionary<string, ProgressReport>> FindManyAsync(ICommitmentGrain grain, CommitmentView? view, IEnumerable<string> reportIds)
    {
        var ids = reportIds.Distinct(StringComparer.Ordinal).ToList();
        if (view is not null && HoldsWholeHistory(view))
        {
            var wanted = ids.ToHashSet(StringComparer.Ordinal);
            return view.Reports.Where(r => wanted.Contains(r.ReportId)).ToDictionary(r => r.ReportId, StringComparer.Ordinal);
        }
        var found = new Dictionary<string, ProgressReport>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(ReportHistory.MaxLookup))
        {
            foreach (var report in await grain.FindReports(chunk))
                found[report.ReportId] = report;
        }
        return found;
    }

    private static bool HoldsWholeHistory(CommitmentView view) => view.ReportCount <= view.Reports.Count;

    /// <summary>
    /// Stores <paramref name="report"/> on the commitment; <c>AlreadyStored</c> when the same report was there already.
    /// <paramref name="known"/> is the commitment as the caller read it, if it did (saves a read).
    /// </summary>
    public static async Task<(CommitmentView View, bool AlreadyStored)> SendAsync(ICommitmentGrain grain, ProgressReport report, bool dateGiven, CommitmentView? known = null)
    {
        if (!dateGiven)
        {
            var view = known ?? await grain.Get();
            if (await FindAsync(grain, view, report.ReportId) is { } earlier)
            {
                return IsSame(earlier, report, dateGiven)
                    ? (view!, true)
                    : throw new StateConflictException($"Report id '{report.ReportId}' was already used for another report.");
            }
        }
        try
        {
            return (await grain.ReportProgress(report), false);
        }
        catch (StateConflictException) when (!dateGiven)
        {
            // A concurrent attempt of the same request may have stored it meanwhile, dated a moment differently.
            var view = await grain.Get();
            if (await FindAsync(grain, view, report.ReportId) is { } earlier && IsSame(earlier, report, dateGiven))
                return (view!, true);
            throw;
        }
    }
}
