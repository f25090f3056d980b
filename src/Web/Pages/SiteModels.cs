using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.ReadModel;

namespace CivicContracting.Web.Pages;

/// <summary>The figures block of a goal or place page (Shared/_Aggregate.cshtml).</summary>
public sealed record AggregateView(string Id, string Heading, EngagementSnapshot Snapshot, bool ShowProgress, bool ShowFirstEngagement);

/// <summary>One commitment in a list, with what the list shows of it.</summary>
public sealed record CommitmentRow(
    Contribution Contribution,
    string Title,
    string ParticipantName,
    string? NeighbourhoodCode,
    string? NeighbourhoodName,
    ProgressReport? LatestReport,
    string? Unit,
    string? Language = null);

/// <summary>A page of commitments (Shared/_CommitmentList.cshtml).</summary>
public sealed record CommitmentList(string Id, string Caption, IReadOnlyList<CommitmentRow> Rows, int Page, int TotalPages, int TotalItems, Func<int, string> PageUrl);

/// <summary>Builds commitment rows from this host's memory, asking the grains only for commitments that changed.</summary>
public static class CommitmentRows
{
    public const int PageSize = 20;

    /// <summary>Public lists show confirmed commitments and what became of them; drafts are not public yet.</summary>
    public static IEnumerable<Contribution> Public(IEnumerable<Contribution> contributions) =>
        contributions.Where(c => c.Status != CommitmentStatus.Draft);

    public static async Task<IReadOnlyList<CommitmentRow>> BuildAsync(CommitmentViews views, IReadOnlyList<Contribution> contributions)
    {
        var details = await views.GetManyAsync(contributions.Select(c => c.CommitmentId));
        var byId = details.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var profiles = await views.ProfilesAsync(contributions.Select(c => c.ParticipantId));
        return [.. contributions.Select(c =>
        {
            var view = byId.GetValueOrDefault(c.CommitmentId);
            var neighbourhood = ContributionIndex.NeighbourhoodOf(c);
            return new CommitmentRow(
                c,
                view?.Terms.Title ?? c.CommitmentId,
                profiles.GetValueOrDefault(c.ParticipantId)?.DisplayName ?? "–",
                neighbourhood,
                neighbourhood is not null && PlaceCatalog.Leuven.TryGet(neighbourhood, out var place) ? place.Name : null,
                view?.Reports.Count > 0 ? view.Reports[^1] : null,
                view?.Terms.Target?.Unit,
                view is { TextHidden: false } ? view.Language : null);
        })];
    }

    public static (IReadOnlyList<Contribution> Items, int Page, int TotalPages) Page(IReadOnlyList<Contribution> all, int? page)
    {
        var totalPages = Math.Max(1, (all.Count + PageSize - 1) / PageSize);
        var current = Math.Clamp(page ?? 1, 1, totalPages);
        return ([.. all.Skip((current - 1) * PageSize).Take(PageSize)], current, totalPages);
    }

    /// <summary>
    /// As <see cref="Page(IReadOnlyList{Contribution}, int?)"/>, asking <paramref name="query"/> (skip, take → items, total)
    /// for just the page: a page past the end shows the last one, as before.
    /// </summary>
    public static (IReadOnlyList<Contribution> Items, int Page, int TotalPages, int TotalItems) Page(
        Func<int, int, (IReadOnlyList<Contribution> Items, int Total)> query, int? page)
    {
        var current = Math.Max(1, page ?? 1);
        var (items, total) = query((int)Math.Min(int.MaxValue, (long)(current - 1) * PageSize), PageSize);
        var totalPages = Math.Max(1, (total + PageSize - 1) / PageSize);
        if (current > totalPages)
        {
            current = totalPages;
            (items, total) = query((current - 1) * PageSize, PageSize);
        }
        return (items, current, totalPages, total);
    }
}
