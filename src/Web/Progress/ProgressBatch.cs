using System.Collections.Concurrent;
using CivicContracting.Commitments;
using CivicContracting.Validation;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Progress;

/// <summary>
/// One report of a batch as planned: where it came from (<see cref="Source"/>, e.g. "rows[3]" or "values[0]", the
/// prefix of its errors), the commitment, the report, whether the client gave its date and its id (or the id was
/// derived from the Idempotency-Key), and what the batch calls the date field.
/// </summary>
public sealed record PlannedReport(string Source, string CommitmentId, ProgressReport Report, bool DateGiven, bool IdGiven, string DateField = "reportedAt")
{
    /// <summary>A field could not be read (its error is listed already): the rest is checked, but the report is not compared or stored.</summary>
    public bool Broken { get; init; }

    /// <summary>The error key of a field of the report: "rows[3].value"; the report's date under the batch's own name.</summary>
    public string Field(string reportField) => reportField switch
    {
        "" => Source,
        "reportedAt" => $"{Source}.{DateField}",
        "reportId" when !IdGiven => Source,
        _ => $"{Source}.{reportField}",
    };
}

public sealed record BatchResult(int Reports, int Applied, int AlreadyApplied);

/// <summary>
/// Bulk progress, all or nothing at the door: every report of a batch is checked first — against the input rules, the
/// commitment it names (it exists, belongs to the participant of the import, is a result commitment that is confirmed
/// or active and has room for the reports), its date (not in the future) and its id (not used twice in the batch, and
/// on the commitment either unused or used by this very report, which a retry sends again) — and one bad report refuses
/// the whole batch with 400 listing every bad field by row, before anything is stored. Only then are the reports sent:
/// each commitment's in one grain call (one write; all or none for that commitment), several commitments at once.
/// Reports stored already (a retry) are counted, not stored again.
/// </summary>
public static partial class ProgressBatch
{
    /// <summary>The most fields a refusal lists; the rest are counted.</summary>
    public const int MaxListedErrors = 100;

    private const int Parallelism = 8;

    /// <summary>
    /// Validates all of <paramref name="plans"/> (with <paramref name="errors"/> already found while reading them) and, if
    /// none is bad, stores them. <paramref name="participantId"/>: every commitment must be that participant's.
    /// <paramref name="known"/>: commitments the caller has read already.
    /// </summary>
    public static async Task<BatchResult> RunAsync(IClusterClient orleans, IReadOnlyList<PlannedReport> plans, InputRules.Errors errors,
        string? participantId, DateTimeOffset now, int totalRows, IReadOnlyDictionary<string, CommitmentView>? known = null)
    {
        var views = await ReadCommitmentsAsync(orleans, plans, known);
        var storedIds = await ReadStoredReportsAsync(orleans, plans, views);
        var toApply = new List<PlannedReport>();
        var alreadyApplied = 0;
        var firstUse = new Dictionary<(string Commitment, string ReportId), string>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var plan in plans)
        {
            var before = errors.Count;
            views.TryGetValue(plan.CommitmentId, out var view);
            CheckCommitment(errors, plan, view, participantId);
            // The terms only of a result commitment: for others CheckCommitment has named the level already.
            // The rules of every progress report, the date's included (CommitmentRules.Report).
            foreach (var (field, messages) in CommitmentRules.Report(plan.Report, view?.Terms is { Level: CommitmentLevel.Result } terms ? terms : null, now).ByField)
            {
                foreach (var message in messages)
                    errors.Add(plan.Field(field), message);
            }

            if (firstUse.TryGetValue((plan.CommitmentId, plan.Report.ReportId), out var other))
            {
                errors.Add(plan.Field("reportId"), plan.IdGiven
                    ? ApiText.ReportIdUsedTwice(plan.Report.ReportId, other)
                    : ApiText.DerivedReportIdTwice(other));
                continue;
            }
            firstUse[(plan.CommitmentId, plan.Report.ReportId)] = plan.Source;
            if (plan.Broken || errors.Count != before || view is null)
                continue;

            if (storedIds[plan.CommitmentId].TryGetValue(plan.Report.ReportId, out var stored))
            {
                if (IdempotentReports.IsSame(stored, plan.Report, plan.DateGiven))
                {
                    alreadyApplied++;
                    continue;
                }
                errors.Add(plan.Field("reportId"), plan.IdGiven
                    ? ApiText.ReportIdUsedElsewhere(plan.Report.ReportId, plan.CommitmentId)
                    : ApiText.IdempotencyKeyUsedElsewhere);
                continue;
            }
            var count = counts[plan.CommitmentId] = counts.GetValueOrDefault(plan.CommitmentId, view.ReportCount) + 1;
            if (count > CommitmentLimits.MaxReports)
            {
                errors.Add(plan.Field(""), ApiText.ReportLimitPassed(plan.CommitmentId, CommitmentLimits.MaxReports));
                continue;
            }
            toApply.Add(plan);
        }

