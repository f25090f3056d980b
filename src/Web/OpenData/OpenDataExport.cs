using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Sessions;
using CivicContracting.Web.ReadModel;

namespace CivicContracting.Web.OpenData;

/// <summary>
/// The rows of the bulk downloads, produced as they are written (<see cref="OpenDataEndpoints"/>).
/// <para>
/// <b>Commitments and reports.</b> The web host's index (<see cref="ContributionIndex.PublicAfter"/>) gives the public
/// commitments in id order, <see cref="PageSize"/> at a time (a cursor on the id, so commitments that change during the
/// download are neither skipped nor repeated); titles, terms and the confirmation hash live in the commitment grains, so
/// each commitment is read with <see cref="ICommitmentGrain.GetOnce"/> (reports: also <see cref="ICommitmentGrain.GetReports"/>
/// when it has more than the view carries), at most <see cref="InFlight"/> at once and written in order. The views are
/// not kept (<see cref="CommitmentViews"/>' cache is for the pages); the owners' public names are kept for the download
/// only, at most <see cref="MaxNamesHeld"/>. Memory: one page of contributions and <see cref="InFlight"/> views.
/// What the silo pays: one activation per commitment, let go as soon as it is idle again when the download started it
/// (<see cref="ICommitmentGrain.GetOnce"/>), and one per owner not met in the last <see cref="MaxNamesHeld"/>; hence
/// the cap on concurrent downloads.
/// </para>
/// </summary>
public sealed class OpenDataExport(IClusterClient orleans, SiteData data, CommitmentViews views)
{
    public const int PageSize = 512;
    public const int InFlight = 64;
    public const int MaxNamesHeld = 4096;

    // ---- Commitments ----------------------------------------------------------------------------------------------

