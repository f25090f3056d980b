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
/// </summary>
public sealed class ScopeCommitments(SiteData data, CommitmentViews views)
{
    public async Task<Paged<CommitmentSummary>> PageAsync(string scope, PageRequest paging, CancellationToken cancellationToken)
    {
        await data.WhenListsLoaded(cancellationToken);
        var (items, total) = data.Contributions.Page(scope, publicOnly: false, paging.Skip, paging.PageSize);
        var page = paging.Of(items, total);
        var read = await Task.WhenAll(page.Items.Select(c => views.GetUnredactedAsync(c.CommitmentId)));
        return page.With<CommitmentSummary>([.. page.Items.Zip(read, (c, view) => new CommitmentSummary(
            c.CommitmentId, view is null ? null : PublicView.Title(view), c.ParticipantId, c.ParticipantKind, view?.NeighbourhoodCode,
            c.Level, c.Status, c.Progress, c.OnTrack, c.ConfirmedAt, c.UpdatedAt))]);
    }
}
