using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Paging;
using CivicContracting.Web.ReadModel;

namespace CivicContracting.Web.Commitments;

/// <summary>One line in a goal's or place's list of commitments.</summary>
public sealed record CommitmentSummary(
    string Id,
    string? Title,
    string ParticipantId,
    ParticipantKind ParticipantKind,
    string? NeighbourhoodCode,
    CommitmentLevel Level,
    CommitmentStatus Status,
    double? Progress,
    bool OnTrack,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// The commitments that count in a scope (a goal with its objectives, or a place), drafts included, read from this web
/// host's index of contributions (kept current by the shards' deltas): newest change first, paged in O(page), and only the
/// page's commitments are read for their titles (from <see cref="CommitmentViews"/>, which reads a commitment again only
/// when its version changed).
/// With a <see cref="CommitmentFilter"/> (a goal's list), the filtered list is one scan of the scope, O(scope), held by
/// <see cref="FilteredLists"/> for the next pages and callers, as the goal page does.
/// </summary>
public sealed class ScopeCommitments(SiteData data, CommitmentViews views, FilteredLists filtered)
{
    public async Task<Paged<CommitmentSummary>> PageAsync(string scope, PageRequest paging, CancellationToken cancellationToken, CommitmentFilter? filter = null)
    {
        await data.WhenListsLoaded(cancellationToken);
        IReadOnlyList<Contribution> items;
        int total;
        if (filter is null || filter.IsEmpty)
        {
            (items, total) = data.Contributions.Page(scope, publicOnly: false, paging.Skip, paging.PageSize);
        }
        else
        {
            var matching = filtered.Get(scope, filter.Key, filter.Admits, publicOnly: false);
            (items, total) = ([.. matching.Skip(paging.Skip).Take(paging.PageSize)], matching.Count);
        }
        var page = paging.Of(items, total);
        var read = await Task.WhenAll(page.Items.Select(c => views.GetUnredactedAsync(c.CommitmentId)));
        return page.With<CommitmentSummary>([.. page.Items.Zip(read, (c, view) => new CommitmentSummary(
            c.CommitmentId, view is null ? null : PublicView.Title(view), c.ParticipantId, c.ParticipantKind, view?.NeighbourhoodCode,
            c.Level, c.Status, c.Progress, c.OnTrack, c.ConfirmedAt, c.UpdatedAt))]);
    }
}