    public async IAsyncEnumerable<object?[]> CommitmentRows(DateTimeOffset? asOf, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (c, view, owner) in PublicViews(asOf, withOwners: true, cancellationToken))
            yield return CommitmentRow(c, view, owner, asOf);
    }

    private static object?[] CommitmentRow(Contribution c, CommitmentView raw, ParticipantProfile? owner, DateTimeOffset? asOf)
    {
        var view = PublicView.Redact(raw);
        var terms = view.Terms;
        var termsVersion = view.TermsVersion;
        var hash = view.Confirmation?.TextHash;
        if (asOf is { } at && view.EarlierVersions.Count > 0 && view.Confirmation is { } current && current.ConfirmedAt > at)
        {
            // The terms in force at the date: the newest earlier version valid from on or before it.
            var then = view.EarlierVersions.Where(v => v.ValidFrom <= at).OrderByDescending(v => v.Version).FirstOrDefault();
            if (then is not null)
                (terms, termsVersion, hash) = (then.Terms, then.Version, then.Confirmation?.TextHash);
        }
        var changedAfter = asOf is { } a ? view.UpdatedAt > a : (bool?)null;
        return
        [
            view.Id,
            terms.Title,
            terms.Description,
            view.Language,
            view.ParticipantId,
            owner?.DisplayName,
            c.ParticipantKind,
            terms.Level,
            view.Status,
            view.Goals.Select(g => g.GoalId).ToArray(),
            view.NeighbourhoodCode,
            view.IsTemplate,
            view.TemplateId,
            terms.Target?.Metric,
            terms.Target?.Unit,
            terms.Target?.Baseline,
            terms.Target?.Target,
            terms.Target?.Deadline,
            terms.Milestones?.Count,
            termsVersion,
            c.ConfirmedAt ?? view.Confirmation?.ConfirmedAt,
            hash,
            view.Progress,
            view.VerifiedProgress,
            c.OnTrack,
            view.TextHiddenBy() is not null,
            view.Version,
            view.UpdatedAt,
            changedAfter,
        ];
    }

    // ---- Reports --------------------------------------------------------------------------------------------------

    public async IAsyncEnumerable<object?[]> ReportRows(DateTimeOffset? asOf, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (_, view, _) in PublicViews(asOf: null, withOwners: false, cancellationToken))
        {
            var tiers = Tiers(view);
            if (view.ReportCount <= view.Reports.Count)
            {
                // The view carries them all, oldest first: written newest first, as the history's pages are.
                for (var i = view.Reports.Count - 1; i >= 0; i--)
                {
                    if (ReportRow(view, view.Reports[i], tiers, asOf) is { } row)
                        yield return row;
                }
                continue;
            }
            var grain = orleans.GetGrain<ICommitmentGrain>(view.Id);
            for (var page = 1; ; page++)
            {
                var reports = await grain.GetReports(page, ReportHistory.MaxPageSize);
                foreach (var report in reports.Reports)
                {
                    if (ReportRow(view, report, tiers, asOf) is { } row)
                        yield return row;
                }
                if (reports.Reports.Count < ReportHistory.MaxPageSize || page * ReportHistory.MaxPageSize >= reports.TotalReports)
                    break;
            }
        }
    }

    private static Dictionary<string, VerificationTier> Tiers(CommitmentView view)
    {
        var tiers = new Dictionary<string, VerificationTier>(StringComparer.Ordinal);
        foreach (var v in view.Verifications ?? [])
        {
            if (!tiers.TryGetValue(v.ReportId, out var held) || v.Tier > held)
                tiers[v.ReportId] = v.Tier;
        }
        return tiers;
    }

    private static object?[]? ReportRow(CommitmentView view, ProgressReport stored, Dictionary<string, VerificationTier> tiers, DateTimeOffset? asOf)
    {
        if (asOf is { } at && stored.ReportedAt > at)
            return null;
        var hidden = view.ReportHiddenBy(stored.ReportId) is not null;
        var report = hidden ? stored with { Note = null, EvidenceUrl = null } : stored;
        var isClaim = report.Value is not null || report.CompletedMilestoneId is not null;
        return
        [
            view.Id,
            report.ReportId,
            report.ReportedAt,
            report.Value,
            report.CompletedMilestoneId,
            report.Note,
            report.Note is null ? null : report.Language,
            isClaim ? tiers.GetValueOrDefault(report.ReportId, VerificationTier.SelfDeclared) : null,
            hidden,
        ];
    }

    // ---- Goals and places -----------------------------------------------------------------------------------------

    public async IAsyncEnumerable<object?[]> GoalRows(DateTimeOffset? asOf, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await data.WhenLoaded(cancellationToken);
        foreach (var goal in data.Goals)
        {
            if (asOf is { } at && goal.CreatedAt > at)
                continue;
            var d = goal.Definition;
            object?[] head =
            [
                goal.Id, d.ParentGoalId, d.Title, d.Description, d.Language ?? "nl", d.Scope.Level, d.Scope.PlaceCodes.ToArray(),
                d.RollUp, d.Illustrative, d.Target?.Metric, d.Target?.Unit, d.Target?.Baseline, d.Target?.Target, d.Target?.Deadline,
                goal.CreatedAt, goal.Version,
            ];
            object?[] figures;
            if (asOf is { } then)
            {
                var bucket = BucketAt(await views.HistoryAsync(AggregateScope.Goal(goal.Id)), then);
                figures = [null, bucket?.EngagedCommitments ?? 0, bucket?.Participants ?? 0, bucket?.DistinctKinds ?? 0, bucket?.Progress, null, bucket?.Start];
            }
            else
            {
                var s = data.Aggregate(AggregateScope.Goal(goal.Id));
                figures = [s.Totals.Commitments, s.Totals.EngagedCommitments, s.Totals.Participants, s.DistinctKinds, s.Progress, s.VerifiedProgress, Stamp(s.UpdatedAt)];
            }
            yield return [.. head, .. figures];
        }
    }

    public async IAsyncEnumerable<object?[]> PlaceRows(DateTimeOffset? asOf, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await data.WhenLoaded(cancellationToken);
        foreach (var place in PlaceCatalog.Leuven.All)
        {
            object?[] head = [place.Code, place.Name, place.Level, place.ParentCode, place.LabelLongitude, place.LabelLatitude];
            object?[] figures;
            if (asOf is { } then)
            {
                var bucket = BucketAt(await views.HistoryAsync(AggregateScope.Place(place.Code)), then);
                figures = [null, bucket?.EngagedCommitments ?? 0, null, null, null, bucket?.Participants ?? 0, null, bucket?.DistinctKinds ?? 0, null, null, null, bucket?.Progress, null, bucket?.Start];
            }
            else
            {
                var s = data.Aggregate(AggregateScope.Place(place.Code));
                var t = s.Totals;
                figures =
                [
                    t.Commitments, t.EngagedCommitments,
                    t.EngagedByLevel.GetValueOrDefault(CommitmentLevel.Pledge), t.EngagedByLevel.GetValueOrDefault(CommitmentLevel.Action), t.EngagedByLevel.GetValueOrDefault(CommitmentLevel.Result),
                    t.Participants,
                    string.Join(';', t.ParticipantsByKind.Where(k => k.Value > 0).OrderBy(k => k.Key).Select(k => $"{OpenDataTableWriter.Format(k.Key)}={k.Value}")),
                    s.DistinctKinds, s.ShannonIndex, s.CommitmentsPer1000Residents, s.ParticipantsPer1000Residents, s.Progress, s.VerifiedProgress, Stamp(s.UpdatedAt),
                ];
            }
            yield return [.. head, .. figures];
        }
    }

    /// <summary>The newest history bucket that started on or before <paramref name="at"/>: the figures of that date.</summary>
    private static EngagementBucket? BucketAt(IReadOnlyList<EngagementBucket> buckets, DateTimeOffset at) =>
        buckets.Where(b => b.Start <= at).MaxBy(b => b.Start);

    private static DateTimeOffset? Stamp(DateTimeOffset at) => at == DateTimeOffset.MinValue ? null : at;

    // ---- Sessions -------------------------------------------------------------------------------------------------

    /// <summary>The session directory's lines, newest first, a page of <see cref="ReportHistory.MaxPageSize"/> at a time (one grain, hundreds of sessions a year).</summary>
    public async IAsyncEnumerable<object?[]> SessionRows(DateTimeOffset? asOf, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var directory = orleans.GetGrain<ICoCreationSessionDirectoryGrain>(0);
        for (var skip = 0; ; skip += ReportHistory.MaxPageSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await directory.List(skip, ReportHistory.MaxPageSize, asOf);
            foreach (var s in page.Items)
            {
                yield return
                [
                    s.Id, s.Kind, s.Title, s.Language ?? "nl", s.StartsAt, s.NeighbourhoodCode, s.GoalIds.ToArray(), s.AttendanceTotal,
                ];
            }
            if (page.Items.Count < ReportHistory.MaxPageSize)
                yield break;
        }
    }

    // ---- Reading commitments in order, boundedly ------------------------------------------------------------------

    /// <summary>
    /// The public commitments in id order with their views (as stored: callers redact) and, when asked, their owners'
    /// profiles, read <see cref="InFlight"/> at a time and yielded in order. With <paramref name="asOf"/>, only those
    /// confirmed on or before it.
    /// </summary>
    private async IAsyncEnumerable<(Contribution Contribution, CommitmentView View, ParticipantProfile? Owner)> PublicViews(
        DateTimeOffset? asOf, bool withOwners, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await data.WhenListsLoaded(cancellationToken);
        var names = new ConcurrentDictionary<string, Task<ParticipantProfile?>>(StringComparer.Ordinal);
        var window = new Queue<(Contribution, Task<CommitmentView?>, Task<ParticipantProfile?>?)>(InFlight);
        string? after = null;
        while (true)
        {
            var page = data.Contributions.PublicAfter(after, PageSize);
            if (page.Count == 0)
                break;
            after = page[^1].CommitmentId;
            foreach (var c in page)
            {
                if (asOf is { } at && (c.ConfirmedAt is not { } confirmed || confirmed > at))
                    continue;
                if (window.Count >= InFlight)
                {
                    var (head, view, owner) = window.Dequeue();
                    if (await view is { Status: not CommitmentStatus.Draft } read)
                        yield return (head, read, owner is null ? null : await owner);
                }
                cancellationToken.ThrowIfCancellationRequested();
                window.Enqueue((c, orleans.GetGrain<ICommitmentGrain>(c.CommitmentId).GetOnce(), withOwners ? Profile(names, c.ParticipantId) : null));
            }
            if (page.Count < PageSize)
                break;
        }
        while (window.Count > 0)
        {
            var (head, view, owner) = window.Dequeue();
            if (await view is { Status: not CommitmentStatus.Draft } read)
                yield return (head, read, owner is null ? null : await owner);
        }
    }

    private Task<ParticipantProfile?> Profile(ConcurrentDictionary<string, Task<ParticipantProfile?>> names, string participantId)
    {
        if (names.TryGetValue(participantId, out var held))
            return held;
        if (names.Count >= MaxNamesHeld)
            names.Clear();
        return names.GetOrAdd(participantId, id => orleans.GetGrain<IParticipantGrain>(id).GetProfile());
    }
}
