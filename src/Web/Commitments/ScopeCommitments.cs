using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Paging;

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
/// The commitments that count in a scope (a goal with its objectives, or a place), read from the contribution
/// shards that hold them: newest change first, paged, and only the page's commitments are asked for their titles.
/// </summary>
public static class ScopeCommitments
{
    public static async Task<Paged<CommitmentSummary>> PageAsync(IClusterClient orleans, string scope, PageRequest paging)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, AggregateScope.ShardCount)
            .Select(i => orleans.GetGrain<IContributionShardGrain>(i).GetContributions(scope)));
        var all = shards.SelectMany(s => s)
            .OrderByDescending(c => c.UpdatedAt)
            .ThenBy(c => c.CommitmentId, StringComparer.Ordinal)
            .ToList();
        var page = paging.Apply(all);
        var views = await Task.WhenAll(page.Items.Select(c => orleans.GetGrain<ICommitmentGrain>(c.CommitmentId).Get()));
        return page.With<CommitmentSummary>([.. page.Items.Zip(views, (c, view) => new CommitmentSummary(
            c.CommitmentId, view is null ? null : Moderation.PublicView.Title(view), c.ParticipantId, c.ParticipantKind, view?.NeighbourhoodCode,
            c.Level, c.Status, c.Progress, c.OnTrack, c.ConfirmedAt, c.UpdatedAt))]);
    }
}