        if (!errors.IsValid)
            throw Refusal(errors, totalRows);
        if (toApply.Count == 0)
            return new BatchResult(plans.Count, 0, alreadyApplied);
        var applied = await ApplyAsync(orleans, toApply, plans.Count);
        return new BatchResult(plans.Count, applied.Applied, alreadyApplied + applied.AlreadyApplied);
    }

    private static void CheckCommitment(InputRules.Errors errors, PlannedReport plan, CommitmentView? view, string? participantId)
    {
        var field = plan.Field("commitmentId");
        if (view is null)
        {
            errors.Add(field, ApiText.NoCommitment(plan.CommitmentId));
            return;
        }
        if (participantId is not null && !string.Equals(view.ParticipantId, participantId, StringComparison.Ordinal))
            errors.Add(field, ApiText.CommitmentOfOtherParticipant(plan.CommitmentId, participantId));
        else if (view.Terms.Level != CommitmentLevel.Result)
            errors.Add(field, view.Terms.Level == CommitmentLevel.Action ? ApiText.ValuesOnActionCommitment(plan.CommitmentId) : ApiText.ValuesOnPledgeCommitment(plan.CommitmentId));
        else if (view.Status is not (CommitmentStatus.Confirmed or CommitmentStatus.Active))
            errors.Add(field, ApiText.MetricNotReportable(plan.CommitmentId, SiteFormat.Api(view.Status)));
    }

    private static async Task<Dictionary<string, CommitmentView>> ReadCommitmentsAsync(IClusterClient orleans, IReadOnlyList<PlannedReport> plans, IReadOnlyDictionary<string, CommitmentView>? known)
    {
        var views = new ConcurrentDictionary<string, CommitmentView>(known ?? new Dictionary<string, CommitmentView>(), StringComparer.Ordinal);
        var ids = plans.Select(p => p.CommitmentId).Distinct(StringComparer.Ordinal).Where(id => !views.ContainsKey(id) && ApiIds.IsWellFormed(id)).ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, _) =>
        {
            if (await orleans.GetGrain<ICommitmentGrain>(id).Get() is { } view)
                views[id] = view;
        });
        return new Dictionary<string, CommitmentView>(views, StringComparer.Ordinal);
    }

    /// <summary>
    /// Of each commitment, the reports already stored under the ids the batch names (from its whole history, however old),
    /// by id: what a retry sends again, or a new report under a used id.
    /// </summary>
    private static async Task<Dictionary<string, IReadOnlyDictionary<string, ProgressReport>>> ReadStoredReportsAsync(
        IClusterClient orleans, IReadOnlyList<PlannedReport> plans, Dictionary<string, CommitmentView> views)
    {
        var stored = new ConcurrentDictionary<string, IReadOnlyDictionary<string, ProgressReport>>(StringComparer.Ordinal);
        var byCommitment = plans.Where(p => views.ContainsKey(p.CommitmentId)).GroupBy(p => p.CommitmentId, StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(byCommitment, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (group, _) =>
            stored[group.Key] = await IdempotentReports.FindManyAsync(orleans.GetGrain<ICommitmentGrain>(group.Key), views[group.Key],
                group.Select(p => p.Report.ReportId)));
        return new Dictionary<string, IReadOnlyDictionary<string, ProgressReport>>(stored, StringComparer.Ordinal);
    }

    /// <summary>
    /// Each commitment's reports in one call (<see cref="ICommitmentGrain.ReportProgressBatch"/>: one write, all or none;
    /// chunks of <see cref="CommitmentLimits.MaxReportsPerBatch"/>), up to <see cref="Parallelism"/> commitments at once.
    /// </summary>
    private static async Task<(int Applied, int AlreadyApplied)> ApplyAsync(IClusterClient orleans, List<PlannedReport> toApply, int total)
    {
        var applied = 0;
        var alreadyApplied = 0;
        var failures = new ConcurrentQueue<(PlannedReport[] Chunk, Exception Exception)>();
        var groups = toApply.GroupBy(p => p.CommitmentId, StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (group, _) =>
        {
            var grain = orleans.GetGrain<ICommitmentGrain>(group.Key);
            foreach (var chunk in group.Chunk(CommitmentLimits.MaxReportsPerBatch))
            {
                try
                {
                    var (stored, already) = await SendAsync(grain, chunk);
                    Interlocked.Add(ref applied, stored);
                    Interlocked.Add(ref alreadyApplied, already);
                }
                catch (Exception exception)
                {
                    failures.Enqueue((chunk, exception));
                    return;
                }
            }
        });
        if (failures.TryPeek(out var failure))
        {
            // Checked a moment ago, so something changed meanwhile (e.g. the commitment was withdrawn). What is stored
            // stays; a retry of the same request stores the rest and nothing twice.
            var problem = ApiExceptionHandler.ToProblem(failure.Exception);
            var chunk = failure.Chunk;
            var sources = chunk.Length == 1 ? chunk[0].Source : $"{chunk[0].Source} to {chunk[^1].Source}";
            throw new ApiProblemException(problem.Status ?? StatusCodes.Status500InternalServerError, problem.Title ?? "The batch was not completed",
                $"{applied + alreadyApplied} of {total} reports are stored; those of {sources} (commitment '{chunk[0].CommitmentId}') were refused: {problem.Detail} "
                + "Send the same request again (the same Idempotency-Key or reportIds) once that is resolved: reports stored already are not stored twice.",
                failure.Exception is InputRejectedException rejected ? Rekey(rejected.Errors, chunk) : null);
        }
        return (applied, alreadyApplied);
    }

    /// <summary>
    /// One chunk of one commitment's reports. A report dated on arrival that a concurrent attempt of the same request
    /// stored a moment ago differs from it in its date alone, which the grain refuses as a reused id: such reports are
    /// recognised as stored and the rest is sent once more.
    /// </summary>
    private static async Task<(int Stored, int AlreadyStored)> SendAsync(ICommitmentGrain grain, PlannedReport[] chunk)
    {
        try
        {
            var result = await grain.ReportProgressBatch([.. chunk.Select(p => p.Report)]);
            return (result.Stored, result.AlreadyStored);
        }
        catch (StateConflictException) when (chunk.Any(p => !p.DateGiven))
        {
            var stored = await IdempotentReports.FindManyAsync(grain, await grain.Get(), chunk.Select(p => p.Report.ReportId));
            var rest = chunk.Where(p => !(stored.GetValueOrDefault(p.Report.ReportId) is { } earlier && IdempotentReports.IsSame(earlier, p.Report, p.DateGiven))).ToList();
            var dropped = chunk.Length - rest.Count;
            if (dropped == 0)
                throw;
            if (rest.Count == 0)
                return (0, dropped);
            var result = await grain.ReportProgressBatch([.. rest.Select(p => p.Report)]);
            return (result.Stored, result.AlreadyStored + dropped);
        }
    }

    /// <summary>The grain's "[3].value" → the batch's "rows[17].value".</summary>
    private static Dictionary<string, string[]> Rekey(IReadOnlyDictionary<string, string[]> errors, PlannedReport[] chunk)
    {
        var keyed = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, messages) in errors)
        {
            var match = GrainErrorKey().Match(key);
            var field = match.Success && int.TryParse(match.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture, out var index) && index < chunk.Length
                ? chunk[index].Field(match.Groups["field"].Value)
                : chunk[0].Source;
            keyed[field] = messages;
        }
        return keyed;
    }

    /// <summary>400 listing the bad fields by row (the first <see cref="MaxListedErrors"/>); nothing was stored.</summary>
    private static ApiProblemException Refusal(InputRules.Errors errors, int totalRows)
    {
        var all = errors.ByField;
        var listed = all.Take(MaxListedErrors).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var badRows = all.Keys.Select(RowOf).Where(r => r is not null).Distinct(StringComparer.Ordinal).Count();
        var more = all.Count > MaxListedErrors ? $" Only the first {MaxListedErrors} of {all.Count} bad fields are listed." : "";
        var summary = badRows > 0 ? $"{badRows} of {totalRows} rows have errors. " : "";
        var first = string.Join("; ", listed.Take(3).Select(e => $"{e.Key}: {string.Join(" ", e.Value).TrimEnd('.')}"));
        return ApiProblems.Invalid(listed, $"{summary}Check {first}{(listed.Count > 3 ? "; …" : "")}. Nothing was stored: correct every listed row and send the whole batch again.{more}");
    }

    /// <summary>"rows[3].value" → "rows[3]"; null for keys of the request as a whole.</summary>
    private static string? RowOf(string key)
    {
        var close = key.IndexOf(']', StringComparison.Ordinal);
        return close > 0 && key.Contains('[', StringComparison.Ordinal) ? key[..(close + 1)] : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\[(?<index>\d+)\]\.?(?<field>.*)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex GrainErrorKey();
}
